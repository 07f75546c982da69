// Benchmark api-hot-path ("a lean API hot path"): CPU per request and throughput of the API
// on its three hottest routes (getting one of 1,000 worker types, listing them, a signed
// createSecret), each as a ratio to a bare Koa + `pg` server doing the same SQL, measured in
// the same run. Both servers run as child processes and report their own CPU time (see
// README.md); the load comes from this process, the same for both.
import { createBenchDatabase } from './support/database';
import { startApiProcess, type ApiProcess } from './support/api-process';
import type { CpuTime } from './support/api-messages';
import { SMOKE } from './support/options';
import { counts, figure, note, ratio } from './support/report';
import { HOT_ROUTES, type HotRoute } from './api-hot-path/figures';
import { runLoad, type LoadResult } from './api-hot-path/load';
import { startReferenceProcess, type ReferenceProcess } from './api-hot-path/reference-process';
import { WRITES_PER_MINUTE } from './api-hot-path/reference-sql';
import { hotRequest, storeWorkerTypes, type Target } from './api-hot-path/requests';

const WORKER_TYPES = SMOKE ? 20 : 1_000;
/** A folder for a CPU profile of the API process (`--cpu-prof`, written when it stops), or undefined. */
const CPU_PROFILE_DIR = process.argv.find((a) => a.startsWith('--cpu-prof-dir='))?.slice('--cpu-prof-dir='.length)
  || process.env.API_HOT_PATH_CPU_PROF_DIR || undefined;
/** `--route=<name>` (repeatable) measures only those routes, e.g. for a profile of one; default all. */
const ROUTES: readonly HotRoute[] = selectedRoutes(process.argv.filter((a) => a.startsWith('--route=')).map((a) => a.slice('--route='.length)));

function selectedRoutes(names: string[]): readonly HotRoute[] {
  const unknown = names.filter((n) => !(HOT_ROUTES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown --route ${unknown.join(', ')}: the routes are ${HOT_ROUTES.join(', ')}`);
  return names.length === 0 ? HOT_ROUTES : HOT_ROUTES.filter((r) => names.includes(r));
}
const CONCURRENCY = 8;
/** Requests per measured run, per route; a warm-up of a fifth as many comes first (not counted). */
const REQUESTS: Record<HotRoute, number> = SMOKE
  ? { 'worker-type': 40, 'list-worker-types': 20, 'create-secret': 20 }
  : { 'worker-type': 6_000, 'list-worker-types': 1_500, 'create-secret': 3_000 };

interface Server { target: Target; cpu(): Promise<CpuTime> }
interface Measured { cpuMicrosPerRequest: number; requestsPerSecond: number; load: LoadResult }

async function measure(server: Server, route: HotRoute, unexpected: Record<string, number>): Promise<Measured> {
  const request = hotRequest(route, server.target, WORKER_TYPES);
  await runLoad(server.target.url, Math.ceil(REQUESTS[route] / 5), CONCURRENCY, request);
  await server.cpu(); // the measured period starts here
  const load = await runLoad(server.target.url, REQUESTS[route], CONCURRENCY, request);
  const cpu = await server.cpu();
  for (const [status, n] of Object.entries(load.unexpected)) unexpected[`${route}:${status}`] = (unexpected[`${route}:${status}`] ?? 0) + n;
  return {
    cpuMicrosPerRequest: (cpu.userMicros + cpu.systemMicros) / load.requests,
    requestsPerSecond: load.requests / (load.wallMs / 1000), load,
  };
}

function report(route: HotRoute, api: Measured, reference: Measured): void {
  const us = (m: Measured) => `${m.cpuMicrosPerRequest.toFixed(0)} µs`;
  const rps = (m: Measured) => `${m.requestsPerSecond.toFixed(0)}/s`;
  figure(`${route}-cpu-ratio`, ratio(api.cpuMicrosPerRequest, reference.cpuMicrosPerRequest), `API ${us(api)} / reference ${us(reference)} CPU per request`);
  figure(`${route}-throughput-ratio`, ratio(api.requestsPerSecond, reference.requestsPerSecond), `API ${rps(api)} / reference ${rps(reference)}`);
}

async function run(databaseUrl: string, api: ApiProcess, reference: ReferenceProcess): Promise<void> {
  const ours: Server = { target: { url: api.url, rootAccessToken: api.rootAccessToken }, cpu: () => api.cpu() };
  const bare: Server = { target: { url: reference.url }, cpu: () => reference.cpu() };
  await storeWorkerTypes(databaseUrl, WORKER_TYPES, api.allowedRegions);
  const unexpected: Record<string, number> = {};
  for (const route of ROUTES) {
    // The reference first, then the API, on the same database and the same rows.
    const referenceRun = await measure(bare, route, unexpected);
    const apiRun = await measure(ours, route, unexpected);
    report(route, apiRun, referenceRun);
  }
  figure('unexpected-answers', Object.values(unexpected).reduce((a, b) => a + b, 0), counts(unexpected));
}

async function main(): Promise<void> {
  note(`${SMOKE ? 'smoke run: figures mean nothing; ' : ''}${WORKER_TYPES} worker types stored; ${CONCURRENCY} keep-alive connections; `
    + `requests per route: ${ROUTES.map((r) => `${r} ${REQUESTS[r]}`).join(', ')}; reference: bare Koa + pg, same SQL`);
  note(`RATE_LIMIT_WRITES_PER_MINUTE=${WRITES_PER_MINUTE} for this run (default 600): createSecret would otherwise measure 429s`);
  const db = await createBenchDatabase((msg) => note(msg));
  let api: ApiProcess | undefined;
  let reference: ReferenceProcess | undefined;
  let finished = false;
  try {
    api = await startApiProcess(db.url, {
      RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE),
      ...(CPU_PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${CPU_PROFILE_DIR}` } : {}),
    });
    reference = await startReferenceProcess(db.url);
    note(`API pid ${api.pid} at ${api.url}; reference pid ${reference.pid} at ${reference.url}`);
    await run(db.url, api, reference);
    finished = true;
  } finally {
    await reference?.stop();
    await api?.stop({ keepLog: !finished });
    if (api && !finished) note(`API log kept at ${api.logFile}`);
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`api-hot-path failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
