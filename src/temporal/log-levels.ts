// The Temporal SDK's log levels for our LOG_LEVEL (src/config.ts), for the runtime the worker
// installs (src/worker/worker.ts installTemporalLogging).

export type SdkLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * `sdk`: the TypeScript side (worker, workflow and activity `log`); `core`: the native core.
 * The core's DEBUG and TRACE (every poll and activation) only at `trace`: at `debug` they
 * would drown the provisioner's own lines. `fatal` and `silent` keep the SDK's errors.
 */
export function temporalLogLevels(logLevel: string): { sdk: SdkLogLevel; core: SdkLogLevel } {
  const sdk = ({ trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' } as Record<string, SdkLogLevel>)[logLevel] ?? 'ERROR';
  return { sdk, core: sdk === 'DEBUG' ? 'INFO' : sdk };
}
