// One region inventory pass, decided: which ledger rows a sweep of EC2 updates, which
// instances it adopts, which rows it writes off and which instances it reaps. Pure: the
// inventory activity gathers the sweep, the rows and the definitions, and acts on the plan.
import { ledgerState, type LedgerState } from './capacity-states';
import { workerTypeOf } from './instance-tags';
import {
  reapReason, vanishedRows, type DefinitionFacts, type LedgerRow, type ReapingLimits, type ReapReason,
  type SightedInstance, type VanishedRow,
} from './reaping';
import { capacityOfType } from './worker-type';

export interface InventoryInput {
  provisionerId: string;
  region: string;
  /** Every instance carrying our Owner tag in the region. */
  sightings: readonly SightedInstance[];
  /** The region's ledger rows that are not terminated. */
  rows: readonly LedgerRow[];
  /** Existing definitions by worker type name. */
  definitions: ReadonlyMap<string, DefinitionFacts>;
  limits: ReapingLimits;
  now: number;
}

/**
 * What a sighting writes to its ledger row (its `lastSeen` becomes the time of the pass). Only
 * rows the sighting changes get one, so a pass over a steady region writes no row.
 */
export interface RowSighting { clientToken: string; instanceId: string; zone: string; state: LedgerState }

/** An instance of an existing worker type that has no ledger row: it gets one. */
export interface Adoption {
  clientToken: string; instanceId: string; workerType: string; region: string; zone: string; instanceType: string;
  capacity: number; market: 'spot' | 'on-demand'; state: LedgerState; launchedAt: number;
}

export interface InventoryPlan {
  sightings: RowSighting[];
  adoptions: Adoption[];
  vanished: VanishedRow[];
  /** Instances to terminate, grouped by reason in the order the sweep first met each reason. */
  reap: Array<{ reason: ReapReason; instanceIds: string[] }>;
}

/** EC2's state moves a row on, but never back from `stopping` (we asked for its termination). */
export function nextState(current: LedgerState, ec2State: string): LedgerState {
  const next = ledgerState(ec2State);
  return current === 'stopping' && (next === 'pending' || next === 'running') ? 'stopping' : next;
}

function adoption(s: SightedInstance, region: string, workerType: string, definition: DefinitionFacts): Adoption {
  return {
    clientToken: s.clientToken || `adopted:${s.instanceId}`, instanceId: s.instanceId, workerType, region, zone: s.zone,
    instanceType: s.instanceType, capacity: capacityOfType(definition, s.instanceType),
    market: s.spot ? 'spot' : 'on-demand', state: ledgerState(s.state), launchedAt: Date.parse(s.launchTime),
  };
}

/**
 * What the sighting writes to its row, or null when the row already says it all: a row a pass
 * has seen before, with the same instance id, zone and state. The first sighting is always
 * written (`lastSeen` tells "seen by a pass" from "not visible in EC2 yet", see vanishedRows).
 */
export function sightingOf(row: LedgerRow, s: SightedInstance): RowSighting | null {
  const state = nextState(row.state, s.state);
  const same = row.lastSeenAt !== null && row.instanceId === s.instanceId && row.zone === s.zone && row.state === state;
  return same ? null : { clientToken: row.clientToken, instanceId: s.instanceId, zone: s.zone, state };
}

/** A row matches an instance by its instance id, or else by the ClientToken of its launch. */
function rowMatcher(rows: readonly LedgerRow[]): (s: SightedInstance) => LedgerRow | undefined {
  const byId = new Map(rows.flatMap((r) => (r.instanceId ? [[r.instanceId, r] as const] : [])));
  const byToken = new Map(rows.map((r) => [r.clientToken, r]));
  return (s) => byId.get(s.instanceId) ?? (s.clientToken ? byToken.get(s.clientToken) : undefined);
}

export function planInventoryPass(input: InventoryInput): InventoryPlan {
  const plan: InventoryPlan = { sightings: [], adoptions: [], vanished: [], reap: [] };
  const rowOf = rowMatcher(input.rows);
  const matched = new Set<string>();
  for (const s of input.sightings) {
    const row = rowOf(s);
    const workerType = workerTypeOf(s.tags, input.provisionerId);
    const definition = workerType === null ? undefined : input.definitions.get(workerType);
    if (row) {
      matched.add(row.clientToken);
      const change = sightingOf(row, s);
      if (change) plan.sightings.push(change);
    } else if (s.state !== 'terminated' && workerType !== null && definition) {
      plan.adoptions.push(adoption(s, input.region, workerType, definition));
    }
    const reason = reapReason(s, row, definition, input.limits, input.now);
    if (reason) addReap(plan, reason, s.instanceId);
  }
  const seen = new Set(input.sightings.map((s) => s.instanceId));
  plan.vanished = vanishedRows(input.rows, seen, matched, input.limits, input.now);
  return plan;
}

function addReap(plan: InventoryPlan, reason: ReapReason, instanceId: string): void {
  const group = plan.reap.find((g) => g.reason === reason);
  if (group) group.instanceIds.push(instanceId);
  else plan.reap.push({ reason, instanceIds: [instanceId] });
}
