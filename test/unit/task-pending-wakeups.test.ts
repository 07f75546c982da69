// The rules of the task-pending wake-ups, on a fake clock: the debouncer (leading and trailing
// signals per window, acknowledgement only after a covering signal, retries with backoff),
// the backoff table, and reading the Queue's routing keys.
import { backoffMs } from '../../src/events/backoff';
import { createDebouncer, type Clock } from '../../src/events/debouncer';
import { taskPendingBinding, taskPendingQueueName, workerTypeOfTaskPending } from '../../src/events/task-pending';

/** Timers that run only when the test moves time forward. */
function fakeClock() {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => { timers.set(++seq, { at: now + ms, fn }); return seq; },
    clearTimeout: (h) => { timers.delete(h as number); },
  };
  /** Moves time forward, running the timers that come due, and lets promises settle. */
  async function advance(ms: number): Promise<void> {
    const end = now + ms;
    for (;;) {
      await flush();
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
    await flush();
  }
  return { clock, advance, pending: () => timers.size };
}

const flush = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

interface Step { at: number; key: string; message: string }

function harness(failFirst = 0) {
  const { clock, advance } = fakeClock();
  const fired: Array<{ at: number; key: string }> = [];
  const released: Array<{ at: number; messages: string[] }> = [];
  let failures = failFirst;
  const debouncer = createDebouncer<string>({
    windowMs: 1_000, clock, retry: { initialBackoffMs: 500, maxBackoffMs: 4_000 }, random: () => 0.5,
    fire: async (key) => {
      fired.push({ at: clock.now(), key });
      if (failures-- > 0) throw new Error('Temporal unavailable');
    },
    release: (messages) => released.push({ at: clock.now(), messages }),
  });
  /** Adds each message at its time, then runs the clock to `until`. */
  async function play(steps: Step[], until: number): Promise<void> {
    for (const s of steps) {
      await advance(s.at - clock.now());
      debouncer.add(s.key, s.message);
    }
    await advance(until - clock.now());
  }
  return { debouncer, fired, released, play };
}

const burst = (key: string, n: number, from: number, every: number): Step[] =>
  Array.from({ length: n }, (_, i) => ({ at: from + i * every, key, message: `${key}-${i}` }));

test.each([
  // what, messages, fire times
  ['one message fires at once', [{ at: 0, key: 'a', message: 'm' }], [0]],
  ['a burst within the window: a leading and one trailing fire', burst('a', 1_000, 0, 0.5), [0, 1_000]],
  ['a steady stream over 3 s: one fire per window', burst('a', 30, 0, 100), [0, 1_000, 2_000, 3_000]],
  ['a message after a quiet window fires at once', [{ at: 0, key: 'a', message: 'x' }, { at: 2_500, key: 'a', message: 'y' }], [0, 2_500]],
])('%s', async (_what, steps, times) => {
  const h = harness();
  await h.play(steps as Step[], 10_000);
  expect(h.fired.map((f) => f.at)).toEqual(times);
  expect(h.released.flatMap((r) => r.messages).sort()).toEqual((steps as Step[]).map((s) => s.message).sort());
  expect(h.debouncer.held()).toBe(0);
});

test('keys are debounced apart', async () => {
  const h = harness();
  await h.play([...burst('a', 5, 0, 10), ...burst('b', 5, 5, 10)].sort((x, y) => x.at - y.at), 5_000);
  expect(h.fired).toEqual([{ at: 0, key: 'a' }, { at: 5, key: 'b' }, { at: 1_000, key: 'a' }, { at: 1_005, key: 'b' }]);
});

test('a message is released only by a fire that started after it arrived', async () => {
  const h = harness();
  await h.play([{ at: 0, key: 'a', message: 'first' }, { at: 300, key: 'a', message: 'second' }], 999);
  expect(h.released).toEqual([{ at: 0, messages: ['first'] }]);
  expect(h.debouncer.held()).toBe(1);
  await h.play([], 1_000);
  expect(h.released).toEqual([{ at: 0, messages: ['first'] }, { at: 1_000, messages: ['second'] }]);
});

test('a failed fire keeps its messages and is retried with backoff until it succeeds', async () => {
  const h = harness(3);
  await h.play([{ at: 0, key: 'a', message: 'm' }], 20_000);
  // Retries after 500, 1,000 and 2,000 ms (each at least a window after the last fire).
  expect(h.fired.map((f) => f.at)).toEqual([0, 1_000, 2_000, 4_000]);
  expect(h.released).toEqual([{ at: 4_000, messages: ['m'] }]);
});

test('stop() cancels the trailing fire and releases nothing more', async () => {
  const h = harness();
  await h.play(burst('a', 3, 0, 10), 100);
  h.debouncer.stop();
  await h.play([], 5_000);
  expect(h.fired.map((f) => f.at)).toEqual([0]);
  expect(h.released.flatMap((r) => r.messages)).toEqual(['a-0']);
});

test.each([
  // failures, random, expected delay (ms)
  [0, 0.5, 500], [1, 0.5, 500], [2, 0.5, 1_000], [3, 0.5, 2_000], [5, 0.5, 8_000], [6, 0.5, 10_000], [40, 0.5, 10_000],
  [1, 0, 400], [1, 1, 600], [40, 1, 12_000],
])('after %i failure(s) with jitter %f the consumer waits %i ms', (failures, random, expected) => {
  expect(backoffMs(failures, { initialBackoffMs: 500, maxBackoffMs: 10_000 }, () => random)).toBe(expected);
});

test.each([
  ['a pending task of ours', 'primary.fN1SbArXTPSVFNUvaOlinQ.0._._.prov-1.builder.tc-gh.fN1SbArXTPSVFNUvaOlinQ._', 'builder'],
  ['CC-free key with more reserved words', 'primary.t.0._._.prov-1.b_2.s.g._.x', 'b_2'],
  ['another provisioner', 'primary.t.0._._.prov-2.builder.s.g._', null],
  ['a route (not the primary key)', 'route.index.prov-1.builder', null],
  ['too few words', 'primary.t.0._._.prov-1.builder', null],
  ['a worker type that is no identifier', 'primary.t.0._._.prov-1.*.s.g._', null],
])('routing key: %s', (_what, key, workerType) => {
  expect(workerTypeOfTaskPending(key, 'prov-1')).toBe(workerType);
});

test('binding and queue name', () => {
  expect(taskPendingBinding('aws-provisioner-v1')).toBe('primary.*.*.*.*.aws-provisioner-v1.#');
  expect(taskPendingQueueName('amqps://aws%2Dprov:secret@pulse.example.com/ci', 'aws-provisioner-v1')).toBe('queue/aws-prov/aws-provisioner-v1/task-pending');
  expect(taskPendingQueueName('amqp://127.0.0.1', 'p')).toBe('queue/guest/p/task-pending');
});
