// Reads a JSON request body with a hard size cap, before any parsing happens.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { ApiError } from './errors';

/** 1 MiB: far above any real definition, low enough that a flood cannot exhaust memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Far deeper than any real definition (user data included), and far from the depth at which
 * recursive code (JSON.stringify in the database client, launch spec merges) overflows the
 * stack: JSON.parse itself accepts bodies nested a hundred thousand levels deep.
 */
export const MAX_BODY_DEPTH = 64;

/** What every request body must meet beyond its schema; published in the API document. */
export const BODY_RULES = `At most ${MAX_BODY_BYTES} bytes of JSON, nested at most ${MAX_BODY_DEPTH} levels deep; `
  + 'no string or object key anywhere in it may contain U+0000 or a lone UTF-16 surrogate (an escape in '
  + '\\uD800-\\uDFFF that is not half of a pair): the database cannot store either; and no object key may be '
  + '`__proto__`: the database client would drop it (or fail), so what is stored would differ from what was sent.';

/** A surrogate code unit that is not half of a high-low pair (non-`u` regexps see code units). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Returns the parsed body, or throws 400/413/415. An empty body parses as undefined. */
export async function readJsonBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type && !/^application\/(.+\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new ApiError('UnsupportedMediaType', `content-type must be application/json (got ${type.slice(0, 80)})`);
  }
  const raw = (await readRawBody(ctx, limit)).toString('utf8');
  if (raw.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ApiError('MalformedJson', 'body: not valid JSON');
  }
  const problem = unstorable(body, 'body');
  if (problem) throw new ApiError('InputError', problem);
  return body;
}

/**
 * The first way `value` breaks BODY_RULES, as `<path>: <reason>`, or undefined. Iterative,
 * so that measuring a deeply nested body cannot overflow the stack itself.
 */
export function unstorable(value: unknown, root: string): string | undefined {
  const pending: [unknown, string, number][] = [[value, root, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path, depth] = next;
    if (typeof item === 'string') {
      const bad = unstorableText(item);
      if (bad) return `${path}: must not contain ${bad}`;
    } else if (typeof item === 'object' && item !== null) {
      if (depth >= MAX_BODY_DEPTH) return `${path}: nested deeper than ${MAX_BODY_DEPTH} levels`;
      for (const [key, child] of Object.entries(item)) {
        const bad = unstorableText(key);
        if (bad) return `${path}: object keys must not contain ${bad}`;
        if (key === '__proto__') return `${path}: object keys must not be __proto__`;
        pending.push([child, `${path}/${key}`, depth + 1]);
      }
    }
  }
  return undefined;
}

/** What in `text` PostgreSQL refuses in text and jsonb values, or undefined. */
function unstorableText(text: string): string | undefined {
  if (text.includes('\0')) return 'U+0000';
  if (LONE_SURROGATE.test(text)) return 'a lone UTF-16 surrogate';
  return undefined;
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

const rawBodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/**
 * The body's bytes, read once per request (the Hawk payload check and the JSON parse share
 * them); throws 413 beyond `limit`, before reading when Content-Length already says so.
 */
export function readRawBody(ctx: Context, limit = MAX_BODY_BYTES): Promise<Buffer> {
  let read = rawBodies.get(ctx.req);
  if (!read) {
    const declared = Number(ctx.get('content-length') || '0');
    read = declared > limit ? Promise.reject(tooLarge(ctx, limit)) : readLimited(ctx, limit);
    rawBodies.set(ctx.req, read);
  }
  return read;
}

async function readLimited(ctx: Context, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw tooLarge(ctx, limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
