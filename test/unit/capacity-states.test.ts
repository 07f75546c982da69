// How ledger instances count as capacity: one row per (ledger state, registered) pair.
import { addCapacity, capacityStateOf, mayScaleDown, NO_CAPACITY, type LedgerState } from '../../src/domain/capacity-states';

type Row = [state: LedgerState, registered: boolean, capacityState: 'requested' | 'pending' | 'running' | null, scaleDown: boolean];

const rows: Row[] = [
  // Sent to EC2, not shown yet: in flight, never a scale-down candidate (there is no instance to terminate).
  ['requested', false, 'requested', false],
  // A worker that claimed its secret before the ledger saw the instance is up all the same.
  ['requested', true, 'running', false],
  // Booting: EC2 has it, the secret is unclaimed.
  ['pending', false, 'pending', true],
  ['running', false, 'pending', true],
  // Registered (getSecret or instanceStarted) and still in EC2: running, never scaled down.
  ['pending', true, 'running', false],
  ['running', true, 'running', false],
  // On its way out or gone: holds nothing, whatever it did before.
  ['stopping', false, null, false],
  ['stopping', true, null, false],
  ['terminated', false, null, false],
  ['terminated', true, null, false],
];

test.each(rows)('%s, registered %s: counts as %s, scale-down candidate %s', (state, registered, expected, scaleDown) => {
  expect(capacityStateOf({ state, registered })).toBe(expected);
  expect(mayScaleDown({ state, registered })).toBe(scaleDown);
});

test('addCapacity adds units to the instance\'s state only, and copies', () => {
  const before = { running: 1, pending: 2, requested: 3 };
  expect(addCapacity(before, { state: 'running', registered: true }, 4)).toEqual({ running: 5, pending: 2, requested: 3 });
  expect(addCapacity(before, { state: 'running', registered: false }, 4)).toEqual({ running: 1, pending: 6, requested: 3 });
  expect(addCapacity(before, { state: 'stopping', registered: true }, 4)).toBe(before);
  expect(before).toEqual({ running: 1, pending: 2, requested: 3 });
  expect(NO_CAPACITY).toEqual({ running: 0, pending: 0, requested: 0 });
});
