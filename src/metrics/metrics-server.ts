// The worker's small HTTP listener: /metrics for Prometheus, /healthz (the process answers)
// and /readyz (the worker polls and the database answers). GET only, no authentication:
// it serves counts and names of worker types, never tokens, and is meant for the cluster
// network, not the public ingress.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { readiness, type ReadinessCheck } from './health';

export interface MetricsServerOptions {
  port: number;
  host: string;
  registry: Registry;
  checks: readonly ReadinessCheck[];
  logger: Logger;
}

export interface MetricsServer { url: string; close(): Promise<void> }

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    answer(req, opts).then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    }, (err: unknown) => {
      opts.logger.warn({ err: String(err) }, 'metrics listener failed to answer');
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  opts.logger.info({ port }, 'worker metrics and health listening');
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

async function answer(req: http.IncomingMessage, opts: MetricsServerOptions): Promise<{ status: number; type: string; body: string }> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, type: JSON_TYPE, body: '{"error":"only GET"}' };
  switch (path) {
    case '/metrics':
      return { status: 200, type: opts.registry.contentType, body: await opts.registry.metrics() };
    case '/healthz':
      return { status: 200, type: JSON_TYPE, body: '{"alive":true}' };
    case '/readyz': {
      const { status, body } = await readiness(opts.checks);
      return { status, type: JSON_TYPE, body: JSON.stringify(body) };
    }
    default:
      return { status: 404, type: JSON_TYPE, body: '{"error":"not found"}' };
  }
}
