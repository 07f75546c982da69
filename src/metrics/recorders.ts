// How the facts the activities have become metric values. Each recorder takes the metrics
// it writes to, so every test and every process part keeps its own registry.
import type { Ec2CallObserver } from '../aws/ec2-call';
import type { IterationReport } from '../domain/iteration-report';
import type { WorkerMetrics } from './registry';

const CAPACITY_STATES = ['requested', 'pending', 'running'] as const;

/** Counts every EC2 call by outcome, its latency, and the throttled ones apart. */
export function ec2CallMetrics(metrics: WorkerMetrics): Ec2CallObserver {
  return ({ region, operation, outcome, seconds }) => {
    metrics.ec2Calls.inc({ region, operation, outcome });
    metrics.ec2CallDuration.observe({ region, operation }, seconds);
    if (outcome === 'throttled') metrics.ec2Throttled.inc({ region, operation });
  };
}

/**
 * What an iteration saw and decided: capacity by state, the change, its scale-down
 * terminations, its duration (from the start of the pass to `nowMs`) and how late the pass
 * started after its planned time. Launches and launch failures are counted by the launch
 * activity itself, where each happens exactly once.
 */
export function recordIterationMetrics(metrics: WorkerMetrics, report: IterationReport, nowMs: number): void {
  const worker_type = report.workerType;
  for (const state of CAPACITY_STATES) metrics.capacity.set({ worker_type, state }, report.capacity[state]);
  metrics.desiredChange.set({ worker_type }, report.change);
  if (report.pendingTasks !== null) metrics.pendingTasks.set({ worker_type }, report.pendingTasks);
  for (const { reason } of report.terminated) metrics.terminations.inc({ worker_type, reason });
  metrics.iterations.inc({ worker_type });
  metrics.lastIteration.set({ worker_type }, nowMs / 1000);
  const startedAt = Date.parse(report.startedAt ?? report.at);
  if (Number.isFinite(startedAt)) metrics.iterationDuration.observe({ worker_type }, Math.max(0, nowMs - startedAt) / 1000);
  const plannedAt = report.plannedAt === undefined ? NaN : Date.parse(report.plannedAt);
  if (Number.isFinite(plannedAt) && Number.isFinite(startedAt)) {
    metrics.iterationLag.observe({ worker_type }, Math.max(0, startedAt - plannedAt) / 1000);
  }
}
