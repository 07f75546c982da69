// Which instances the region inventory reaps and which ledger rows it writes off: one row per
// reason, and the boundaries of each limit.
import {
  NOT_YET_VISIBLE_GRACE_MS, reapReason, vanishedRows,
  type DefinitionFacts, type LedgerRow, type ReapingLimits, type ReapReason, type SightedInstance,
} from '../../src/domain/reaping';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
const LIMITS: ReapingLimits = { maxInstanceLifetimeMs: 96 * 60 * MIN, registrationTimeoutMs: 30 * MIN, requestedTimeoutMs: 15 * MIN };
const DEFINITION: DefinitionFacts = { instanceTypes: [], generation: 'gen-2' };

function instance(ageMs: number, state = 'running'): SightedInstance {
  return {
    instanceId: 'i-1', zone: 'us-west-2a', instanceType: 'm5.large', state, spot: true,
    launchTime: new Date(NOW - ageMs).toISOString(), clientToken: 'token-1', tags: { WorkerType: 'prov/wt' },
  };
}

function row(fields: Partial<LedgerRow> = {}): LedgerRow {
  return {
    clientToken: 'token-1', instanceId: 'i-1', workerType: 'wt', zone: 'us-west-2a', state: 'running', registered: false,
    generation: 'gen-2', launchedAt: NOW - 5 * MIN, lastSeenAt: NOW - MIN, terminationReason: null, ...fields,
  };
}

type Case = [name: string, sighted: SightedInstance, ledger: LedgerRow | undefined, definition: DefinitionFacts | undefined, expected: ReapReason | null];

const cases: Case[] = [
  ['rogue: no definition of its worker type', instance(MIN), row(), undefined, 'rogue'],
  ['rogue: unknown worker type, no ledger row', instance(MIN), undefined, undefined, 'rogue'],
  ['rogue: a ledger row of another generation of the definition', instance(MIN), row({ generation: 'gen-1' }), DEFINITION, 'rogue'],
  ['rogue wins over stopped', instance(MIN, 'stopped'), row(), undefined, 'rogue'],
  ['an adopted row (no generation) is not rogue', instance(MIN), row({ generation: null }), DEFINITION, null],
  ['zombie: past the lifetime', instance(LIMITS.maxInstanceLifetimeMs + 1), row({ registered: true }), DEFINITION, 'zombie'],
  ['exactly at the lifetime: spared', instance(LIMITS.maxInstanceLifetimeMs), row({ registered: true }), DEFINITION, null],
  ['zombie even without a ledger row', instance(LIMITS.maxInstanceLifetimeMs + 1), undefined, DEFINITION, 'zombie'],
  ['unregistered: past the registration timeout', instance(LIMITS.registrationTimeoutMs + 1), row(), DEFINITION, 'unregistered'],
  ['exactly at the registration timeout: spared', instance(LIMITS.registrationTimeoutMs), row(), DEFINITION, null],
  ['registered, past the registration timeout: never unregistered', instance(LIMITS.registrationTimeoutMs + MIN), row({ registered: true }), DEFINITION, null],
  ['no ledger row, past the registration timeout: not judged unregistered', instance(LIMITS.registrationTimeoutMs + MIN), undefined, DEFINITION, null],
  ['stopped', instance(MIN, 'stopped'), row({ registered: true }), DEFINITION, 'stopped'],
  ['stopped wins over zombie', instance(LIMITS.maxInstanceLifetimeMs + 1, 'stopped'), row(), DEFINITION, 'stopped'],
  ['pending and young: lives on', instance(MIN, 'pending'), row({ state: 'pending' }), DEFINITION, null],
  ['shutting-down is not judged', instance(LIMITS.maxInstanceLifetimeMs + 1, 'shutting-down'), row(), undefined, null],
  ['stopping is not judged', instance(MIN, 'stopping'), row(), undefined, null],
  ['terminated is not judged', instance(MIN, 'terminated'), row(), undefined, null],
];

test.each(cases)('%s', (_, sighted, ledger, definition, expected) => {
  expect(reapReason(sighted, ledger, definition, LIMITS, NOW)).toBe(expected);
});

describe('vanishedRows', () => {
  type VCase = [name: string, ledger: LedgerRow, seen: string[], matched: string[], reason: string | null];
  const vcases: VCase[] = [
    ['vanished: seen before, missing now', row(), [], [], 'gone from EC2'],
    ['vanished keeps the reason it was terminated for', row({ terminationReason: 'zombie' }), [], [], 'zombie'],
    ['seen in this pass', row(), ['i-1'], [], null],
    ['matched by its client token in this pass', row({ instanceId: 'i-old' }), [], ['token-1'], null],
    ['never seen, within the grace', row({ lastSeenAt: null, launchedAt: NOW - NOT_YET_VISIBLE_GRACE_MS }), [], [], null],
    ['never seen, past the grace', row({ lastSeenAt: null, launchedAt: NOW - NOT_YET_VISIBLE_GRACE_MS - 1 }), [], [], 'gone from EC2'],
    ['a reservation within the requested timeout', row({ instanceId: null, state: 'requested', lastSeenAt: null, launchedAt: NOW - LIMITS.requestedTimeoutMs }), [], [], null],
    ['a reservation past the requested timeout', row({ instanceId: null, state: 'requested', lastSeenAt: null, launchedAt: NOW - LIMITS.requestedTimeoutMs - 1 }), [], [], 'launch never appeared in EC2'],
  ];

  test.each(vcases)('%s', (_, ledger, seen, matched, reason) => {
    const expected = reason === null ? [] : [{ clientToken: ledger.clientToken, reason }];
    expect(vanishedRows([ledger], new Set(seen), new Set(matched), LIMITS, NOW)).toStrictEqual(expected);
  });
});
