// The history's stored text and the publisher's retry delays: pure rules, table-driven.
import { HISTORY_LIMIT, MAX_HISTORY_MESSAGE, historyMessage } from '../../src/domain/history';
import { DEFAULT_PUBLISHER_TIMING, backoffMs } from '../../src/events/publisher';
import { messageFor, routingKeyFor } from '../../src/events/exchanges';

test.each([
  ['short text is kept', 'InsufficientInstanceCapacity', 'InsufficientInstanceCapacity'],
  ['text at the limit is kept', 'x'.repeat(MAX_HISTORY_MESSAGE), 'x'.repeat(MAX_HISTORY_MESSAGE)],
  ['longer text is cut to the limit', 'y'.repeat(MAX_HISTORY_MESSAGE + 50), `${'y'.repeat(MAX_HISTORY_MESSAGE - 1)}…`],
])('history message: %s', (_what, input, expected) => {
  expect(historyMessage(input)).toBe(expected);
  expect(historyMessage(input).length).toBeLessThanOrEqual(MAX_HISTORY_MESSAGE);
});

test('the documented bound', () => {
  expect(HISTORY_LIMIT).toBe(100);
});

test.each([
  // failures, random, expected delay (ms)
  [1, 0.5, 500], [2, 0.5, 1_000], [3, 0.5, 2_000], [6, 0.5, 15_000], [50, 0.5, 15_000],
  [1, 0, 400], [1, 1, 600], [50, 1, 18_000],
])('after %i failure(s) with jitter %f the publisher waits %i ms', (failures, random, expected) => {
  expect(backoffMs(failures, DEFAULT_PUBLISHER_TIMING, () => random)).toBe(expected);
});

test.each([
  ['gecko-t-linux', 'primary.gecko-t-linux._'],
  ['a', 'primary.a._'],
  ['x'.repeat(38), `primary.${'x'.repeat(38)}._`],
])('routing key of %s', (workerType, key) => {
  expect(routingKeyFor(workerType)).toBe(key);
  expect(messageFor(workerType)).toEqual({ workerType, version: 1 });
});

test.each(['', 'has.dot', 'x'.repeat(39), 'spaces no'])('%j is never published: it fails the message schema', (workerType) => {
  expect(() => messageFor(workerType)).toThrow(/does not match its schema/);
});
