// The names of the figures demand-launch prints (README.md explains each). Names never
// change: the smoke test and whoever compares runs look for them.

export const FIGURES = {
  pulseP50: 'pulse-p50-ratio',
  pulseP90: 'pulse-p90-ratio',
  pollP50: 'poll-p50-interval-ratio',
  launched: 'launched-trials',
  signals: 'pulse-signals-per-trial',
} as const;

/** Every figure name, in the order they are printed. */
export const FIGURE_NAMES: readonly string[] = [FIGURES.pulseP50, FIGURES.pulseP90, FIGURES.pollP50, FIGURES.launched, FIGURES.signals];
