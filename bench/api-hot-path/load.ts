// The load of api-hot-path: a fixed number of requests through `concurrency` keep-alive
// connections, each connection sending its next request as soon as the previous one is
// answered. Runs in the benchmark's own process; only the servers' CPU is measured.
import http from 'node:http';

export interface HotRequest {
  method: 'GET' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  wallMs: number;
  /** Answers other than `expectStatus`, by status (or `error` when none came). */
  unexpected: Record<string, number>;
}

function send(agent: http.Agent, base: URL, req: HotRequest): Promise<number | 'error'> {
  return new Promise((resolve) => {
    const headers = { ...req.headers, ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) }) };
    const r = http.request({ host: base.hostname, port: base.port, path: req.path, method: req.method, headers, agent }, (res) => {
      res.resume(); // the body is read and dropped: the client's parsing is not what is measured
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve('error'));
    });
    r.on('error', () => resolve('error'));
    r.end(req.body);
  });
}

/** Sends request(0) .. request(count - 1), `concurrency` at a time. */
export async function runLoad(
  url: string, count: number, concurrency: number, request: (i: number) => HotRequest, expectStatus = 200,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const base = new URL(url);
  const unexpected: Record<string, number> = {};
  let next = 0;
  const connection = async (): Promise<void> => {
    while (next < count) {
      const status = await send(agent, base, request(next++));
      if (status !== expectStatus) unexpected[String(status)] = (unexpected[String(status)] ?? 0) + 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, connection));
  const wallMs = performance.now() - start;
  agent.destroy();
  return { requests: count, wallMs, unexpected };
}
