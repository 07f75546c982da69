// The iteration figures of bench/loop-scale from made-up iteration times: gaps counted when
// their later iteration is in the window, skipped loops per minute, iterations per interval.
import { gapFigures, periods } from '../../bench/loop-scale/gaps';

const S = 1000;
const MIN = 60 * S;

test('a window is split into whole minutes; a shorter one is one period', () => {
  expect(periods({ start: 0, end: 150 * S })).toEqual([{ start: 0, end: MIN }, { start: MIN, end: 2 * MIN }]);
  expect(periods({ start: 5, end: 10 * S })).toEqual([{ start: 5, end: 10 * S }]);
});

test('gaps end in the window, against the interval; the iteration before the window opens the first gap', () => {
  const loop = [-25 * S, 5 * S, 35 * S, 70 * S, 125 * S];
  const g = gapFigures([loop], { start: 0, end: 120 * S }, 30 * S);
  expect(g.gapRatios).toEqual([1, 1, 35 / 30]);
  expect(g.iterations).toBe(3);
  expect(g.iterationsPerInterval).toBeCloseTo(3 / 4);
  expect(g.skippedPerMinute).toBe(0);
});

test('a loop without an iteration in a minute counts once for that minute', () => {
  const steady = [10 * S, 40 * S, 70 * S, 100 * S, 130 * S, 160 * S];
  const stalled = [10 * S, 130 * S];
  const g = gapFigures([steady, stalled], { start: 0, end: 180 * S }, 30 * S);
  expect(g.skippedPerMinute).toBeCloseTo(1 / 3);
  expect(g.mostSkipped).toBe(1);
  expect(Math.max(...g.gapRatios)).toBe(4);
  expect(g.iterationsPerInterval).toBeCloseTo(8 / 12);
});
