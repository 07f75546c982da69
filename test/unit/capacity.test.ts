import { capacityChange } from '../../src/domain/capacity';

type Row = [runningCapacity: number, pendingCapacity: number, pendingTasks: number,
  minCapacity: number, maxCapacity: number, scalingRatio: number, expected: number];

// Every row of the original test table (spec §3.3).
const originalRows: Row[] = [
  [0, 0, 0, 0, 20, 0, 0],
  [0, 0, 0, 1, 20, 0, 1],
  [0, 0, 5, 0, 20, 0, 5],
  [5, 0, 5, 0, 20, 0, 5],
  [5, 5, 5, 0, 20, 0, 0],
  [0, 5, 5, 0, 20, 0, 0],
  [0, 10, 5, 0, 20, 0, -5],
  [5, 10, 5, 0, 20, 0, -5],
  [0, 0, 20, 1, 20, 0, 20],
  [0, 0, 30, 1, 20, 0, 20],
  [0, 0, 10000, 0, 1000, 0.2, 1000],
  [0, 40, 10000, 0, 1000, 0.2, 960],
];

// Derived by hand from the formula: desired = round(s*R); change = T-P-desired; after = change+P+R.
const derivedRows: Row[] = [
  // s > 0 leaves round(0.2*10) = 2 tasks pending: 10 - 0 - 2.
  [10, 0, 10, 0, 100, 0.2, 8],
  // Fewer pending tasks than the tolerated 2: asks to shrink by 1.
  [10, 0, 1, 0, 100, 0.2, -1],
  // s < 0 launches beyond the pending tasks: 5 - 0 - (-2).
  [10, 0, 5, 0, 100, -0.2, 7],
  // Math.round rounds halves up: round(0.25*2) = 1, round(0.25*6) = 2.
  [2, 0, 5, 0, 100, 0.25, 4],
  [6, 0, 5, 0, 100, 0.25, 3],
  // Running alone above maxCapacity gives a negative change: 20 - 25 - 0.
  [25, 0, 0, 0, 20, 0, -5],
  // Above maxCapacity the change is cut to the headroom left: 20 - 10 - 2.
  [10, 2, 12, 0, 20, 0, 8],
  // The floor counts running and pending: 5 - 2 - 1.
  [2, 1, 0, 5, 20, 0, 2],
  // A minCapacity above maxCapacity: the floor wins below the ceiling, the ceiling wins at it.
  [0, 0, 0, 10, 5, 0, 10],
  [0, 0, 7, 10, 5, 0, 5],
];

describe('capacityChange', () => {
  test.each([...originalRows, ...derivedRows])(
    'R=%p P=%p T=%p min=%p max=%p s=%p -> %p',
    (runningCapacity, pendingCapacity, pendingTasks, minCapacity, maxCapacity, scalingRatio, expected) => {
      const change = capacityChange({
        runningCapacity, pendingCapacity, pendingTasks, minCapacity, maxCapacity, scalingRatio,
      });
      expect(change).toBe(expected);
    },
  );
});
