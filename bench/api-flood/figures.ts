// The names of the figures api-flood prints (README.md explains each). Names never change:
// the smoke test and whoever compares runs look for them.

/** The flood's request kinds, in the order each client rotates through them. */
export const FLOOD_KINDS = ['createWorkerType', 'updateWorkerType', 'getLaunchSpecs'] as const;
export type FloodKind = (typeof FLOOD_KINDS)[number];

export const FIGURES = {
  body: 'largest-body-bytes',
  userDataLimit: 'user-data-limit',
  pingP50: 'ping-p50-ratio',
  pingP99: 'ping-p99-ratio',
  completed: Object.fromEntries([...FLOOD_KINDS, 'ping'].map((k) => [k, `completed-${k}`])) as Record<FloodKind | 'ping', string>,
  non2xx: 'non-2xx',
  noAnswer: 'no-answer',
  peakRss: 'peak-rss-ratio',
  peakHeap: 'peak-heap-ratio',
  standInCalls: 'stand-in-calls',
} as const;

/** Every figure name, in the order they are printed. */
export const FIGURE_NAMES: readonly string[] = [
  FIGURES.body, FIGURES.userDataLimit, FIGURES.pingP50, FIGURES.pingP99, ...Object.values(FIGURES.completed),
  FIGURES.non2xx, FIGURES.noAnswer, FIGURES.peakRss, FIGURES.peakHeap, FIGURES.standInCalls,
];
