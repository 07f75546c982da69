// A real Prometheus scrapes the API, the worker and the Temporal SDK's exporter while a worker
// type scales up through one transient and one capacity failure of RunInstances. Its answers
// must equal what the Queue stand-in, the EC2 proxy and moto show. The same run checks the
// per-iteration log line, the "Activity failed" line (message and code), and readiness: both
// /readyz answer 503 while the test's own PostgreSQL is halted, /healthz stays 200.
//
// The Temporal server is the dev server started without an SDK connection, so the worker role
// itself installs the SDK runtime with its Prometheus exporter, as `npm start -- worker` does.
import { applyMigrations } from '../../src/db/migrate';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-cli';
import { searchAttributeCliTypes } from '../../src/temporal/search-attributes';
import { databaseUrl, withAdminClient } from '../support/database';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { findFreePort, startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server';
import { step } from '../support/steps';
import { expectConsistent, liveInMoto, startFaultStack, type ApiReplica, type FaultStack, type WorkerReplica } from '../faults/stack';

jest.setTimeout(300_000);

const WT = 'mon-builder';
const PENDING = 3;

let server: PostgresServer;
let temporal: DevServer;
let stack: FaultStack;
let api: ApiReplica;
let worker: WorkerReplica;
let prometheus: PrometheusServer;
let temporalMetricsPort: number;

const hostPort = (url: string) => new URL(url).host;

beforeAll(async () => {
  const [grpc, ui] = await Promise.all([findFreePort(), findFreePort()]);
  temporalMetricsPort = await findFreePort();
  [server, temporal] = await Promise.all([
    startPostgresServer(),
    startTemporalDevServer({ port: grpc, uiPort: ui, searchAttributes: searchAttributeCliTypes(), log: () => undefined }),
  ]);
  await withAdminClient(server.adminUrl, (c) => c.query('CREATE DATABASE provisioner'));
  const url = databaseUrl(server.adminUrl, 'provisioner');
  await applyMigrations(url);
  stack = await startFaultStack({ DATABASE_URL: url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_METRICS_PORT: String(temporalMetricsPort) });
  api = await stack.startApi();
  worker = await stack.startWorker();
  prometheus = await startPrometheus([
    { job: 'api', targets: [hostPort(api.url)] },
    { job: 'worker', targets: [hostPort(worker.metricsUrl)] },
    { job: 'temporal-sdk', targets: [`127.0.0.1:${temporalMetricsPort}`] },
  ]);
});

afterAll(async () => {
  await server?.restart().catch(() => undefined);
  await prometheus?.stop();
  await stack?.stop();
  await temporal?.stop();
  await server?.stop();
});

/** The single value of `promql`, once Prometheus has one equal to `expected` (it scrapes every second). */
async function expectValue(promql: string, expected: number, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => {
    const samples = await prometheus.query(promql);
    if (samples.length === 1 && samples[0]!.value === expected) return true;
    throw new Error(`Prometheus answers ${JSON.stringify(samples)}`);
  }, `${promql} == ${expected}`, timeoutMs, 500);
}

const parsedLogs = () => stack.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

test('Prometheus scrapes what the fleet does; logs and readiness tell the rest', async () => {
  await step('every target is up', async () => {
    await eventually(async () => {
      const targets = await prometheus.targets();
      if (targets.length === 3 && targets.every((t) => t.health === 'up')) return true;
      throw new Error(JSON.stringify(targets));
    }, 'api, worker and Temporal SDK targets up', 30_000, 500);
  });

  let calls = 0;
  await step('a worker type scales up through a transient and a capacity failure', async () => {
    // Both SDK attempts of the first RunInstances fail (one failed activity attempt), both of
    // its Temporal retry meet a capacity shortage (EC2 answers it with a 500, which the SDK
    // retries once), and the next offering launches.
    stack.proxy.injectFault({ action: 'RunInstances', code: 'InternalError', message: 'We encountered an internal error.', times: 2 });
    stack.proxy.injectFault({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', message: 'No capacity in this zone.', times: 2 });
    stack.setPending(WT, 1);
    await api.client().createWorkerType(WT, workerTypeDefinition({ maxCapacity: 5 }));
    await expectConsistent(stack, WT, 1, 90_000);
    stack.setPending(WT, PENDING);
    await expectConsistent(stack, WT, PENDING, 90_000);
    calls = stack.proxy.counts().RunInstances ?? 0;
  });

  await step('pending tasks, capacity and launches equal the Queue and moto', async () => {
    const wt = `worker_type="${WT}"`;
    await expectValue(`provisioner_pending_tasks{${wt}}`, PENDING);
    const live = await liveInMoto(stack, WT);
    expect(live).toHaveLength(PENDING);
    // Every fixture type used here has capacity 1 per instance.
    expect(new Set(live.map((i) => i.type))).toEqual(new Set(['c5.xlarge']));
    await expectValue(`sum(provisioner_capacity{${wt}})`, live.length);
    await expectValue(`provisioner_capacity{${wt},state="requested"}`, 0);
    await expectValue(`sum(provisioner_launches_total{${wt}})`, live.length);
    const byZone = await prometheus.query(`sum by (region, instance_type, market) (provisioner_launches_total{${wt}})`);
    expect(byZone).toEqual([{ metric: { region: 'us-west-2', instance_type: 'c5.xlarge', market: 'spot' }, value: live.length }]);
    await expectValue(`provisioner_launch_failures_total{${wt},code="InsufficientInstanceCapacity"}`, 1);
  });

  await step('EC2 calls: outcomes, latency and the proxy agree', async () => {
    const run = 'region="us-west-2",operation="RunInstances"';
    await expectValue(`provisioner_ec2_calls_total{${run},outcome="ok"}`, PENDING);
    await expectValue(`provisioner_ec2_calls_total{${run},outcome="transient"}`, 1);
    await expectValue(`provisioner_ec2_calls_total{${run},outcome="capacity"}`, 1);
    // One call per outcome counted; the proxy also saw the SDK's own retry inside both failed ones.
    await expectValue(`provisioner_ec2_call_duration_seconds_count{${run}}`, PENDING + 2);
    expect(calls).toBe(PENDING + 4);
    const latency = await prometheus.query(`provisioner_ec2_call_duration_seconds_sum{${run}}`);
    expect(latency[0]!.value).toBeGreaterThan(0);
    await expectValue('provisioner_spot_price_dollars_per_hour{region="us-west-2",zone="us-west-2a",instance_type="c5.xlarge"}', 0.1);
    const age = await prometheus.query('provisioner_inventory_age_seconds{region="us-west-2"}');
    expect(age).toHaveLength(1);
    expect(age[0]!.value).toBeLessThan(15);
  });

  await step('iterations, the API and the Temporal SDK are measured', async () => {
    const iterations = await prometheus.query(`provisioner_iteration_duration_seconds_count{worker_type="${WT}"}`);
    expect(iterations[0]!.value).toBeGreaterThan(1);
    const lag = await prometheus.query(`provisioner_iteration_lag_seconds_count{worker_type="${WT}"}`);
    expect(lag[0]!.value).toBeGreaterThan(0);
    await expectValue('provisioner_api_requests_total{route="createWorkerType",method="PUT",status="200"}', 1);
    await expectValue('provisioner_api_request_duration_seconds_count{route="createWorkerType",method="PUT"}', 1);
    const sdk = await prometheus.query('count({job="temporal-sdk", __name__=~"temporal_.+"})');
    expect(sdk[0]!.value).toBeGreaterThan(0);
  });

  await step('the logs carry the iteration decision and the failure message and code', async () => {
    const logs = parsedLogs();
    const iteration = logs.find((l) => l.msg === 'iteration' && l.workerType === WT && Array.isArray(l.launches) && l.launches.length > 0);
    expect(iteration).toMatchObject({ pendingTasks: expect.any(Number), capacity: expect.any(Object), change: expect.any(Number), notes: expect.any(Array) });
    const failed = logs.find((l) => l.msg === 'Activity failed' && (l.temporal as { activityType?: string }).activityType === 'launchInstance');
    expect(failed?.error).toMatchObject({ code: 'InternalError', message: expect.stringContaining('internal error'), nonRetryable: false });
  });

  await step('readiness follows the database; liveness does not', async () => {
    const status = async (url: string) => (await fetch(url)).status;
    expect(await status(`${api.url}/readyz`)).toBe(200);
    expect(await status(`${worker.metricsUrl}/readyz`)).toBe(200);
    await server.halt();
    try {
      await eventually(async () => (await status(`${api.url}/readyz`)) === 503, 'API not ready', 15_000);
      const answer = await fetch(`${worker.metricsUrl}/readyz`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toEqual({
        ready: false, checks: [{ name: 'worker', ok: true }, { name: 'database', ok: false, reason: 'the database is unreachable' }],
      });
      expect(await status(`${api.url}/healthz`)).toBe(200);
      expect(await status(`${worker.metricsUrl}/healthz`)).toBe(200);
    } finally {
      await server.restart();
    }
    await eventually(async () => (await status(`${api.url}/readyz`)) === 200, 'API ready again', 30_000);
    await eventually(async () => (await status(`${worker.metricsUrl}/readyz`)) === 200, 'worker ready again', 30_000);
  });
});
