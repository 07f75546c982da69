// The IPC messages between a benchmark and the API process it forks (api-child.ts).

export type ToApi =
  /** Peaks since the previous `peaks` (or the start); the child then starts a new period. */
  | { type: 'peaks' }
  /** CPU time since the previous `cpu` (or the start); the child then starts a new period. */
  | { type: 'cpu' }
  /** Close the server gracefully (requests in flight finish) and exit 0. */
  | { type: 'stop' };

/** CPU time of the server process in one period (process.cpuUsage), microseconds. */
export interface CpuTime {
  userMicros: number;
  systemMicros: number;
}

export interface MemoryPeaks {
  /** Highest resident set size of the period, bytes: the kernel's VmHWM where it can be reset, else sampled. */
  rssBytes: number;
  /** Highest V8 heapUsed sampled in the period (every SAMPLE_MS), bytes. */
  heapBytes: number;
  /** Calls that reached the EC2 and workflow stand-ins in the period, by method. */
  calls: Record<string, number>;
}

export type FromApi =
  | { type: 'ready'; url: string; allowedRegions: string[] }
  | ({ type: 'peaks' } & MemoryPeaks)
  | ({ type: 'cpu' } & CpuTime)
  | { type: 'failed'; message: string };
