// Turns a burst of messages per key (a worker type) into a few signals: the first message of a
// quiet key fires at once (leading edge); messages that arrive within `windowMs` of the last
// fire are held and covered by one trailing fire at the window's end.
//
// Contract: a message is released (acknowledged) only after a fire of its key that started
// after the message arrived has succeeded, so a released message's demand has been signalled.
// A fire that fails keeps its messages and is retried with capped exponential backoff; a key
// has at most one fire in flight. stop() cancels every timer; held messages are dropped (their
// broker redelivers them to the next channel).
import { backoffMs, type Backoff } from './backoff';

/** The time source and timers the debouncer uses: the real ones, or a test's fake clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DebouncerOptions<M> {
  windowMs: number;
  /** Sends the key's signal; rejects when it was not sent (then retried). */
  fire(key: string): Promise<void>;
  /** The messages a successful fire covers. */
  release(messages: M[]): void;
  /** A fire failed; the next attempt is in `retryInMs`. */
  failed?(key: string, err: unknown, retryInMs: number): void;
  retry: Backoff;
  clock?: Clock;
  random?: () => number;
}

interface KeyState<M> {
  held: M[];
  lastFiredAt: number;
  retryAt: number;
  failures: number;
  inFlight: boolean;
  timer?: unknown;
}

/** Keys kept before idle ones are forgotten: a bound on memory whatever names messages carry. */
const MAX_IDLE_KEYS = 1_000;

export function createDebouncer<M>(opts: DebouncerOptions<M>) {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const keys = new Map<string, KeyState<M>>();
  let stopped = false;

  function schedule(key: string, s: KeyState<M>): void {
    if (stopped || s.inFlight || s.timer !== undefined || s.held.length === 0) return;
    const delay = Math.max(s.lastFiredAt + opts.windowMs, s.retryAt) - clock.now();
    if (delay <= 0) {
      void fireNow(key, s);
      return;
    }
    s.timer = clock.setTimeout(() => { s.timer = undefined; void fireNow(key, s); }, delay);
  }

  async function fireNow(key: string, s: KeyState<M>): Promise<void> {
    if (stopped) return;
    const batch = s.held;
    s.held = [];
    s.inFlight = true;
    s.lastFiredAt = clock.now();
    try {
      await opts.fire(key);
      s.failures = 0;
      s.retryAt = 0;
      if (!stopped) opts.release(batch);
    } catch (err) {
      s.failures += 1;
      const retryInMs = backoffMs(s.failures, opts.retry, opts.random);
      s.retryAt = clock.now() + retryInMs;
      s.held = batch.concat(s.held);
      opts.failed?.(key, err, retryInMs);
    } finally {
      s.inFlight = false;
    }
    schedule(key, s);
  }

  function forgetIdle(): void {
    if (keys.size < MAX_IDLE_KEYS) return;
    const quietSince = clock.now() - opts.windowMs;
    for (const [key, s] of keys) {
      if (s.held.length === 0 && !s.inFlight && s.lastFiredAt <= quietSince) keys.delete(key);
    }
  }

  return {
    /** Holds `message` until a fire of `key` covers it; fires now when the key is quiet. */
    add(key: string, message: M): void {
      if (stopped) return;
      let s = keys.get(key);
      if (!s) {
        forgetIdle();
        s = { held: [], lastFiredAt: -Infinity, retryAt: 0, failures: 0, inFlight: false };
        keys.set(key, s);
      }
      s.held.push(message);
      schedule(key, s);
    },
    /** Messages not yet covered by a successful fire. */
    held(): number {
      let n = 0;
      for (const s of keys.values()) n += s.held.length;
      return n;
    },
    stop(): void {
      stopped = true;
      for (const s of keys.values()) if (s.timer !== undefined) clock.clearTimeout(s.timer);
      keys.clear();
    },
  };
}

export type Debouncer<M> = ReturnType<typeof createDebouncer<M>>;
