// The names of the figures inventory-pass prints (README.md explains each). Names never
// change: the smoke test and whoever compares runs look for them.

export const PASSES = ['first', 'unchanged', 'changed'] as const;
export type PassKind = (typeof PASSES)[number];

export const FIGURES = {
  statements: Object.fromEntries(PASSES.map((p) => [p, `statements-${p}-pass`])) as Record<PassKind, string>,
  rowsWritten: Object.fromEntries(PASSES.map((p) => [p, `rows-written-${p}-pass`])) as Record<PassKind, string>,
  dbTime: Object.fromEntries(PASSES.map((p) => [p, `db-time-${p}-pass-ratio`])) as Record<PassKind, string>,
  dbTimeGrowth: 'db-time-first-pass-growth',
  rowByRow: 'row-by-row-ratio',
} as const;

/** Every figure name, in the order they are printed. */
export const FIGURE_NAMES: readonly string[] = [
  ...Object.values(FIGURES.statements), ...Object.values(FIGURES.rowsWritten), ...Object.values(FIGURES.dbTime),
  FIGURES.dbTimeGrowth, FIGURES.rowByRow,
];
