// The names of the figures launch-planner prints (README.md explains each). Names never
// change: the smoke test and whoever compares runs look for them.

/** The three choices compared: this planner, the first-fit of earlier versions, the original's random pick. */
export const CHOOSERS = ['planner', 'first-fit', 'original'] as const;
export type Chooser = (typeof CHOOSERS)[number];

export const FIGURES = {
  priceP50: (c: Chooser) => `${c}-price-ratio-p50`,
  priceP95: (c: Chooser) => `${c}-price-ratio-p95`,
  coverage: (c: Chooser) => `${c}-coverage`,
  notOptimal: 'planner-not-optimal',
  time: 'planner-time-ratio',
} as const;

/** Every figure name, in the order they are printed. */
export const FIGURE_NAMES: readonly string[] = [
  ...CHOOSERS.flatMap((c) => [FIGURES.priceP50(c), FIGURES.priceP95(c)]),
  ...CHOOSERS.map((c) => FIGURES.coverage(c)),
  FIGURES.notOptimal, FIGURES.time,
];
