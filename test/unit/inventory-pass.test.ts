// One inventory pass decided from a sweep, the ledger and the definitions.
import { nextState, planInventoryPass, sightingOf, type InventoryInput } from '../../src/domain/inventory-pass';
import type { LedgerState } from '../../src/domain/capacity-states';
import type { LedgerRow, SightedInstance } from '../../src/domain/reaping';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
const WT = { instanceTypes: [{ instanceType: 'm5.large', capacity: 2, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] }], generation: 'g' };

function sighted(id: string, fields: Partial<SightedInstance> = {}): SightedInstance {
  return {
    instanceId: id, zone: 'us-west-2a', instanceType: 'm5.large', state: 'running', spot: false,
    launchTime: new Date(NOW - MIN).toISOString(), tags: { Owner: 'prov', WorkerType: 'prov/wt' }, ...fields,
  };
}

function row(token: string, fields: Partial<LedgerRow> = {}): LedgerRow {
  return {
    clientToken: token, instanceId: null, workerType: 'wt', zone: 'us-west-2a', state: 'requested', registered: false,
    generation: 'g', launchedAt: NOW - MIN, lastSeenAt: null, terminationReason: null, ...fields,
  };
}

function input(sightings: SightedInstance[], rows: LedgerRow[]): InventoryInput {
  return {
    provisionerId: 'prov', region: 'us-west-2', sightings, rows, definitions: new Map([['wt', WT]]), now: NOW,
    limits: { maxInstanceLifetimeMs: 96 * 60 * MIN, registrationTimeoutMs: 30 * MIN, requestedTimeoutMs: 15 * MIN },
  };
}

test.each<[LedgerState, string, LedgerState]>([
  ['requested', 'pending', 'pending'],
  ['pending', 'running', 'running'],
  ['running', 'shutting-down', 'stopping'],
  ['running', 'terminated', 'terminated'],
  // We asked for its termination: EC2 lagging behind never brings the row back.
  ['stopping', 'running', 'stopping'],
  ['stopping', 'pending', 'stopping'],
  ['stopping', 'terminated', 'terminated'],
])('a %s row sighted %s becomes %s', (current, ec2, expected) => {
  expect(nextState(current, ec2)).toBe(expected);
});

const SEEN = { instanceId: 'i-1', state: 'running' as const, lastSeenAt: NOW - MIN };
test.each<[string, Partial<LedgerRow>, Partial<SightedInstance>, boolean]>([
  ['a row a pass has seen as it is now', SEEN, {}, false],
  ['a row no pass has seen yet', { ...SEEN, lastSeenAt: null }, {}, true],
  ['a new state', { ...SEEN, state: 'pending' }, {}, true],
  ['a new zone', SEEN, { zone: 'us-west-2b' }, true],
  ['an instance id found by client token', { ...SEEN, instanceId: null }, {}, true],
  // The row stays `stopping` (see nextState): nothing to write.
  ['a stopping row EC2 still shows running', { ...SEEN, state: 'stopping' }, {}, false],
])('a sighting of %s is written: %s', (_what, rowFields, sightingFields, written) => {
  expect(sightingOf(row('t-1', rowFields), sighted('i-1', sightingFields)) !== null).toBe(written);
});

test('a pass over rows that EC2 shows unchanged writes no sighting', () => {
  const rows = [row('t-1', SEEN), row('t-2', { ...SEEN, instanceId: 'i-2' })];
  expect(planInventoryPass(input([sighted('i-1'), sighted('i-2')], rows))).toStrictEqual({ sightings: [], adoptions: [], vanished: [], reap: [] });
});

test('rows match by instance id, or else by client token', () => {
  const plan = planInventoryPass(input(
    [sighted('i-1'), sighted('i-2', { clientToken: 't-2', zone: 'us-west-2b' })],
    [row('t-1', { instanceId: 'i-1', state: 'pending' }), row('t-2')],
  ));
  expect(plan.sightings).toStrictEqual([
    { clientToken: 't-1', instanceId: 'i-1', zone: 'us-west-2a', state: 'running' },
    { clientToken: 't-2', instanceId: 'i-2', zone: 'us-west-2b', state: 'running' },
  ]);
  expect(plan).toMatchObject({ adoptions: [], vanished: [], reap: [] });
});

test('an instance of an existing worker type without a row is adopted; a terminated one is not', () => {
  const plan = planInventoryPass(input([sighted('i-3', { spot: true }), sighted('i-4', { state: 'terminated' })], []));
  expect(plan.adoptions).toStrictEqual([{
    clientToken: 'adopted:i-3', instanceId: 'i-3', workerType: 'wt', region: 'us-west-2', zone: 'us-west-2a',
    instanceType: 'm5.large', capacity: 2, market: 'spot', state: 'running', launchedAt: NOW - MIN,
  }]);
});

test('instances without a definition are reaped as rogue, never adopted; reasons group in the order first met', () => {
  const plan = planInventoryPass(input([
    sighted('i-5', { tags: { Owner: 'prov', WorkerType: 'prov/gone' } }),
    sighted('i-6', { state: 'stopped' }),
    sighted('i-7', { tags: { Owner: 'prov' } }),
  ], []));
  expect(plan.adoptions.map((a) => a.instanceId)).toStrictEqual(['i-6']);
  expect(plan.reap).toStrictEqual([{ reason: 'rogue', instanceIds: ['i-5', 'i-7'] }, { reason: 'stopped', instanceIds: ['i-6'] }]);
});

test('rows missing from the sweep are written off', () => {
  const plan = planInventoryPass(input([], [row('t-8', { instanceId: 'i-8', state: 'running', lastSeenAt: NOW - MIN })]));
  expect(plan.vanished).toStrictEqual([{ clientToken: 't-8', reason: 'gone from EC2' }]);
});
