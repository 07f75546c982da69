// A tiny stand-in aws-provisioner for testing the worker simulators without the full stack. It
// answers under both `/v1` (a provisionerBaseUrl) and `/api/aws-provisioner/v1` (a root URL):
// getSecret once per token (then 404), removeSecret (always 204), and workerType only for
// requests that our own Hawk authenticator accepts (else 401). Everything else is 404.
// Every request is recorded as `<METHOD> <path>`.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHawkAuthenticator } from '../../../src/api/auth/hawk-authenticator';
import { createTemporaryCredentials } from '../../../src/api/auth/temporary-credentials';

export interface StandInProvisioner {
  url: string;
  requests: string[];
  /** Registers a one-time secret and returns its token. */
  addSecret(): string;
  /** The `userData.genericWorker.config.deploymentId` that workerType answers with. */
  deploymentId: string;
  /** The token credentials are signed with; set it to anything but ISSUER_TOKEN to issue credentials that do not verify. */
  signWith: string;
  stop(): Promise<void>;
}

export const STAND_IN_PROVISIONER_ID = 'stand-in';
const ISSUER = 'stand-in-issuer';
export const ISSUER_TOKEN = 'stand-in-issuer-access-token';
const ROUTE = /^(?:\/v1|\/api\/aws-provisioner\/v1)\/(secret|worker-type)\/([^/?]+)$/;

const send = (res: ServerResponse, status: number, body?: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));

/** 96-hour credentials for `workerType`, as the provisioner issues them. */
function issue(signWith: string, workerType: string) {
  const now = Date.now();
  return createTemporaryCredentials({
    clientId: ISSUER, accessToken: signWith, scopes: [`assume:worker-type:${STAND_IN_PROVISIONER_ID}/${workerType}`, 'assume:worker-id:*'],
    start: new Date(now - 15 * 60_000), expiry: new Date(now + 96 * 3600_000),
  });
}

export async function startStandInProvisioner(workerType: string): Promise<StandInProvisioner> {
  const secrets = new Set<string>();
  const authenticate = createHawkAuthenticator({
    lookup: async (id) => (id === ISSUER ? { clientId: ISSUER, accessToken: ISSUER_TOKEN, scopes: ['assume:worker-type:*', 'assume:worker-id:*'] } : null),
  });
  const state: StandInProvisioner = {
    url: '', requests: [], deploymentId: 'd1', signWith: ISSUER_TOKEN,
    addSecret: () => { const token = randomUUID(); secrets.add(token); return token; },
    stop: async () => undefined,
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    state.requests.push(`${req.method} ${req.url}`);
    const [, kind, id] = ROUTE.exec(req.url ?? '') ?? [];
    if (kind === 'secret' && req.method === 'DELETE') return send(res, 204);
    if (kind === 'secret' && req.method === 'GET') {
      if (!secrets.delete(id!)) return send(res, 404, { code: 'ResourceNotFound' });
      return send(res, 200, { data: {}, scopes: [], credentials: issue(state.signWith, workerType) });
    }
    if (kind !== 'worker-type' || req.method !== 'GET') return send(res, 404, { code: 'ResourceNotFound' });
    const [host, port] = (req.headers.host ?? '').split(':');
    const auth = await authenticate({ method: 'GET', url: req.url!, host: host ?? '', port: Number(port), authorization: req.headers.authorization });
    if (!auth.ok) return send(res, 401, { code: 'AuthenticationFailed', message: auth.reason });
    return send(res, 200, { workerType: id, userData: { genericWorker: { config: { deploymentId: state.deploymentId } } } });
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => send(res, 500)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}
