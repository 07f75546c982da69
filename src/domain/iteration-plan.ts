// One provisioning decision for one worker type: how much capacity to add or remove, which
// offerings to launch and which instances to terminate, with the reasons. Pure, so the
// workflow can run it deterministically and tests can tabulate it.
import { capacityChange } from './capacity';
import { rankOfferings, selectLaunches, selectLaunchesFirstFit, type Cooldown, type OnDemandQuote, type Offering, type SpotQuote } from './offerings';
import type { PlanningDefinition } from './planning-definition';

import type { LedgerCapacity } from './capacity-states';

/** An instance that has not registered (see capacity-states): the only kind scale-down may terminate. */
export interface UnregisteredInstance { instanceId: string; region: string; capacity: number; price: number; launchedAt: number }

export interface IterationInput {
  definition: PlanningDefinition;
  /** null when the Queue could not be asked: capacity is then kept, never reduced. */
  pendingTasks: number | null;
  capacity: LedgerCapacity;
  unregistered: readonly UnregisteredInstance[];
  allowedRegions: readonly string[];
  zones: Readonly<Record<string, readonly string[]>>;
  spotQuotes: readonly SpotQuote[];
  /** Known on-demand prices per region (src/domain/on-demand-quotes.ts); a type without one is never launched on-demand there. */
  onDemandQuotes: readonly OnDemandQuote[];
  cooldowns: readonly Cooldown[];
  now: number;
  /** Consecutive earlier iterations that found too much capacity. */
  excessStreak: number;
  limits?: { perOffering: number; maxLaunches: number };
  /**
   * true: the exact choice (selectLaunches); absent or false: the first-fit choice of
   * earlier versions, so that iterations recorded with it replay unchanged. The workflow
   * sets it behind a `patched` marker.
   */
  exact?: boolean;
}

export interface Termination { instanceId: string; region: string; reason: string }

export interface IterationPlan {
  change: number;
  launches: Offering[];
  terminations: Termination[];
  excessStreak: number;
  notes: string[];
}

/** Excess must be seen this many iterations in a row before booting instances are cut. */
const EXCESS_ITERATIONS_BEFORE_SCALE_DOWN = 2;

export function planIteration(input: IterationInput): IterationPlan {
  const def = input.definition;
  const minCapacity = def.minCapacity ?? 0;
  const running = input.capacity.running;
  const pending = input.capacity.pending + input.capacity.requested;
  const notes: string[] = [];
  let change: number;
  if (input.pendingTasks === null) {
    change = Math.max(0, minCapacity - running - pending);
    notes.push('Queue unavailable: keeping current capacity (only the minCapacity floor is enforced)');
  } else {
    change = capacityChange({
      runningCapacity: running, pendingCapacity: pending, pendingTasks: input.pendingTasks,
      minCapacity, maxCapacity: def.maxCapacity, scalingRatio: def.scalingRatio,
    });
  }
  if (change > 0) return { ...planGrowth(input, change, def.maxCapacity - running - pending, notes), excessStreak: 0 };
  if (change < 0) return planShrink(input, change, notes);
  return { change, launches: [], terminations: [], excessStreak: 0, notes };
}

function planGrowth(input: IterationInput, change: number, room: number, notes: string[]): Omit<IterationPlan, 'excessStreak'> {
  const ranked = rankOfferings({ ...input, definition: input.definition });
  const select = input.exact === true ? selectLaunches : selectLaunchesFirstFit;
  const { launches, shortfall } = select(ranked, change, Math.max(0, room), input.limits);
  if (ranked.length === 0) notes.push('No eligible offering: no known price within maxPrice, or all cooling down');
  if (shortfall > 0 && ranked.length > 0) notes.push(`${shortfall} capacity not launched this iteration (limits or sizes)`);
  return { change, launches, terminations: [], notes };
}

function planShrink(input: IterationInput, change: number, notes: string[]): IterationPlan {
  const excessStreak = input.excessStreak + 1;
  if (excessStreak < EXCESS_ITERATIONS_BEFORE_SCALE_DOWN) {
    notes.push(`Excess capacity ${-change}: waiting for it to persist before terminating`);
    return { change, launches: [], terminations: [], excessStreak, notes };
  }
  // Most expensive first, then newest: the cheapest and oldest are likeliest to be useful soon.
  const candidates = [...input.unregistered].sort((a, b) => b.price / b.capacity - a.price / a.capacity || b.launchedAt - a.launchedAt);
  const terminations: Termination[] = [];
  let excess = -change;
  for (const instance of candidates) {
    if (instance.capacity > excess) continue;
    terminations.push({ instanceId: instance.instanceId, region: instance.region, reason: 'excess capacity (never registered)' });
    excess -= instance.capacity;
  }
  if (excess > 0) notes.push(`Excess capacity ${excess} left running: registered instances are never terminated for scale-down`);
  return { change, launches: [], terminations, excessStreak, notes };
}
