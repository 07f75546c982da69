// describeReport: the Markdown the worker type workflow shows as its current details in the
// Temporal UI. Pure, so tested without a server.
import type { IterationReport } from '../../workflows/messages';
import { describeReport } from '../../workflows/report-details';

function report(overrides: Partial<IterationReport> = {}): IterationReport {
  return {
    workerType: 'builder', iteration: 7, at: '2024-05-01T10:00:00.000Z', pendingTasks: 4, queueError: null,
    capacity: { running: 2, pending: 1, requested: 0 }, change: 1,
    launched: [], launchFailures: [], terminated: [], notes: [],
    ...overrides,
  };
}

/** The Markdown paragraphs (describeReport separates them with blank lines). */
const paragraphs = (text: string) => text.split('\n\n');

test('before the first iteration there is nothing to report', () => {
  expect(describeReport(null)).toBe('No iteration yet.');
});

test('a quiet iteration: number, time, pending tasks, capacity and change, nothing launched or terminated', () => {
  expect(paragraphs(describeReport(report()))).toEqual([
    '**Iteration 7** at 2024-05-01T10:00:00.000Z',
    'Pending tasks: 4',
    'Capacity: running 2, pending 1, requested 0; change 1',
    'Launched: none',
    'Terminated: none',
  ]);
});

test('zero pending tasks is a number, not "unknown"', () => {
  expect(paragraphs(describeReport(report({ pendingTasks: 0 })))[1]).toBe('Pending tasks: 0');
});

test('an unreachable Queue shows its error instead of a count', () => {
  const text = describeReport(report({ pendingTasks: null, queueError: 'connect ECONNREFUSED 127.0.0.1:1' }));
  expect(paragraphs(text)[1]).toBe('Pending tasks: unknown (connect ECONNREFUSED 127.0.0.1:1)');
  expect(paragraphs(describeReport(report({ pendingTasks: null })))[1]).toBe('Pending tasks: unknown (Queue unavailable)');
});

test('launches, terminations, failures and notes are listed in order', () => {
  const text = describeReport(report({
    change: -1,
    launched: [
      { instanceId: 'i-1', region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot' },
      { instanceId: 'i-2', region: 'us-east-1', zone: 'us-east-1b', instanceType: 'c5.2xlarge', market: 'on-demand' },
    ],
    terminated: [{ instanceId: 'i-0', reason: 'excess capacity' }],
    launchFailures: [
      { region: 'us-west-2', zone: 'us-west-2c', instanceType: 'c5.xlarge', market: 'spot', code: 'InsufficientInstanceCapacity' },
    ],
    notes: ['capped at maxCapacity', 'second note'],
  }));
  expect(paragraphs(text)).toEqual([
    '**Iteration 7** at 2024-05-01T10:00:00.000Z',
    'Pending tasks: 4',
    'Capacity: running 2, pending 1, requested 0; change -1',
    'Launched: i-1 c5.xlarge spot us-west-2a, i-2 c5.2xlarge on-demand us-east-1b',
    'Terminated: i-0 (excess capacity)',
    'Launch failures: c5.xlarge spot us-west-2c: InsufficientInstanceCapacity',
    'Note: capped at maxCapacity',
    'Note: second note',
  ]);
});

test('no "Launch failures" paragraph when every launch succeeded', () => {
  expect(describeReport(report())).not.toContain('Launch failures');
});
