// A throwaway Prometheus for tests: Debian's `prometheus` binary (the package is installed
// when missing, as root, like PostgreSQL in ./postgres-server.ts), started as a child process
// of the test on a free port, with its own config and TSDB under os.tmpdir(), scraping the
// given targets every second.
//
// Contract: startPrometheus() resolves once Prometheus answers /-/ready; stop() ends it and
// deletes its folder; query() runs an instant PromQL query through the HTTP API.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChild } from '../../src/dev/child-process';
import { findFreePort } from './postgres-server';

export interface ScrapeJob { job: string; targets: string[] }

export interface Sample { metric: Record<string, string>; value: number }

export interface PrometheusServer {
  url: string;
  /** The instant vector of `promql` now; throws if Prometheus refuses the query. */
  query(promql: string): Promise<Sample[]>;
  /** Health of every scrape target, as /api/v1/targets reports it. */
  targets(): Promise<Array<{ job: string; health: string; lastError: string }>>;
  stop(): Promise<void>;
}

const BINARY_CANDIDATES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

function findPrometheus(): string | undefined {
  const fromPath = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'prometheus'));
  return [...fromPath, ...BINARY_CANDIDATES].find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Finds Prometheus, installing Debian's package when it is missing and we are root. */
export function ensurePrometheusInstalled(log: (msg: string) => void = () => undefined): string {
  const found = findPrometheus();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('prometheus was not found and installing it needs root: install the `prometheus` package');
  log('Prometheus not found; installing the Debian package `prometheus`');
  // policy-rc.d exit 101 keeps the package from starting its own service.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  execFileSync('apt-get', ['update'], { env, stdio: 'pipe' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { env, stdio: 'pipe' });
  const installed = findPrometheus();
  if (!installed) throw new Error('installed `prometheus` but still cannot find its binary');
  return installed;
}

function configText(jobs: readonly ScrapeJob[]): string {
  const lines = ['global:', '  scrape_interval: 1s', '  scrape_timeout: 900ms', '  evaluation_interval: 1s', 'scrape_configs:'];
  for (const { job, targets } of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    static_configs:', `      - targets: ${JSON.stringify(targets)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startPrometheus(jobs: readonly ScrapeJob[]): Promise<PrometheusServer> {
  const binary = ensurePrometheusInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioner-prometheus-'));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), configText(jobs));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild({
    name: 'prometheus', command: binary,
    args: [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ],
    ready: async () => (await fetch(`${url}/-/ready`)).ok,
    startupTimeoutMs: 30_000, stopTimeoutMs: 5_000,
  }).catch((err: unknown) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${url}${pathAndQuery}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${pathAndQuery}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    url,
    query: async (promql) => {
      const data = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    targets: async () => {
      const data = await api<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> }>('/api/v1/targets');
      return data.activeTargets.map((t) => ({ job: t.labels.job ?? '', health: t.health, lastError: t.lastError }));
    },
    stop: async () => {
      await child.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
