// The names of the figures api-hot-path prints (README.md explains each). Names never change:
// the smoke test and whoever compares runs look for them.

/** The routes measured, in the order they run. */
export const HOT_ROUTES = ['worker-type', 'list-worker-types', 'create-secret'] as const;
export type HotRoute = (typeof HOT_ROUTES)[number];

export const FIGURE_NAMES: readonly string[] = [
  ...HOT_ROUTES.flatMap((r) => [`${r}-cpu-ratio`, `${r}-throughput-ratio`]),
  'unexpected-answers',
];
