// The Temporal SDK's process-wide runtime: its logs (worker, workflow `log`, activity `log`)
// routed into our logger, and its own metrics exported for Prometheus.
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../logger';
import { temporalLogLevels } from '../temporal/log-levels';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

export interface TemporalTelemetry {
  /** `host:port` of the SDK's Prometheus exporter (its `/metrics`); absent: the SDK's metrics are off. */
  prometheusBindAddress?: string;
  /** LOG_LEVEL; default: the logger's level. The SDK's levels follow it (../temporal/log-levels.ts). */
  logLevel?: string;
}

/**
 * Installs the runtime once per process; later calls keep the first (the runtime cannot be
 * replaced). The SDK's own signal handlers are off: on SIGTERM the process stops its parts in
 * its own order (src/processes/roles.ts), the loop reconciler before the worker.
 */
export function installTemporalLogging(logger: Logger, telemetry: TemporalTelemetry = {}): void {
  if (Runtime._instance) return;
  const metrics = telemetry.prometheusBindAddress
    // Counters end in _total and durations are in seconds, as Prometheus' conventions want.
    ? { metrics: { prometheus: { bindAddress: telemetry.prometheusBindAddress, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true } } }
    : {};
  const { sdk, core } = temporalLogLevels(telemetry.logLevel ?? logger.level);
  Runtime.install({
    shutdownSignals: [],
    // The native core's logs come through the same logger (as JSON, not as text on stderr).
    telemetryOptions: { ...metrics, logging: { filter: makeTelemetryFilterString({ core }), forward: {} } },
    logger: new DefaultLogger(sdk, (entry) => logger[LEVELS[entry.level]](temporalLogFields(entry), entry.message)),
  });
}

/**
 * The fields of one SDK log line: its routing metadata under `temporal` (without the bulky
 * task tokens and run ids), and every Error among the rest as plain fields. An Error has no
 * enumerable message, so without this "Activity failed" lines showed only
 * `{"type":"Ec2Transient","nonRetryable":false}`.
 */
export function temporalLogFields(entry: Pick<LogEntry, 'meta'>): Record<string, unknown> {
  const { sdkComponent, workflowType, workflowId, activityType, attempt, ...meta } = entry.meta ?? {};
  const { taskToken: _t, workflowRunId: _r, namespace: _n, taskQueue: _q, isLocal: _l, activityId: _a, runId: _ri, ...rest } = meta;
  const fields: Record<string, unknown> = { temporal: { sdkComponent, workflowType, workflowId, activityType, attempt } };
  for (const [key, value] of Object.entries(rest)) fields[key] = value instanceof Error ? describeError(value) : value;
  return fields;
}

/** Message, type and code of a failure and of its causes (at most a few levels deep). */
export function describeError(err: Error, depth = 0): Record<string, unknown> {
  const e = err as Error & { type?: string; nonRetryable?: boolean; code?: unknown; details?: unknown[]; cause?: unknown };
  const details = Array.isArray(e.details) ? (e.details[0] as { code?: unknown; kind?: unknown; status?: unknown } | undefined) : undefined;
  const code = details?.code ?? e.code;
  return {
    message: e.message,
    type: e.type ?? e.name,
    ...(code === undefined ? {} : { code: String(code) }),
    ...(details?.status === undefined ? {} : { status: details.status }),
    ...(e.nonRetryable === undefined ? {} : { nonRetryable: e.nonRetryable }),
    ...(e.cause instanceof Error && depth < 3 ? { cause: describeError(e.cause, depth + 1) } : {}),
  };
}
