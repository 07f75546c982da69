// The figures of iteration timing, from each loop's iteration times and the measured window.
// Pure. A gap is the time between two consecutive iterations of a loop, counted when the
// later one falls in the window; a loop is skipped in a minute of the window when it has no
// iteration in it (a window shorter than a minute is one period of its own length).

export interface Window { start: number; end: number }

export interface GapFigures {
  /** Gaps / the configured interval. */
  gapRatios: number[];
  /** Loops with no iteration, summed over the periods, per minute of window. */
  skippedPerMinute: number;
  /** Most loops skipped in one period. */
  mostSkipped: number;
  /** Iterations in the window / (loops × window / interval). */
  iterationsPerInterval: number;
  iterations: number;
}

const MINUTE = 60_000;

/** The periods the window is split into: whole minutes, the last partial one dropped. */
export function periods(window: Window): Window[] {
  const length = window.end - window.start;
  if (length < MINUTE) return [window];
  return Array.from({ length: Math.floor(length / MINUTE) }, (_, i) => ({ start: window.start + i * MINUTE, end: window.start + (i + 1) * MINUTE }));
}

const inWindow = (t: number, w: Window): boolean => t >= w.start && t < w.end;

export function gapFigures(loops: ReadonlyArray<readonly number[]>, window: Window, intervalMs: number): GapFigures {
  const gapRatios: number[] = [];
  let iterations = 0;
  for (const times of loops) {
    for (let i = 0; i < times.length; i++) {
      if (!inWindow(times[i]!, window)) continue;
      iterations++;
      if (i > 0) gapRatios.push((times[i]! - times[i - 1]!) / intervalMs);
    }
  }
  const parts = periods(window);
  const skipped = parts.map((p) => loops.filter((times) => !times.some((t) => inWindow(t, p))).length);
  const covered = parts[parts.length - 1]!.end - parts[0]!.start;
  const windowMs = window.end - window.start;
  return {
    gapRatios,
    skippedPerMinute: skipped.reduce((a, b) => a + b, 0) / (covered / MINUTE),
    mostSkipped: Math.max(...skipped),
    iterationsPerInterval: loops.length === 0 ? Number.NaN : iterations / (loops.length * (windowMs / intervalMs)),
    iterations,
  };
}
