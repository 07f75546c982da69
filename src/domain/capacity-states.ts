// How the ledger's instances count as capacity. One home for the rule: the ledger queries,
// `state`, summaries and the iteration plan all classify instances with `capacityStateOf`.
//
//   requested  the launch was sent; EC2 has not shown an instance for it yet
//   pending    EC2 has the instance (pending or running) and its secret is not claimed yet:
//              the worker is booting, and will take some of the pending tasks
//   running    its secret was claimed with getSecret (what every real worker does) or it
//              called instanceStarted, and EC2 still has it: the worker is up and busy
//
// Stopping and terminated instances hold no capacity.

/** The ledger's instance states (the same strings in the database, the API and workflows). */
export type LedgerState = 'requested' | 'pending' | 'running' | 'stopping' | 'terminated';

export type CapacityState = 'requested' | 'pending' | 'running';

/** Maps an EC2 state name onto the ledger's states. */
export function ledgerState(ec2State: string): LedgerState {
  if (ec2State === 'pending') return 'pending';
  if (ec2State === 'running') return 'running';
  if (ec2State === 'terminated') return 'terminated';
  return 'stopping';
}

/** Capacity units per capacity state. */
export interface LedgerCapacity { running: number; pending: number; requested: number }

export const NO_CAPACITY: LedgerCapacity = Object.freeze({ running: 0, pending: 0, requested: 0 });

/** How a registration was recorded: real workers claim their secret; instanceStarted is the original's check-in. */
export type RegistrationSource = 'getSecret' | 'instanceStarted';

export interface InstanceStanding {
  state: LedgerState;
  /** Whether the instance registered (getSecret or instanceStarted). */
  registered: boolean;
}

/** The capacity state of an instance, or null when it holds no capacity. */
export function capacityStateOf(i: InstanceStanding): CapacityState | null {
  if (i.state === 'stopping' || i.state === 'terminated') return null;
  if (i.registered) return 'running';
  return i.state === 'requested' ? 'requested' : 'pending';
}

/** Adds `capacity` units of instances in `standing` to a running total (which is not modified). */
export function addCapacity(total: LedgerCapacity, standing: InstanceStanding, capacity: number): LedgerCapacity {
  const state = capacityStateOf(standing);
  return state === null ? total : { ...total, [state]: total[state] + capacity };
}

/** Scale-down and the registration timeout may only touch instances that have not registered. */
export function mayScaleDown(i: InstanceStanding): boolean {
  return !i.registered && (i.state === 'pending' || i.state === 'running');
}
