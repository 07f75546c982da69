// Fakes of the worker type loop's activities for one worker type, checking every argument:
// the worker type name, report shapes, and EC2's ClientToken rule (a token reused with other
// parameters is IdempotentParameterMismatch, so the fake treats it as a violation).
import type { Observation } from '../../../../activities/observe';
import { settleIdleIteration } from '../../../../src/domain/iteration-start';
import type { QueueAnswer } from '../../../../src/domain/observation';
import type { IterationReport } from '../../../../workflows/messages';
import type { WorkerTypeWorkflowInput } from '../../../../workflows/worker-type-workflow';
import { TemporalFailure } from '@temporalio/common';
import type { Call, Fake, Fakes, StrictActivities } from './strict-activities';

/** Cheapest first: us-west-2a (0.10), us-west-2b (0.20), us-east-1a (0.15). */
export function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    definition: {
      minCapacity: 0, maxCapacity: 20, scalingRatio: 0, maxPrice: 0.5, canUseOndemand: false, canUseSpot: true,
      instanceTypes: [{ instanceType: 'c5.xlarge', capacity: 1, utility: 1 }],
      regions: [{ region: 'us-west-2' }, { region: 'us-east-1' }],
      availabilityZones: [],
    },
    capacity: { running: 0, pending: 0, requested: 0 },
    unstarted: [],
    zones: { 'us-west-2': ['us-west-2a', 'us-west-2b'], 'us-east-1': ['us-east-1a'] },
    spotQuotes: [
      { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.1 },
      { region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', price: 0.2 },
      { region: 'us-east-1', zone: 'us-east-1a', instanceType: 'c5.xlarge', price: 0.15 },
    ],
    onDemandQuotes: [],
    ...overrides,
  };
}

/** The loop input's regions, which the worker allows unless an observation's settings say otherwise. */
const LOOP_REGIONS = ['us-west-2'];

export function loopInput(workerType: string, overrides: Partial<WorkerTypeWorkflowInput> = {}): WorkerTypeWorkflowInput {
  return { workerType, intervalMs: 20, allowedRegions: LOOP_REGIONS, cooldownMs: 60_000, ...overrides };
}

export interface LoopBehaviour {
  /** The n-th observation (from 1); default: `observation()` every time. */
  observe?: (n: number) => Observation | null;
  pendingTasks?: number;
  /** Decides each launch attempt; default: launched in the offering's zone. */
  launch?: Fake<'launchInstance'>;
}

/** A fake instance id derived from the ClientToken, as EC2 returns the same instance for a retried token. */
export function instanceIdOf(clientToken: string): string {
  let h = 0;
  for (const ch of clientToken) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `i-${h.toString(16).padStart(8, '0')}`;
}

/**
 * The activities one iteration of `workerType` uses. Terminations and loop failures are
 * not included: scenarios that expect them add their own fakes.
 */
export function loopFakes(workerType: string, behaviour: LoopBehaviour = {}): Fakes {
  const same = (name: string) => {
    if (name !== workerType) throw new Error(`called for worker type ${name}, expected ${workerType}`);
  };
  const offeringsByToken = new Map<string, string>();
  let observations = 0;
  /** The Queue's answer as the real activity gives it. Only a deliberate failure is an answer; anything else (a failed expect) is thrown, a violation. */
  const queueAnswer = async (name: string): Promise<QueueAnswer> => {
    try {
      return { pendingTasks: await fakes.countPendingTasks!(name), queueError: null };
    } catch (err) {
      if (!(err instanceof TemporalFailure)) throw err;
      return { pendingTasks: null, queueError: err.message };
    }
  };
  const fakes: Fakes = {
    // As the real one: the observation and the Queue's answer of the fakes below, looked up at
    // call time (a test may replace them); a deliberate Queue failure becomes the answer's
    // queueError. Asked to settle, an idle iteration is planned with the same pure function and
    // its report is checked by the recordIteration fake, as the real one records it itself
    // (iterationReports finds it in the result).
    observeIteration: async (name, settle) => {
      const found = await fakes.observeWorkerType!(name);
      if (!found) return null;
      const queue = await queueAnswer(name);
      const settled = settle && settleIdleIteration(name, found, queue, settle, found.settings?.allowedRegions ?? LOOP_REGIONS, Date.now());
      if (!settled) return { observation: found, ...queue };
      await fakes.recordIteration!(settled.report);
      return { settled };
    },
    observeWorkerType: (name) => {
      same(name);
      observations++;
      return behaviour.observe ? behaviour.observe(observations) : observation();
    },
    countPendingTasks: (name) => { same(name); return behaviour.pendingTasks ?? 2; },
    launchInstance: (req) => {
      same(req.workerType);
      const offering = JSON.stringify(req.offering);
      const earlier = offeringsByToken.get(req.clientToken);
      if (earlier !== undefined && earlier !== offering) throw new Error(`ClientToken ${req.clientToken} reused for another offering`);
      offeringsByToken.set(req.clientToken, offering);
      if (behaviour.launch) return behaviour.launch(req);
      return { outcome: 'launched', instanceId: instanceIdOf(req.clientToken), zone: req.offering.zone };
    },
    recordIteration: (report: IterationReport) => { same(report.workerType); },
    declareWorkerType: (name) => { same(name); return 'declared'; },
  };
  return fakes;
}

/** The reports recorded so far, in order. */
export function reports(calls: { args: [IterationReport] }[]): IterationReport[] {
  return calls.map((c) => c.args[0]);
}

/**
 * Every iteration's report so far, in order: those the loop recorded (recordIteration) and
 * those of idle iterations the observation settled (observeIteration's result).
 */
export function iterationReports(strict: StrictActivities): IterationReport[] {
  return strict.log.flatMap((c) => {
    if (c.name === 'recordIteration') return [(c as Call<'recordIteration'>).args[0]];
    const result = c.name === 'observeIteration' ? (c as Call<'observeIteration'>).result : undefined;
    return result && 'settled' in result ? [result.settled.report] : [];
  });
}
