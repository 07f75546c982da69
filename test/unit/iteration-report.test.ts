// How an iteration changes the worker type's last launch error.
import { launchErrorChange, MAX_LAUNCH_ERROR_LENGTH, type IterationReport } from '../../src/domain/iteration-report';

const AT = '2026-06-01T12:00:00.000Z';
const LAUNCHED = { instanceId: 'i-1', region: 'r', zone: 'z', instanceType: 't', market: 'spot' };
const CAPACITY_FAILURE = { region: 'r', zone: 'z', instanceType: 't', market: 'spot', code: 'InsufficientInstanceCapacity' };

function report(fields: Partial<IterationReport>): IterationReport {
  return {
    workerType: 'wt', iteration: 1, at: AT, pendingTasks: 0, queueError: null, capacity: { running: 0, pending: 0, requested: 0 },
    change: 0, launched: [], launchFailures: [], terminated: [], notes: [], ...fields,
  };
}

test.each<[string, Partial<IterationReport>, ReturnType<typeof launchErrorChange>]>([
  ['nothing launched, nothing failed: kept', {}, null],
  ['a capacity failure (no message): kept', { launchFailures: [CAPACITY_FAILURE] }, null],
  ['a clean launch: cleared', { launched: [LAUNCHED] }, { lastLaunchError: null }],
  ['an invalid request: set, even when another launch succeeded', {
    launched: [LAUNCHED], launchFailures: [CAPACITY_FAILURE, { ...CAPACITY_FAILURE, code: 'InvalidParameterValue', message: 'bad' }],
  }, { lastLaunchError: 'InvalidParameterValue: bad', lastErrorAt: AT }],
])('%s', (_, fields, expected) => {
  expect(launchErrorChange(report(fields))).toStrictEqual(expected);
});

test('a long message is cut', () => {
  const change = launchErrorChange(report({ launchFailures: [{ ...CAPACITY_FAILURE, code: 'X', message: 'm'.repeat(2000) }] }));
  expect(change?.lastLaunchError).toHaveLength(MAX_LAUNCH_ERROR_LENGTH);
});
