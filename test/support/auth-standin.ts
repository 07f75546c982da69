// A strict stand-in of TaskCluster's Auth service, `authenticateHawk` only, at
// `<rootUrl>/api/auth/v1/authenticate-hawk`. It refuses every request body the real one
// refuses (authenticate-hawk-request.json: required fields, types, formats, no extra
// fields; 400 InputValidationError), reaches its verdict on its own (auth-standin-verify.ts)
// and checks its every answer against authenticate-hawk-response.json before sending it.
// Faults a test can switch on: `error` (500), `hang` (no answer until the fault is cleared
// or the stand-in stops), `malformed` (a 200 outside the schema); `stop` takes it down.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { forwardToProvisioner } from '../../src/queue/root-url-forward';
import { verifyHawk, type AuthenticateHawkRequest, type StandinClient, type Tables } from './auth-standin-verify';

export type { StandinClient };
export type AuthFault = 'none' | 'error' | 'hang' | 'malformed';

export interface AuthStandin {
  rootUrl: string;
  /** Every request body received at authenticate-hawk, valid or not, in order. */
  received: unknown[];
  addClient(client: StandinClient): void;
  /** A role: whoever holds `assume:<roleId>` (or a pattern granting it) also holds `scopes`. */
  addRole(roleId: string, scopes: string[]): void;
  setFault(fault: AuthFault): void;
  /**
   * Serves as the whole root URL: everything outside `/api/auth/` is forwarded unchanged to
   * `url` (another root URL, such as the local Queue's), as a deployment's ingress routes it.
   */
  forwardOthersTo(url: string): void;
  /** Closes the listener and every connection: from then on, connections are refused. */
  stop(): Promise<void>;
}

const METHODS = ['get', 'post', 'put', 'head', 'delete', 'options', 'trace', 'copy', 'lock', 'mkcol', 'move', 'purge',
  'propfind', 'proppatch', 'unlock', 'report', 'mkactivity', 'checkout', 'merge', 'm-search', 'notify', 'subscribe',
  'unsubscribe', 'patch', 'search', 'connect'];
const SCOPES = { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[\\x20-\\x7e]*$' } };
const REQUEST_SCHEMA = {
  type: 'object', additionalProperties: false, required: ['method', 'resource', 'host', 'port'],
  properties: {
    method: { type: 'string', enum: METHODS }, resource: { type: 'string' }, host: { type: 'string', format: 'hostname' },
    port: { type: 'integer', minimum: 0, maximum: 65535 }, authorization: { type: 'string' },
    sourceIp: { type: 'string', oneOf: [{ format: 'ipv6' }, { format: 'ipv4' }] },
  },
};
const RESPONSE_SCHEMA = {
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['status', 'scopes', 'scheme', 'clientId', 'expires'], properties: {
      status: { enum: ['auth-success'] }, scopes: SCOPES, scheme: { enum: ['hawk'] }, hash: {},
      clientId: { type: 'string', pattern: '^[A-Za-z0-9!@/:.+|_-]+$' }, expires: { type: 'string', format: 'date-time' } } },
    { type: 'object', additionalProperties: false, required: ['status', 'message'], properties: {
      status: { enum: ['auth-failed'] }, message: { type: 'string' } } },
    { type: 'object', additionalProperties: false, required: ['status', 'scheme', 'scopes', 'expires'], properties: {
      status: { enum: ['no-auth'] }, scheme: { enum: ['none'] }, scopes: SCOPES, expires: { type: 'string', format: 'date-time' } } },
  ],
};
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validRequest = ajv.compile<AuthenticateHawkRequest>(REQUEST_SCHEMA);
const validResponse = ajv.compile(RESPONSE_SCHEMA);
const PATH = '/api/auth/v1/authenticate-hawk';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses and schema-checks the body; answers 400 and returns undefined when it is not a valid request. */
function validBody(res: http.ServerResponse, contentType: string | undefined, text: string): AuthenticateHawkRequest | undefined {
  if (!/^application\/json\b/i.test(contentType ?? '')) {
    send(res, 400, { code: 'MalformedPayload', message: 'the payload must be JSON (content-type application/json)' });
    return undefined;
  }
  let body: unknown;
  try { body = JSON.parse(text); } catch {
    send(res, 400, { code: 'MalformedPayload', message: 'the payload is not valid JSON' });
    return undefined;
  }
  if (!validRequest(body)) {
    send(res, 400, { code: 'InputValidationError', message: ajv.errorsText(validRequest.errors) });
    return undefined;
  }
  return body;
}

export async function startAuthStandin(): Promise<AuthStandin> {
  const tables: Tables = { clients: new Map(), roles: new Map(), nonces: new Set() };
  const received: unknown[] = [];
  let fault: AuthFault = 'none';
  const hanging = new Set<() => void>();
  let others: string | undefined;
  const server = http.createServer((req, res) => void (async () => {
    if (others && !(req.url ?? '').startsWith('/api/auth/')) return forwardToProvisioner(req, res, others);
    const text = await readBody(req);
    if (req.method !== 'POST' || req.url !== PATH) return send(res, 404, { code: 'ResourceNotFound', message: 'no such method' });
    try { received.push(JSON.parse(text)); } catch { received.push(text); }
    if (fault === 'error') return send(res, 500, { code: 'InternalServerError', message: 'stand-in failure' });
    if (fault === 'hang') await new Promise<void>((resolve) => hanging.add(resolve));
    if (fault === 'malformed') return send(res, 200, { status: 'auth-success', clientId: 'someone', scopes: ['*'] });
    const body = validBody(res, req.headers['content-type'], text);
    if (!body) return;
    const answer = await verifyHawk(tables, body);
    if (!validResponse(answer)) throw new Error(`stand-in answer outside the schema: ${ajv.errorsText(validResponse.errors)}`);
    send(res, 200, answer);
  })().catch((err: Error) => send(res, 500, { code: 'InternalServerError', message: err.message })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const release = () => { for (const r of hanging) r(); hanging.clear(); };
  return {
    rootUrl: `http://127.0.0.1:${port}`,
    received,
    addClient: (client) => { tables.clients.set(client.clientId, client); },
    addRole: (roleId, scopes) => { tables.roles.set(roleId, scopes); },
    setFault: (next) => { fault = next; if (next !== 'hang') release(); },
    forwardOthersTo: (url) => { others = url; },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      release();
    }),
  };
}
