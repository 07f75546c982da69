// What the worker simulators share: a call log, the boot failure they throw, IMDS reads and
// the provisioner requests of the Go client (taskcluster-client-go: unsigned for the secret
// calls, Hawk-signed with temporary credentials otherwise). No retries anywhere: the real
// workers retry 5xx and connection errors with backoff, which only slows a failing test.
import type { TemporaryCredentials } from './credentials';

// hawk 9 ships no types and the project's declaration covers its server side only.
const hawk = require('hawk') as {
  client: { header(uri: string, method: string, options: { credentials: { id: string; key: string; algorithm: 'sha256' }; ext?: string }): { header: string } };
};

/** One step of a boot, for timelines: `at` is ms since the epoch, `status` the HTTP status when a response came. */
export interface Call { at: number; what: string; status?: number }

export class CallLog {
  readonly calls: Call[] = [];
  add(what: string, status?: number): void {
    this.calls.push(status === undefined ? { at: Date.now(), what } : { at: Date.now(), what, status });
  }
}

/**
 * Thrown by every `boot()` when the real worker would not come up. `shutdown` is true when the
 * real worker would power the machine off (docker-worker) rather than exit with an error.
 */
export class BootFailure extends Error {
  override readonly name = 'BootFailure';
  constructor(message: string, readonly calls: Call[], readonly shutdown = false) {
    super(message);
  }
}

export interface Reply { status: number | undefined; text: string; error?: string }

const TIMEOUT_MS = 10_000;

/** One HTTP request; a connection error yields `status: undefined` rather than throwing. */
export async function request(method: string, url: string, headers: Record<string, string> = {}): Promise<Reply> {
  try {
    const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return { status: undefined, text: '', error: String((err as Error).cause ?? err) };
  }
}

/** GET `<imdsUrl>/latest/<path>`, logged as `imds <path>`. */
export async function imdsGet(log: CallLog, imdsUrl: string, path: string): Promise<Reply> {
  const reply = await request('GET', `${imdsUrl.replace(/\/+$/, '')}/latest/${path}`);
  log.add(`imds ${path}`, reply.status);
  return reply;
}

/**
 * taskcluster-client-go's BaseURL(rootURL, 'aws-provisioner', 'v1'): the legacy root URL maps
 * to the per-service host, every other root URL gets `/api/aws-provisioner/v1`.
 */
export function provisionerUrlFromRoot(rootUrl: string): string {
  const root = rootUrl.replace(/\/+$/, '');
  return root === 'https://taskcluster.net' ? 'https://aws-provisioner.taskcluster.net/v1' : `${root}/api/aws-provisioner/v1`;
}

/** The Hawk Authorization header TaskCluster clients send: sha256, no payload hash, certificate in `ext`. */
export function hawkHeader(url: string, method: string, credentials: TemporaryCredentials): string {
  const ext = Buffer.from(JSON.stringify({ certificate: JSON.parse(credentials.certificate) })).toString('base64');
  return hawk.client.header(url, method, {
    credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' }, ext,
  }).header;
}

/** An aws-provisioner call from a Go worker, logged as `provisioner <name>`; 2xx is success. */
export async function goProvisionerCall(
  log: CallLog, name: string, method: string, url: string, credentials?: TemporaryCredentials,
): Promise<Reply> {
  const headers: Record<string, string> = credentials ? { authorization: hawkHeader(url, method, credentials) } : {};
  const reply = await request(method, url, headers);
  log.add(`provisioner ${name}`, reply.status);
  return reply;
}

/**
 * getSecret then removeSecret, unsigned, as the Go workers do: removeSecret goes out even when
 * getSecret failed ("remove secrets even if we couldn't retrieve them").
 */
export async function goSecretExchange(log: CallLog, baseUrl: string, token: string): Promise<{ get: Reply; remove: Reply }> {
  const url = `${baseUrl}/secret/${segment(token)}`;
  const get = await goProvisionerCall(log, 'getSecret', 'GET', url);
  const remove = await goProvisionerCall(log, 'removeSecret', 'DELETE', url);
  return { get, remove };
}

/**
 * Stand-in for TaskCluster's secrets service, which the tests do not run: answers
 * `secrets.get(name)` made with the worker's new credentials. Simulators call it only when
 * given one; by default nothing is called in its place.
 */
export type SecretsService = (credentials: TemporaryCredentials, name: string) => Promise<{ status: number; secret?: unknown }>;

/** Asks the secrets service, logged as `secrets get <name>`; undefined when there is no service. */
export async function askSecrets(
  log: CallLog, service: SecretsService | undefined, credentials: TemporaryCredentials, name: string,
): Promise<{ status: number; secret?: unknown } | undefined> {
  if (!service) return undefined;
  const answer = await service(credentials, name);
  log.add(`secrets get ${name}`, answer.status);
  return answer;
}

export const ok = (reply: Reply): boolean => reply.status !== undefined && reply.status >= 200 && reply.status < 300;

export const describe = (reply: Reply): string => (reply.status === undefined ? `no response (${reply.error})` : `HTTP ${reply.status}`);

/** Path segment escaping as the clients do it (both escape the token and worker type). */
export const segment = (value: string): string => encodeURIComponent(value);

/** Repeats `fn` every `everyMs` until stopped; a run never overlaps the next. */
export function every(everyMs: number, fn: () => Promise<void>): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      void fn().finally(() => { if (!stopped) loop(); });
    }, everyMs);
  };
  loop();
  return () => { stopped = true; if (timer) clearTimeout(timer); };
}

/** The calls as text lines (`+ms what status`), for printing when a test fails. */
export function timeline(calls: Call[]): string {
  const t0 = calls[0]?.at ?? 0;
  return calls.map((c) => `+${String(c.at - t0).padStart(5)} ms  ${c.what}${c.status === undefined ? '' : `  ${c.status}`}`).join('\n');
}
