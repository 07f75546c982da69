// What the loops show as current details in the Temporal UI: the one-line status first, then
// the report in Markdown; and the summaries of timers and activities. Pure, so tested without
// a server.
import type { IterationReport } from '../../workflows/messages';
import type { Offering } from '../../src/domain/offerings';
import { describeFailure, describeLaunching, describeReport, statusLine, type StatusFacts } from '../../workflows/report-details';
import { describeRegionFailure, describeRegionPass, humanDuration, SUMMARY } from '../../workflows/ui-summaries';

function report(overrides: Partial<IterationReport> = {}): IterationReport {
  return {
    workerType: 'builder', iteration: 7, at: '2024-05-01T10:00:00.000Z', pendingTasks: 4, queueError: null,
    capacity: { running: 2, pending: 1, requested: 0 }, change: 1,
    launched: [], launchFailures: [], terminated: [], notes: [],
    ...overrides,
  };
}

const capacity = { running: 2, pending: 1, requested: 0 };
const LONG = `InvalidParameterValue: ${'x'.repeat(200)}`;

describe('statusLine', () => {
  test.each<[string, StatusFacts, string]>([
    ['a quiet worker type', { pendingTasks: 4, capacity, change: 1 }, 'pending tasks 4 · running 2, pending 1, requested 0 · change +1'],
    ['zero pending, shrinking', { pendingTasks: 0, capacity, change: -2 }, 'pending tasks 0 · running 2, pending 1, requested 0 · change -2'],
    ['no change', { pendingTasks: 0, capacity, change: 0 }, 'pending tasks 0 · running 2, pending 1, requested 0 · change 0'],
    ['an unreachable Queue', { pendingTasks: null, capacity, change: 0 }, 'pending tasks unknown · running 2, pending 1, requested 0 · change 0'],
    ['what is happening leads', { lead: 'launching 2', pendingTasks: 4, capacity, change: 2 }, 'launching 2 · pending tasks 4 · running 2, pending 1, requested 0 · change +2'],
    ['the last launch error ends it',
      { pendingTasks: 4, capacity, change: 1, lastLaunchError: { message: 'InvalidAMIID.NotFound: no such AMI', at: 'T' } },
      'pending tasks 4 · running 2, pending 1, requested 0 · change +1 · last launch error: InvalidAMIID.NotFound: no such AMI'],
    ['a cleared launch error says nothing', { pendingTasks: 4, capacity, change: 1, lastLaunchError: null }, 'pending tasks 4 · running 2, pending 1, requested 0 · change +1'],
    ['a long error is cut to 120 characters',
      { pendingTasks: 4, capacity, change: 1, lastLaunchError: { message: LONG, at: 'T' } },
      `pending tasks 4 · running 2, pending 1, requested 0 · change +1 · last launch error: ${LONG.slice(0, 119)}…`],
  ])('%s', (_name, facts, expected) => {
    const line = statusLine(facts);
    expect(line).toBe(expected);
    expect(line).not.toContain('\n');
  });
});

describe('describeReport', () => {
  test('before the first iteration there is nothing to report', () => {
    expect(describeReport(null)).toBe('No iteration yet');
  });

  test('a quiet iteration: the status line, then the report as a Markdown list', () => {
    expect(describeReport(report()).split('\n')).toEqual([
      'pending tasks 4 · running 2, pending 1, requested 0 · change +1',
      '',
      '### Iteration 7 at 2024-05-01T10:00:00.000Z',
      '- Pending tasks: 4',
      '- Capacity: running 2, pending 1, requested 0; change 1',
      '- Launched: none',
      '- Terminated: none',
    ]);
  });

  test('an unreachable Queue shows its error in the report', () => {
    expect(describeReport(report({ pendingTasks: null, queueError: 'connect ECONNREFUSED 127.0.0.1:1' })))
      .toContain('\n- Pending tasks: unknown (connect ECONNREFUSED 127.0.0.1:1)\n');
    expect(describeReport(report({ pendingTasks: null }))).toContain('\n- Pending tasks: unknown (Queue unavailable)\n');
  });

  test('launches, terminations, failures (with their messages), notes and the last launch error, in order', () => {
    const text = describeReport(report({
      change: -1,
      launched: [
        { instanceId: 'i-1', region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot' },
        { instanceId: 'i-2', region: 'us-east-1', zone: 'us-east-1b', instanceType: 'c5.2xlarge', market: 'on-demand' },
      ],
      terminated: [{ instanceId: 'i-0', reason: 'excess capacity' }],
      launchFailures: [
        { region: 'us-west-2', zone: 'us-west-2c', instanceType: 'c5.xlarge', market: 'spot', code: 'InsufficientInstanceCapacity' },
        { region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', market: 'spot', code: 'InvalidParameterValue', message: 'bad user data' },
      ],
      notes: ['capped at maxCapacity', 'second note'],
    }), { message: 'InvalidParameterValue: bad user data', at: '2024-05-01T10:00:00.000Z' });
    expect(text.split('\n')).toEqual([
      'pending tasks 4 · running 2, pending 1, requested 0 · change -1 · last launch error: InvalidParameterValue: bad user data',
      '',
      '### Iteration 7 at 2024-05-01T10:00:00.000Z',
      '- Pending tasks: 4',
      '- Capacity: running 2, pending 1, requested 0; change -1',
      '- Launched: i-1 c5.xlarge spot us-west-2a, i-2 c5.2xlarge on-demand us-east-1b',
      '- Terminated: i-0 (excess capacity)',
      '- Launch failed: c5.xlarge spot us-west-2c: InsufficientInstanceCapacity',
      '- Launch failed: c5.xlarge spot us-west-2b: InvalidParameterValue: bad user data',
      '- Note: capped at maxCapacity',
      '- Note: second note',
      '',
      '**Last launch error** (2024-05-01T10:00:00.000Z): InvalidParameterValue: bad user data',
    ]);
  });

  test('no launch failure lines when every launch succeeded', () => {
    expect(describeReport(report())).not.toContain('Launch failed');
  });
});

test('a failed step leads the status line, and the last report follows', () => {
  const text = describeFailure('observation', '2024-05-01T10:01:00.000Z', 'database unreachable', report(), { message: 'E: m', at: 'T' });
  const lines = text.split('\n');
  expect(lines[0]).toBe('observation failed · pending tasks 4 · running 2, pending 1, requested 0 · change +1 · last launch error: E: m');
  expect(lines).toContain('**observation failed** at 2024-05-01T10:01:00.000Z: database unreachable');
  expect(lines).toContain('### Iteration 7 at 2024-05-01T10:00:00.000Z');
  expect(describeFailure('observation', 'T', 'down', null).split('\n')[0]).toBe('observation failed · no iteration yet');
});

describe('describeLaunching', () => {
  const offering = (zone: string, instanceType = 'm5.large'): Offering => ({
    region: zone.slice(0, -1), zone, instanceType, market: 'spot', capacity: 1, utility: 1, price: 0.1, pricePerUtility: 0.1, maxHourlyPrice: 0.5,
  });

  test.each([
    { round: 0, launches: [offering('us-west-2a')], lead: 'launching 1', inFlight: 'In flight: 1 launchInstance activity.' },
    { round: 1, launches: [offering('us-west-2a'), offering('us-west-2b', 'c5.xlarge')], lead: 'launching 2 (round 2)', inFlight: 'In flight: 2 launchInstance activities.' },
  ])('round $round: $lead, the offerings, what is in flight and where its retries show', ({ round, launches, lead, inFlight }) => {
    const failures = round === 0 ? [] : [{ region: 'us-west-2', zone: 'us-west-2c', instanceType: 'm5.large', market: 'spot', code: 'InsufficientInstanceCapacity' }];
    const text = describeLaunching(report({ launchFailures: failures }), round, launches, { message: 'InvalidAMIID.Malformed: ami-x', at: '2024-05-01T09:59:00.000Z' });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${lead} · pending tasks 4 · running 2, pending 1, requested 0 · change +1 · last launch error: InvalidAMIID.Malformed: ami-x`);
    expect(lines[2]).toBe(`### Iteration 7: ${lead}`);
    expect(lines).toContain('- m5.large spot in us-west-2a');
    if (launches.length > 1) expect(lines).toContain('- c5.xlarge spot in us-west-2b');
    if (round > 0) expect(lines).toContain('- Failed in an earlier round: m5.large spot us-west-2c: InsufficientInstanceCapacity');
    expect(text).toContain(`${inFlight} The last failure of an attempt that is being retried shows in the Pending Activities panel below.`);
    expect(lines.at(-1)).toBe('**Last launch error** (2024-05-01T09:59:00.000Z): InvalidAMIID.Malformed: ami-x');
  });
});

describe('region details', () => {
  const pass = { region: 'us-west-2', seen: 5, updated: 4, vanished: 1, adopted: 0, reaped: { 'unregistered too long': 2, orphan: 1 }, intervalMs: 60_000 };

  test('a pass: status line, then Markdown (never JSON)', () => {
    const text = describeRegionPass(3, '2024-05-01T10:00:00.000Z', pass);
    expect(text.split('\n')).toEqual([
      'Pass 3 at 2024-05-01T10:00:00.000Z · seen 5, updated 4, vanished 1, adopted 0, reaped 3',
      '',
      '### Inventory of us-west-2, pass 3',
      '- Instances seen: 5',
      '- Updated: 4',
      '- Vanished: 1',
      '- Adopted: 0',
      '- Reaped: 2 (unregistered too long), 1 (orphan)',
      '- Next pass in about 60 s',
    ]);
    expect(describeRegionPass(1, 'T', { ...pass, reaped: {}, intervalMs: undefined })).toContain('- Reaped: none');
    expect(describeRegionPass(1, 'T', { ...pass, intervalMs: undefined })).not.toContain('Next pass');
  });

  test('a failed pass says so on its first line', () => {
    expect(describeRegionFailure('us-west-2', 2, 'T', 'Request limit exceeded.').split('\n')[0]).toBe('Pass 2 failed at T: Request limit exceeded.');
  });
});

describe('summaries', () => {
  test.each([
    [SUMMARY.nextIteration(30_000), 'wait for next iteration (30 s) or a signal'],
    [SUMMARY.nextPass(300_000), 'wait for next inventory pass (5 min) or refreshNow'],
    [SUMMARY.launch({ instanceType: 'm5.large', market: 'spot', zone: 'us-west-2a' }), 'launch m5.large spot in us-west-2a'],
    [SUMMARY.terminate(2, 'excess capacity'), 'terminate 2 instance(s): excess capacity'],
    [SUMMARY.declare('builder'), 'declare worker type builder to the Queue'],
    [SUMMARY.onDemandPrices('us-east-1', true), 'refresh missing on-demand prices in us-east-1'],
    [SUMMARY.onDemandPrices('us-east-1', false), 'refresh on-demand prices in us-east-1'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  test.each([[20, '20 ms'], [1_000, '1 s'], [90_000, '90 s'], [120_000, '2 min'], [7_200_000, '2 h']])('humanDuration(%d) is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
