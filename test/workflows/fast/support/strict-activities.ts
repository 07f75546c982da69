// A strict, typed fake of every activity the workflows call. A test gives the behaviour of
// the activities it expects; anything else is a violation that fails the test:
//   - a call of an activity the test gave no fake for;
//   - a fake that throws anything but a Temporal failure, e.g. a failed `expect` on its
//     arguments (deliberate failures are ApplicationFailures, see `failure`).
// A violation also fails the activity, without retries, so the workflow cannot hide it;
// `assertNoViolations` (called by the harness after each scenario) makes it fail the test.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { Activities } from '../../../../activities';

export type ActivityName = keyof Activities;

/** Behaviour of one activity: same parameters and result as the real one. */
export type Fake<K extends ActivityName> = (...args: Parameters<Activities[K]>) => Awaited<ReturnType<Activities[K]>> | ReturnType<Activities[K]>;
export type Fakes = { [K in ActivityName]?: Fake<K> };

export interface Call<K extends ActivityName = ActivityName> {
  name: K;
  args: Parameters<Activities[K]>;
  attempt: number;
  workflowId: string;
  /** When Temporal scheduled this attempt (epoch ms, workflow time). */
  scheduledAt: number;
  /** What the fake returned, once it has (absent while it runs and when it threw). */
  result?: Awaited<ReturnType<Activities[K]>>;
}

/**
 * Every activity name, so the fake registers them all and reports a call of any of them.
 * `satisfies` makes tsc fail when an activity is added to or removed from activities/.
 */
const ACTIVITY_NAMES = {
  observeWorkerType: true, observeIteration: true, listWorkerTypeNames: true, countPendingTasks: true, launchInstance: true,
  terminateInstances: true, terminateAllOfWorkerType: true, sweepRegion: true, refreshRegion: true,
  recordRegionError: true, refreshSpotPrices: true, refreshOnDemandPrices: true, recordIteration: true, recordLoopFailure: true, declareWorkerType: true,
} as const satisfies Record<ActivityName, true>;

/** A deliberate, non-retryable activity failure (retries would only slow the test down). */
export function failure(message: string, type = 'FakeFailure'): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true });
}

/** A retryable failure whose retry comes after `delayMs` instead of the policy's seconds. */
export function transientFailure(message: string, delayMs = 10): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'FakeTransient', nextRetryDelay: delayMs });
}

export class StrictActivities {
  readonly log: Call[] = [];
  readonly violations: string[] = [];

  constructor(private readonly fakes: Fakes) {}

  /** The object to register with a Worker. */
  activities(): Activities {
    const entries = (Object.keys(ACTIVITY_NAMES) as ActivityName[]).map((name) => [name, this.wrap(name)]);
    return Object.fromEntries(entries) as Activities;
  }

  calls<K extends ActivityName>(name: K): Call<K>[] {
    return this.log.filter((c): c is Call<K> => c.name === name);
  }

  /**
   * Activity names in call order (retries included), without the Queue declarations: they run
   * beside the passes, in no fixed order relative to them (see calls('declareWorkerType')).
   */
  sequence(): ActivityName[] {
    return this.log.filter((c) => c.name !== 'declareWorkerType').map((c) => c.name);
  }

  assertNoViolations(): void {
    if (this.violations.length > 0) throw new Error(`strict fake activities:\n${this.violations.join('\n')}`);
  }

  private wrap<K extends ActivityName>(name: K): (...args: Parameters<Activities[K]>) => Promise<unknown> {
    return async (...args) => {
      const info = Context.current().info;
      const call: Call<K> = { name, args: structuredClone(args), attempt: info.attempt, workflowId: info.workflowExecution?.workflowId ?? '', scheduledAt: info.scheduledTimestampMs };
      this.log.push(call as unknown as Call);
      const fake = this.fakes[name] as Fake<K> | undefined;
      if (!fake) throw this.violate(`unexpected call: ${name}(${JSON.stringify(args)})`);
      try {
        const result = await fake(...args);
        call.result = structuredClone(result);
        return result;
      } catch (err) {
        if (err instanceof TemporalFailure) throw err;
        throw this.violate(`${name}(${JSON.stringify(args)}): ${err instanceof Error ? err.message : String(err)}`);
      }
    };
  }

  private violate(message: string): ApplicationFailure {
    this.violations.push(message);
    return ApplicationFailure.create({ message, type: 'StrictFakeViolation', nonRetryable: true });
  }
}
