// Benchmark api-flood ("Hostile and careless input cannot stop the service"): while 4
// clients send the largest worker type definitions the API accepts (createWorkerType,
// updateWorkerType) and fetch their launch specs, does `ping` still answer, and how much
// memory does the API take? Every figure is a ratio or a count against a reference of the
// same run: ping latency and API memory before the flood. See README.md.
//
// The API runs in a process of its own on a fresh database, with stand-ins for Temporal and
// EC2 (support/stand-ins.ts); ping runs in a third process, so neither the load generator's
// pauses nor its memory are counted as the API's.
import { createBenchDatabase } from './support/database';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { SMOKE } from './support/options';
import { startPinger, type Pinger } from './support/pinger';
import { provisionerClient } from './support/provisioner-client';
import { note } from './support/report';
import { MAX_BODY_BYTES, bodyBytes, fitInstanceTypes, floodDefinition, probePadding, type FloodShape } from './api-flood/body';
import { flood, prepareFlood, type FloodPlan } from './api-flood/flood';
import { printBody, printMeasurements } from './api-flood/report';

const CLIENTS = 4;
const FLOOD_MS = SMOKE ? 2_000 : 30_000;
const REFERENCE_MS = SMOKE ? 1_000 : 10_000;
/** Pings before the reference, so it is not measured on a cold process. */
const WARMUP_MS = SMOKE ? 300 : 2_000;
/** Smoke: a tiny body, a few instance types. */
const BODY_CAP_BYTES = SMOKE ? 64 * 1024 : MAX_BODY_BYTES;
/** Far above what 4 clients can send in a minute: the flood measures the API, not its 429s. */
const WRITES_PER_MINUTE = 1_000_000;

/** Finds the largest accepted body and creates the clients' worker types with it. */
async function setUpFlood(api: ApiProcess): Promise<FloodPlan> {
  const root = provisionerClient(api.url, api.rootAccessToken);
  const regions = api.allowedRegions;
  const probe = await probePadding(root, regions, BODY_CAP_BYTES);
  const planned: FloodShape = { regions, padBytes: probe.padBytes, instanceTypes: fitInstanceTypes(regions, probe.padBytes, BODY_CAP_BYTES) };
  const plan: FloodPlan = { url: api.url, rootAccessToken: api.rootAccessToken, clients: CLIENTS, durationMs: FLOOD_MS, shape: planned };
  const { shape, backedOff } = await prepareFlood(plan);
  if (backedOff) note(`backed off from ${backedOff.from} instance types: ${backedOff.reason.slice(0, 300)}`);
  printBody({ shape, bodyBytes: bodyBytes(floodDefinition(shape)), capBytes: BODY_CAP_BYTES, refusedBytes: probe.refusedBytes });
  return { ...plan, shape };
}

async function measure(api: ApiProcess, pinger: Pinger, plan: FloodPlan): Promise<void> {
  await pinger.run(WARMUP_MS);
  await api.peaks(); // the reference period starts here
  const reference = await pinger.run(REFERENCE_MS);
  const before = await api.peaks();
  const [underFlood, tally] = await Promise.all([pinger.run(FLOOD_MS), flood(plan)]);
  const during = await api.peaks();
  printMeasurements({ reference, underFlood, tally, before, during });
}

async function main(): Promise<void> {
  note(`${SMOKE ? 'smoke run: figures mean nothing; ' : ''}${CLIENTS} clients for ${FLOOD_MS / 1000} s; `
    + `reference: ping alone for ${REFERENCE_MS / 1000} s before the flood; ping is anonymous, one call at a time, from a process of its own`);
  note(`RATE_LIMIT_WRITES_PER_MINUTE=${WRITES_PER_MINUTE} for this run (default 600): the flood would otherwise measure 429s`);
  const db = await createBenchDatabase((msg) => note(msg));
  let api: ApiProcess | undefined;
  let pinger: Pinger | undefined;
  let finished = false;
  let stopping: Promise<void> | undefined;
  // Once only: Ctrl-C and the `finally` below may both ask.
  const stop = () => (stopping ??= (async () => {
    await pinger?.stop();
    await api?.stop({ keepLog: !finished });
    if (api && !finished) note(`API log kept at ${api.logFile}`);
    await db.drop();
  })());
  // Ctrl-C must not leave the PostgreSQL server running.
  process.once('SIGINT', () => { void stop().finally(() => process.exit(130)); });
  try {
    api = await startApiProcess(db.url, { RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE) });
    note(`API pid ${api.pid} at ${api.url}, regions ${api.allowedRegions.join(', ')}`);
    const plan = await setUpFlood(api);
    pinger = await startPinger(api.url);
    await measure(api, pinger, plan);
    finished = true;
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`api-flood failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
