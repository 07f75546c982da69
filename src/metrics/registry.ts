// Every metric the provisioner exports, with its HELP text: one registry per process part
// (the worker's activities, the API app), never prom-client's global one, so tests and the
// dev role (API and worker in one process) keep their series apart.
//
// Label sets are bounded by configuration: worker types, regions, zones, instance types,
// markets, EC2 operations, error codes and kinds, termination reasons and API route names.
// Never an instance id, a client token, a URL or a client id.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from a fast EC2 describe to an iteration that launches after retries. */
const SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Iteration start lag, seconds: a healthy loop is well under a second late, a stalled one minutes. */
const LAG_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900];

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** The worker's metrics, recorded by activities (activities/deps.ts) and by the EC2 call wrapper. */
export function createWorkerMetrics(now: () => number = Date.now) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const lastInventory = new Map<string, number>();
  const inventorySuccess = new Gauge({ name: 'provisioner_inventory_last_success_timestamp_seconds', help: 'Unix time of the last complete inventory of the region by this worker', labelNames: ['region'] as const, registers });
  const spotPrice = new Gauge({ name: 'provisioner_spot_price_dollars_per_hour', help: 'Current spot price of an offering some worker type uses, USD per instance-hour', labelNames: ['region', 'zone', 'instance_type'] as const, registers });
  const pricedOfferings = new Map<string, Array<{ zone: string; instance_type: string }>>();
  return {
    registry,
    pendingTasks: new Gauge({ name: 'provisioner_pending_tasks', help: 'Pending tasks of the worker type, as the Queue last answered', labelNames: ['worker_type'] as const, registers }),
    queueErrors: new Counter({ name: 'provisioner_queue_errors_total', help: 'Queue pendingTasks calls that gave no trustworthy answer', labelNames: ['worker_type'] as const, registers }),
    capacity: new Gauge({ name: 'provisioner_capacity', help: 'Capacity units of the worker type at the last iteration, by state (requested, pending, running)', labelNames: ['worker_type', 'state'] as const, registers }),
    desiredChange: new Gauge({ name: 'provisioner_desired_change', help: 'Capacity change the last iteration decided (positive: launch, negative: scale down)', labelNames: ['worker_type'] as const, registers }),
    iterations: new Counter({ name: 'provisioner_iterations_total', help: 'Provisioning iterations recorded', labelNames: ['worker_type'] as const, registers }),
    lastIteration: new Gauge({ name: 'provisioner_last_iteration_timestamp_seconds', help: 'Unix time the last iteration of the worker type was recorded', labelNames: ['worker_type'] as const, registers }),
    iterationDuration: new Histogram({ name: 'provisioner_iteration_duration_seconds', help: 'Time from the start of an iteration to its report', labelNames: ['worker_type'] as const, buckets: SECONDS_BUCKETS, registers }),
    iterationLag: new Histogram({ name: 'provisioner_iteration_lag_seconds', help: 'How late an iteration started after its planned time (timer deadline or wake-up signal)', labelNames: ['worker_type'] as const, buckets: LAG_BUCKETS, registers }),
    launches: new Counter({ name: 'provisioner_launches_total', help: 'Instances launched', labelNames: ['worker_type', 'region', 'instance_type', 'market'] as const, registers }),
    launchFailures: new Counter({ name: 'provisioner_launch_failures_total', help: 'Launches that failed for good (capacity or an invalid request), by EC2 error code', labelNames: ['worker_type', 'code'] as const, registers }),
    terminations: new Counter({ name: 'provisioner_terminations_total', help: 'Instances of the worker type terminated by its loop, by reason', labelNames: ['worker_type', 'reason'] as const, registers }),
    reaped: new Counter({ name: 'provisioner_reaped_instances_total', help: 'Instances terminated by the region inventory, by reason', labelNames: ['region', 'reason'] as const, registers }),
    ec2Calls: new Counter({ name: 'provisioner_ec2_calls_total', help: 'EC2 API calls, by outcome (ok or the failure kind)', labelNames: ['region', 'operation', 'outcome'] as const, registers }),
    ec2CallDuration: new Histogram({ name: 'provisioner_ec2_call_duration_seconds', help: 'Latency of EC2 API calls, SDK retries and pages included', labelNames: ['region', 'operation'] as const, buckets: SECONDS_BUCKETS, registers }),
    ec2Throttled: new Counter({ name: 'provisioner_ec2_throttled_calls_total', help: 'EC2 API calls refused by rate limiting', labelNames: ['region', 'operation'] as const, registers }),
    pulseMessages: new Counter({ name: 'provisioner_pulse_task_pending_messages_total', help: 'Task-pending messages received from Pulse (src/events/task-pending-consumer.ts)', registers }),
    pulseSignals: new Counter({ name: 'provisioner_pulse_wakeup_signals_total', help: 'Wake-up signals for pending tasks, by outcome (sent, absent: no loop, failed: retried)', labelNames: ['outcome'] as const, registers }),
    pulseReconnects: new Counter({ name: 'provisioner_pulse_reconnects_total', help: 'Attempts to connect to Pulse again after a failure or a lost connection', registers }),
    pulseConnected: new Gauge({ name: 'provisioner_pulse_connected', help: 'Whether the task-pending queue is consumed now (1) or not (0; the poll alone wakes the loops)', registers }),
    inventorySuccess,
    inventoryAge: new Gauge({
      name: 'provisioner_inventory_age_seconds', help: 'Seconds since the last complete inventory of the region by this worker', labelNames: ['region'] as const, registers,
      collect() {
        for (const [region, at] of lastInventory) this.set({ region }, Math.max(0, (now() - at) / 1000));
      },
    }),
    spotPrice,
    /** Records a complete inventory pass of `region` at `at` (ms since the epoch). */
    inventoryDone(region: string, at: number): void {
      lastInventory.set(region, at);
      inventorySuccess.set({ region }, at / 1000);
    },
    /** Replaces the region's spot prices with those of its latest refresh: offerings no longer in use disappear. */
    spotPricesRefreshed(region: string, prices: ReadonlyArray<{ zone: string; instanceType: string; price: number }>): void {
      for (const old of pricedOfferings.get(region) ?? []) spotPrice.remove({ region, ...old });
      const offerings = prices.map((p) => ({ zone: p.zone, instance_type: p.instanceType }));
      prices.forEach((p, i) => spotPrice.set({ region, ...offerings[i]! }, p.price));
      pricedOfferings.set(region, offerings);
    },
  };
}

/** The API's metrics (src/api/monitoring.ts). */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'provisioner_api_requests_total', help: 'API requests, by route name and status', labelNames: ['route', 'method', 'status'] as const, registers }),
    requestDuration: new Histogram({ name: 'provisioner_api_request_duration_seconds', help: 'API request latency, by route name', labelNames: ['route', 'method'] as const, buckets: SECONDS_BUCKETS, registers }),
  };
}
