// Which instances the region inventory reaps or writes off, decided from one sweep of EC2
// and the ledger. Pure: the inventory activity gathers the inputs and acts on the answer.
import type { LedgerState } from './capacity-states';
import type { InstanceTypeEntry } from './worker-type';

/**
 * EC2 reads are eventually consistent: an instance no describe has shown yet may simply not
 * be visible so soon after RunInstances. Once a pass has seen it, missing means gone.
 */
export const NOT_YET_VISIBLE_GRACE_MS = 3 * 60_000;

/** What one DescribeInstances sweep reports of an instance (src/aws's InstanceSnapshot fits). */
export interface SightedInstance {
  instanceId: string;
  zone: string;
  instanceType: string;
  /** EC2's state name: pending, running, shutting-down, terminated, stopping, stopped. */
  state: string;
  /** ISO 8601 */
  launchTime: string;
  clientToken?: string;
  tags: Readonly<Record<string, string>>;
  spot: boolean;
}

/** A ledger row as the inventory reads it. Times are epoch milliseconds. */
export interface LedgerRow {
  clientToken: string;
  instanceId: string | null;
  workerType: string;
  /** The zone recorded for it (the reserved one until a sighting or the launch tells). */
  zone: string;
  state: LedgerState;
  /** Its secret was claimed or it called instanceStarted (see capacity-states). */
  registered: boolean;
  /** The definition generation it was launched for; null for adopted instances. */
  generation: string | null;
  launchedAt: number;
  /** When an inventory pass last wrote a sighting to it (it changed); null until a pass has seen it. */
  lastSeenAt: number | null;
  terminationReason: string | null;
}

/** What the inventory needs of each existing definition. */
export interface DefinitionFacts { instanceTypes: InstanceTypeEntry[]; generation: string }

export interface ReapingLimits {
  /** Instances older than this (from EC2's launch time) are zombies. */
  maxInstanceLifetimeMs: number;
  /** An unregistered instance older than this (from EC2's launch time) is terminated. */
  registrationTimeoutMs: number;
  /** A reservation EC2 never shows an instance for is given up after this. */
  requestedTimeoutMs: number;
}

export type ReapReason = 'rogue' | 'zombie' | 'unregistered' | 'stopped';

/** A ledger row the sweep shows to be gone, with the termination reason to record. */
export interface VanishedRow { clientToken: string; reason: string }

/**
 * Why an instance must be terminated, or null when it may live on. Only instances EC2 could
 * still bill (pending, running, stopped) are judged. `definition` is that of the worker type
 * its tags name (undefined when none exists); `row` its ledger row, if any. Limits are strict:
 * an instance exactly at the lifetime or the registration timeout is spared.
 */
export function reapReason(
  s: SightedInstance, row: LedgerRow | undefined, definition: DefinitionFacts | undefined, limits: ReapingLimits, now: number,
): ReapReason | null {
  if (s.state !== 'pending' && s.state !== 'running' && s.state !== 'stopped') return null;
  if (!definition) return 'rogue';
  // Launched for an earlier creation of its worker type: it belongs to a definition that was
  // removed, even though one of the same name exists again.
  if (row?.generation && row.generation !== definition.generation) return 'rogue';
  // Our instances are never stopped on purpose; a stopped one only keeps its volumes billing.
  if (s.state === 'stopped') return 'stopped';
  const age = now - Date.parse(s.launchTime);
  if (age > limits.maxInstanceLifetimeMs) return 'zombie';
  // A registered instance (its secret claimed) is never reaped for the registration timeout.
  if (row && !row.registered && age > limits.registrationTimeoutMs) return 'unregistered';
  return null;
}

/**
 * Ledger rows the sweep shows to be gone. A row matched to an instance in this pass
 * (`matched`, by client token) never is; a reservation without an instance is given up after
 * `requestedTimeoutMs`; an instance no pass has seen yet gets NOT_YET_VISIBLE_GRACE_MS.
 */
export function vanishedRows(
  rows: readonly LedgerRow[], seen: ReadonlySet<string>, matched: ReadonlySet<string>, limits: ReapingLimits, now: number,
): VanishedRow[] {
  const gone = rows.filter((r) => {
    const age = now - r.launchedAt;
    if (matched.has(r.clientToken)) return false;
    if (!r.instanceId) return age > limits.requestedTimeoutMs;
    if (seen.has(r.instanceId)) return false;
    return r.lastSeenAt !== null || age > NOT_YET_VISIBLE_GRACE_MS;
  });
  return gone.map((r) => ({
    clientToken: r.clientToken,
    reason: r.terminationReason ?? (r.instanceId ? 'gone from EC2' : 'launch never appeared in EC2'),
  }));
}
