// The reference of api-hot-path: a bare Koa + `pg` server in a process of its own, doing the
// SQL the API does for the three hot routes and nothing else (see README.md). No logging, no
// validation, no authentication, no encryption: it is the floor the API's CPU per request is
// compared with. Its createSecret runs the API's one statement (nonce, write count and
// insert). It answers `cpu` and `stop` (api-messages.ts) and exits when the parent goes away.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import Koa from 'koa';
import pg from 'pg';
import { cpuMeter } from '../support/cpu-meter';
import { WORKER_TYPE_SQL, LIST_SQL, CREATE_SECRET_SQL, createSecretValues, referenceAdmission, workerTypeBody } from './reference-sql';

const LIST_LIMIT = 10_000;

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

function app(pool: pg.Pool): Koa {
  const koa = new Koa();
  koa.use(async (ctx) => {
    const path = ctx.path;
    if (ctx.method === 'GET' && path === '/v1/list-worker-types') {
      ctx.body = (await pool.query<{ name: string }>(LIST_SQL, [LIST_LIMIT])).rows.map((r) => r.name);
    } else if (ctx.method === 'GET' && path.startsWith('/v1/worker-type/')) {
      const row = (await pool.query(WORKER_TYPE_SQL, [path.slice('/v1/worker-type/'.length)])).rows[0];
      ctx.status = row ? 200 : 404;
      ctx.body = row ? workerTypeBody(row) : { code: 'ResourceNotFound' };
    } else if (ctx.method === 'PUT' && path.startsWith('/v1/secret/')) {
      const body = await readJson(ctx.req);
      const tokenHash = createHash('sha256').update(path.slice('/v1/secret/'.length)).digest('hex');
      const row = {
        tokenHash, workerType: String(body.workerType), ciphertext: JSON.stringify({ secrets: body.secrets, scopes: body.scopes }),
        expiration: new Date(String(body.expiration)),
      };
      await pool.query({ ...CREATE_SECRET_SQL, values: createSecretValues(referenceAdmission(), row) });
      ctx.body = { outcome: 'success' };
    }
  });
  return koa;
}

function main(): void {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const cpu = cpuMeter();
  const server = app(pool).listen(Number(process.env.PORT), '127.0.0.1', () => {
    process.send?.({ type: 'ready', url: `http://127.0.0.1:${process.env.PORT}` });
  });
  process.on('disconnect', () => process.exit(1));
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'cpu') process.send?.({ type: 'cpu', ...cpu() });
    if (msg.type === 'stop') server.close(() => void pool.end().then(() => process.exit(0)));
  });
}

main();
