// An HTTP proxy tests put between the EC2 client and moto. EC2 speaks the AWS query
// protocol: form-encoded POST bodies with `Action=...`. The proxy forwards every request and
//  - counts calls per region and Action;
//  - enforces RunInstances ClientToken idempotency as EC2 does and moto does not: the first
//    successful answer for a (region, token) is replayed for later requests with the same
//    parameters, and a request with other parameters gets IdempotentParameterMismatch;
//  - rejects a RunInstances without ClientToken (400 MissingParameter), so code that forgets
//    it fails tests;
//  - can answer DescribeSpotPriceHistory with prices the test chose, stamped now;
//  - can fail or delay the next N matching calls with real EC2 error bodies.
import http from 'node:http';
import { errorReply, spotPriceReply, type Reply, type SpotPriceFixture } from './ec2-proxy-replies';

export type { SpotPriceFixture };

interface RuleSpec {
  /** EC2 Action, e.g. `RunInstances`. */
  action: string;
  /** Only requests signed for this region; any region when absent. */
  region?: string;
  /** How many matching calls it applies to; default 1. `Infinity` for all. */
  times?: number;
  match?: (params: URLSearchParams) => boolean;
}

export interface FaultSpec extends RuleSpec {
  /** EC2 error code, e.g. `InsufficientInstanceCapacity` or `RequestLimitExceeded`. */
  code: string;
  message?: string;
  /** Default: what EC2 uses for the code (500 capacity, 503 throttling, else 400). */
  status?: number;
}

export interface DelaySpec extends RuleSpec {
  /** Wait before the call is answered (or forwarded), in ms. */
  ms: number;
}

export interface Ec2Proxy {
  /** http://127.0.0.1:<port>, for the SDK's `endpoint`. */
  url: string;
  /** Calls per Action since the last reset, in `region` or in all regions. */
  counts(region?: string): Record<string, number>;
  /** Clears counts, faults, delays and spot prices; remembered client tokens stay, as in EC2. */
  reset(): void;
  /** Forgets remembered client tokens (after resetting moto). */
  forgetClientTokens(): void;
  /** From now on DescribeSpotPriceHistory answers with these (none: moto's answer again). */
  setSpotPrices(prices: SpotPriceFixture[]): void;
  injectFault(fault: FaultSpec): void;
  injectDelay(delay: DelaySpec): void;
  /** Resolves once every request received so far has been answered (e.g. one a client gave up on). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Parameters that belong to a request's signature, not to what it asks. */
const SIGNATURE_PARAMS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
  'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'Signature', 'SignatureMethod',
  'SignatureVersion', 'Timestamp', 'Expires', 'AWSAccessKeyId']);

const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** The region of the request: its signature's credential scope, else the host name, else us-east-1. */
export function regionOf(headers: http.IncomingHttpHeaders, params: URLSearchParams): string {
  const scope = `${headers.authorization ?? ''} Credential=${params.get('X-Amz-Credential') ?? ''}`;
  const fromScope = /Credential=[^/\s]+\/\d{8}\/([a-z0-9-]+)\/ec2\//.exec(scope);
  const fromHost = /^ec2\.([a-z0-9-]+)\.amazonaws\.com/.exec(headers.host ?? '');
  return fromScope?.[1] ?? fromHost?.[1] ?? 'us-east-1';
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function paramsOf(req: http.IncomingMessage, body: Buffer): URLSearchParams {
  const query = new URL(req.url ?? '/', 'http://proxy').searchParams;
  return body.length > 0 ? new URLSearchParams(body.toString('utf8')) : query;
}

/** The request's parameters minus its signature, in a canonical order. */
function fingerprint(params: URLSearchParams): string {
  const entries = [...params].filter(([key]) => !SIGNATURE_PARAMS.has(key));
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function forward(target: URL, req: http.IncomingMessage, body: Buffer): Promise<Reply> {
  const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        readBody(res).then((answer) => {
          const kept = Object.entries(res.headers).filter(([k, v]) => v !== undefined && !HOP_HEADERS.has(k));
          resolve({ status: res.statusCode ?? 502, headers: Object.fromEntries(kept) as Reply['headers'], body: answer });
        }, reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Takes one use of the first rule matching the call; undefined when none matches. */
function takeRule<T extends RuleSpec>(rules: T[], action: string, region: string, params: URLSearchParams): T | undefined {
  const index = rules.findIndex((r) => r.action === action && (!r.region || r.region === region) && (!r.match || r.match(params)));
  const rule = rules[index];
  if (!rule) return undefined;
  const left = (rule.times ?? 1) - 1;
  if (left <= 0) rules.splice(index, 1);
  else rules[index] = { ...rule, times: left };
  return rule;
}

/** EC2's own checks of the token, which moto does not make. */
function clientTokenProblem(params: URLSearchParams): Reply | undefined {
  const token = params.get('ClientToken');
  if (!token) return errorReply('MissingParameter', 'The request must contain the parameter ClientToken (test proxy: always set one).');
  if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
    return errorReply('InvalidParameterValue', 'ClientToken must be at most 64 ASCII characters.');
  }
  return undefined;
}

interface TokenRecord {
  fingerprint: string;
  reply: Promise<Reply>;
}

const isSuccess = (reply: Reply): boolean => reply.status >= 200 && reply.status < 300;

export async function startEc2Proxy(targetUrl: string): Promise<Ec2Proxy> {
  const target = new URL(targetUrl);
  const calls = new Map<string, number>();
  let faults: FaultSpec[] = [];
  let delays: DelaySpec[] = [];
  let spotPrices: SpotPriceFixture[] = [];
  const tokens = new Map<string, TokenRecord>();

  /** EC2 idempotency: only successful launches are remembered; a failed one may be retried. */
  async function runInstances(req: http.IncomingMessage, body: Buffer, region: string, params: URLSearchParams): Promise<Reply> {
    const key = `${region}\n${params.get('ClientToken')}`;
    const print = fingerprint(params);
    const seen = tokens.get(key);
    if (seen && isSuccess(await seen.reply.catch(() => errorReply('InternalError', 'failed')))) {
      if (seen.fingerprint !== print) {
        return errorReply('IdempotentParameterMismatch',
          'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).');
      }
      return seen.reply;
    }
    const record = { fingerprint: print, reply: forward(target, req, body) };
    tokens.set(key, record);
    const reply = await record.reply.catch((err: unknown) => {
      tokens.delete(key);
      throw err;
    });
    if (!isSuccess(reply) && tokens.get(key) === record) tokens.delete(key);
    return reply;
  }

  async function handle(req: http.IncomingMessage): Promise<Reply> {
    const body = await readBody(req);
    const params = paramsOf(req, body);
    const action = params.get('Action') ?? '';
    const region = regionOf(req.headers, params);
    const counter = `${region}\n${action}`;
    calls.set(counter, (calls.get(counter) ?? 0) + 1);
    const problem = action === 'RunInstances' ? clientTokenProblem(params) : undefined;
    if (problem) return problem;
    const delay = takeRule(delays, action, region, params);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms));
    const fault = takeRule(faults, action, region, params);
    if (fault) return errorReply(fault.code, fault.message ?? `${fault.code} (injected by the test proxy)`, fault.status);
    if (action === 'DescribeSpotPriceHistory' && spotPrices.length > 0) return spotPriceReply(spotPrices, region, params);
    if (action === 'RunInstances') return runInstances(req, body, region, params);
    return forward(target, req, body);
  }

  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    inFlight++;
    handle(req).then(
      (reply) => res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length }).end(reply.body),
      (err: unknown) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`test proxy: ${String(err)}`),
    ).finally(() => {
      if (--inFlight === 0) waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    counts(region) {
      const result: Record<string, number> = {};
      for (const [key, n] of calls) {
        const [r, action = ''] = key.split('\n');
        if (!region || r === region) result[action] = (result[action] ?? 0) + n;
      }
      return result;
    },
    reset() {
      calls.clear();
      faults = [];
      delays = [];
      spotPrices = [];
    },
    forgetClientTokens: () => tokens.clear(),
    setSpotPrices(prices) {
      spotPrices = [...prices];
    },
    injectFault: (fault) => faults.push({ ...fault }),
    injectDelay: (delay) => delays.push({ ...delay }),
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
