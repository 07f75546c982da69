// The one log line per iteration: what the loop saw and decided, in fields a log search can
// filter on, without instance ids or EC2's free-text messages.
import { iterationLogFields } from '../../activities/report';
import type { IterationReport } from '../../src/domain/iteration-report';

const base: IterationReport = {
  workerType: 'builder', iteration: 3, at: '2026-01-01T00:00:00.000Z', pendingTasks: 5, queueError: null,
  capacity: { running: 1, pending: 0, requested: 0 }, change: 4, launched: [], launchFailures: [], terminated: [], notes: [],
};

test.each<[string, Partial<IterationReport>, Record<string, unknown>]>([
  ['nothing to do', { change: 0, pendingTasks: 0 }, { change: 0, pendingTasks: 0, launches: [], launchFailures: [], terminations: {} }],
  ['launches and a failure', {
    launched: [{ instanceId: 'i-0123456789abcdef0', region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot' }],
    launchFailures: [{ region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', market: 'spot', code: 'InvalidAMIID.NotFound', message: 'The image id does not exist' }],
  }, {
    launches: [{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot' }],
    launchFailures: [{ region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', market: 'spot', code: 'InvalidAMIID.NotFound' }],
  }],
  ['scale-down, counted by reason', {
    change: -2, terminated: [{ instanceId: 'i-0aaaaaaaaaaaaaaaa', reason: 'scale-down' }, { instanceId: 'i-0bbbbbbbbbbbbbbbb', reason: 'scale-down' }],
    notes: ['excess capacity for 3 iterations'],
  }, { change: -2, terminations: { 'scale-down': 2 }, notes: ['excess capacity for 3 iterations'] }],
  ['a Queue failure', { pendingTasks: null, queueError: 'the Queue answered 503' }, { pendingTasks: null, queueError: 'the Queue answered 503' }],
])('%s', (_name, overrides, expected) => {
  const fields = iterationLogFields({ ...base, ...overrides });
  expect(fields).toMatchObject({ workerType: 'builder', iteration: 3, capacity: base.capacity, ...expected });
  expect(JSON.stringify(fields)).not.toMatch(/i-0[0-9a-f]{16}|does not exist/);
  if (!overrides.queueError) expect(fields).not.toHaveProperty('queueError');
});
