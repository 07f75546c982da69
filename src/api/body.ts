// Reads a JSON request body with a hard size cap, before any parsing happens.
import type { Context } from 'koa';
import { ApiError } from './errors';

/** 1 MiB: far above any real definition, low enough that a flood cannot exhaust memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Returns the parsed body, or throws 400/413/415. An empty body parses as undefined. */
export async function readJsonBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > limit) throw tooLarge(ctx, limit);
  const type = ctx.get('content-type');
  if (type && !/^application\/(.+\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new ApiError('UnsupportedMediaType', `content-type must be application/json (got ${type.slice(0, 80)})`);
  }
  const raw = await readLimited(ctx, limit);
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError('MalformedJson', 'body: not valid JSON');
  }
}

/**
 * The rest of an oversized body is never read: `Connection: close` makes Node close the
 * connection once the 413 is sent, so a client streaming an endless (or slow, chunked)
 * body is cut off instead of being drained until a timeout.
 */
function tooLarge(ctx: Context, limit: number): ApiError {
  ctx.set('Connection', 'close');
  return new ApiError('PayloadTooLarge', `body: larger than the limit of ${limit} bytes`);
}

async function readLimited(ctx: Context, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw tooLarge(ctx, limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
