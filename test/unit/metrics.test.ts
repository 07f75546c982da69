// The metric registries and recorders: names follow Prometheus conventions, label sets stay
// bounded (no instance id, token or URL ever becomes a label or a value of one), and the
// recorders write what the facts say.
import { ec2CallMetrics, recordIterationMetrics } from '../../src/metrics/recorders';
import type { Registry } from 'prom-client';
import { createApiMetrics, createWorkerMetrics, type WorkerMetrics } from '../../src/metrics/registry';
import type { IterationReport } from '../../src/domain/iteration-report';

/** Every label name any metric of `registry` uses (for the bounded-labels check). */
async function labelNamesOf(registry: Registry): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = new Set(metric.values.flatMap((v) => Object.keys(v.labels)));
    names.set(metric.name, [...labels]);
  }
  return names;
}

const INSTANCE_ID = 'i-0123456789abcdef0';
const CLIENT_TOKEN = 'run-abc-3-0-1';

const report = (overrides: Partial<IterationReport> = {}): IterationReport => ({
  workerType: 'builder', iteration: 7, at: '2026-01-01T00:00:02.000Z', startedAt: '2026-01-01T00:00:01.000Z',
  plannedAt: '2026-01-01T00:00:00.250Z', pendingTasks: 4, queueError: null,
  capacity: { running: 3, pending: 1, requested: 2 }, change: 2,
  launched: [{ instanceId: INSTANCE_ID, region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot' }],
  launchFailures: [{ region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', market: 'spot', code: 'InsufficientInstanceCapacity' }],
  terminated: [{ instanceId: 'i-0fedcba9876543210', reason: 'scale-down' }, { instanceId: 'i-0aaaaaaaaaaaaaaaa', reason: 'scale-down' }],
  notes: ['capacity cooled down'],
  ...overrides,
});

/** A worker registry with one value of every provisioner_ metric, recorded the way the activities do. */
function exercised(): WorkerMetrics {
  const m = createWorkerMetrics(() => Date.parse('2026-01-01T00:01:00.000Z'));
  recordIterationMetrics(m, report(), Date.parse('2026-01-01T00:00:04.000Z'));
  const observe = ec2CallMetrics(m);
  observe({ region: 'us-west-2', operation: 'RunInstances', outcome: 'ok', seconds: 0.2 });
  observe({ region: 'us-west-2', operation: 'DescribeInstances', outcome: 'throttled', seconds: 0.05 });
  m.launches.inc({ worker_type: 'builder', region: 'us-west-2', instance_type: 'c5.xlarge', market: 'spot' });
  m.launchFailures.inc({ worker_type: 'builder', code: 'InsufficientInstanceCapacity' });
  m.queueErrors.inc({ worker_type: 'builder' });
  m.reaped.inc({ region: 'us-west-2', reason: 'zombie' });
  m.pulseMessages.inc();
  m.pulseSignals.inc({ outcome: 'sent' });
  m.pulseReconnects.inc();
  m.pulseConnected.set(1);
  m.inventoryDone('us-west-2', Date.parse('2026-01-01T00:00:30.000Z'));
  m.spotPricesRefreshed('us-west-2', [{ zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.1 }]);
  return m;
}

const value = async (m: WorkerMetrics, name: string, labels: Record<string, string>) => {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l) && Object.keys(v.labels).length === Object.keys(labels).length)?.value;
};

test('every provisioner_ metric has HELP, a unit or _total where Prometheus wants one, and bounded labels', async () => {
  const bounded = new Set(['worker_type', 'state', 'region', 'zone', 'instance_type', 'market', 'code', 'reason', 'operation', 'outcome', 'le', 'route', 'method', 'status']);
  const api = createApiMetrics();
  api.requests.inc({ route: 'ping', method: 'GET', status: '200' });
  api.requestDuration.observe({ route: 'ping', method: 'GET' }, 0.01);
  const registries = [exercised().registry, api.registry];
  let checked = 0;
  for (const registry of registries) {
    const json = await registry.getMetricsAsJSON();
    for (const [name, labels] of await labelNamesOf(registry)) {
      if (!name.startsWith('provisioner_')) continue;
      checked++;
      expect(json.find((m) => m.name === name)!.help.length).toBeGreaterThan(10);
      for (const label of labels) expect([name, bounded.has(label)]).toEqual([name, true]);
      const type = String(json.find((m) => m.name === name)!.type);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
    const text = await registry.metrics();
    expect(text).not.toContain(INSTANCE_ID);
    expect(text).not.toContain('i-0fedcba9876543210');
    expect(text).not.toContain(CLIENT_TOKEN);
  }
  // Every metric defined was exercised above, so no label name escaped the check.
  expect(checked).toBe(24);
});

test('an iteration report sets capacity by state, the change, pending tasks, terminations, duration and lag', async () => {
  const m = exercised();
  expect(await value(m, 'provisioner_capacity', { worker_type: 'builder', state: 'running' })).toBe(3);
  expect(await value(m, 'provisioner_capacity', { worker_type: 'builder', state: 'pending' })).toBe(1);
  expect(await value(m, 'provisioner_capacity', { worker_type: 'builder', state: 'requested' })).toBe(2);
  expect(await value(m, 'provisioner_desired_change', { worker_type: 'builder' })).toBe(2);
  expect(await value(m, 'provisioner_pending_tasks', { worker_type: 'builder' })).toBe(4);
  expect(await value(m, 'provisioner_terminations_total', { worker_type: 'builder', reason: 'scale-down' })).toBe(2);
  expect(await value(m, 'provisioner_last_iteration_timestamp_seconds', { worker_type: 'builder' })).toBe(Date.parse('2026-01-01T00:00:04.000Z') / 1000);
  const text = await m.registry.metrics();
  // From startedAt (00:01) to the report (00:04): 3 s; from plannedAt (00:00.25) to startedAt: 0.75 s.
  expect(text).toMatch(/^provisioner_iteration_duration_seconds_sum\{worker_type="builder"\} 3$/m);
  expect(text).toMatch(/^provisioner_iteration_lag_seconds_sum\{worker_type="builder"\} 0\.75$/m);
  // Launches are the launch activity's to count, not the report's.
  expect(await value(m, 'provisioner_launches_total', { worker_type: 'builder', region: 'us-west-2', instance_type: 'c5.xlarge', market: 'spot' })).toBe(1);
});

test('a report of an older history (no startedAt, no plannedAt) records a duration from `at` and no lag', async () => {
  const m = createWorkerMetrics();
  recordIterationMetrics(m, report({ startedAt: undefined, plannedAt: undefined, pendingTasks: null }), Date.parse('2026-01-01T00:00:03.000Z'));
  const text = await m.registry.metrics();
  expect(text).toMatch(/^provisioner_iteration_duration_seconds_sum\{worker_type="builder"\} 1$/m);
  expect(text).not.toMatch(/^provisioner_iteration_lag_seconds_count/m);
  expect(text).not.toMatch(/^provisioner_pending_tasks\{/m);
});

test('EC2 calls are counted by outcome with their latency; throttled ones also apart', async () => {
  const m = exercised();
  expect(await value(m, 'provisioner_ec2_calls_total', { region: 'us-west-2', operation: 'RunInstances', outcome: 'ok' })).toBe(1);
  expect(await value(m, 'provisioner_ec2_calls_total', { region: 'us-west-2', operation: 'DescribeInstances', outcome: 'throttled' })).toBe(1);
  expect(await value(m, 'provisioner_ec2_throttled_calls_total', { region: 'us-west-2', operation: 'DescribeInstances' })).toBe(1);
  expect(await value(m, 'provisioner_ec2_throttled_calls_total', { region: 'us-west-2', operation: 'RunInstances' })).toBeUndefined();
  expect(await m.registry.metrics()).toMatch(/^provisioner_ec2_call_duration_seconds_sum\{region="us-west-2",operation="RunInstances"\} 0\.2$/m);
});

test('inventory age is computed at scrape time; spot prices of offerings no longer in use disappear', async () => {
  let now = Date.parse('2026-01-01T00:01:00.000Z');
  const m = createWorkerMetrics(() => now);
  m.inventoryDone('us-west-2', Date.parse('2026-01-01T00:00:30.000Z'));
  expect(await value(m, 'provisioner_inventory_age_seconds', { region: 'us-west-2' })).toBe(30);
  now += 15_000;
  expect(await value(m, 'provisioner_inventory_age_seconds', { region: 'us-west-2' })).toBe(45);
  expect(await value(m, 'provisioner_inventory_last_success_timestamp_seconds', { region: 'us-west-2' })).toBe(Date.parse('2026-01-01T00:00:30.000Z') / 1000);
  m.spotPricesRefreshed('us-west-2', [{ zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.1 }, { zone: 'us-west-2b', instanceType: 'c5.xlarge', price: 0.12 }]);
  m.spotPricesRefreshed('us-east-1', [{ zone: 'us-east-1a', instanceType: 'c5.xlarge', price: 0.4 }]);
  m.spotPricesRefreshed('us-west-2', [{ zone: 'us-west-2b', instanceType: 'c5.xlarge', price: 0.11 }]);
  const prices = (await m.registry.getMetricsAsJSON()).find((x) => x.name === 'provisioner_spot_price_dollars_per_hour')!.values;
  expect(prices.map((p) => [p.labels.region, p.labels.zone, p.value]).sort()).toEqual([['us-east-1', 'us-east-1a', 0.4], ['us-west-2', 'us-west-2b', 0.11]]);
});

test('registries are separate: two workers in one process keep their own series', async () => {
  const a = createWorkerMetrics();
  const b = createWorkerMetrics();
  a.pendingTasks.set({ worker_type: 'builder' }, 5);
  expect(await value(a, 'provisioner_pending_tasks', { worker_type: 'builder' })).toBe(5);
  expect(await value(b, 'provisioner_pending_tasks', { worker_type: 'builder' })).toBeUndefined();
});
