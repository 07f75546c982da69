// The names of the figures loop-scale prints (README.md explains each). Names never change:
// the smoke test and whoever compares runs look for them.

export const FIGURES = {
  gapP50: 'iteration-gap-p50-ratio',
  gapP95: 'iteration-gap-p95-ratio',
  gapMax: 'iteration-gap-max-ratio',
  skipped: 'loops-skipped-per-minute',
  iterations: 'iterations-per-loop-per-interval',
  workerCpu: 'worker-cpu-share',
  temporalCpu: 'temporal-cpu-share',
  eventsPerIteration: 'history-events-per-iteration',
  tasksPerIteration: 'workflow-tasks-per-iteration',
} as const;

/** Every figure name, in the order they are printed. */
export const FIGURE_NAMES: readonly string[] = Object.values(FIGURES);
