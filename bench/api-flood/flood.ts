// The flood: concurrent clients, each rotating through FLOOD_KINDS as fast as the API
// answers, signed as root through taskcluster-client (getLaunchSpecs anonymous, as any
// caller may). Each client has worker types of its own: it updates one (a new description
// each time, so every update is a real write) and re-creates the other with its stored
// definition (an idempotent 200 that still runs every check).
import { FLOOD_KINDS, type FloodKind } from './figures';
import { attemptWith, floodDefinition, workerTypeName, type FloodShape } from './body';
import { callFailure, provisionerClient } from '../support/provisioner-client';
import { bump } from '../support/stats';

export interface FloodPlan {
  url: string;
  rootAccessToken: string;
  clients: number;
  durationMs: number;
  shape: FloodShape;
}

export interface Tally {
  /** 2xx answers per kind. */
  completed: Record<FloodKind, number>;
  /** Other answers, per `<kind> <status>`. */
  statuses: Record<string, number>;
  /** Calls that got no HTTP answer (timeout, reset), per `<kind> <error code>`. */
  noAnswer: Record<string, number>;
}

const namesOf = (client: number) => ({ updated: workerTypeName('flood', client), recreated: workerTypeName('again', client) });

export interface PreparedFlood {
  shape: FloodShape;
  /** The API's first refusal when it had to back off from the planned shape. */
  backedOff?: { from: number; reason: string };
}

/**
 * Creates every client's worker types. While the API refuses the body (a 400: a limit the
 * probe of one instance type cannot meet, such as one on the whole definition), backs off
 * one instance type at a time; returns the shape it accepted.
 */
export async function prepareFlood(plan: FloodPlan): Promise<PreparedFlood> {
  const attempt = attemptWith(provisionerClient(plan.url, plan.rootAccessToken));
  const [first, ...rest] = Array.from({ length: plan.clients }, (_, i) => Object.values(namesOf(i))).flat();
  let shape = plan.shape;
  let backedOff: PreparedFlood['backedOff'];
  for (let refusal = await attempt(first!, floodDefinition(shape)); refusal !== undefined; refusal = await attempt(first!, floodDefinition(shape))) {
    if (shape.instanceTypes === 1) throw new Error(`the API refuses a flood body of one instance type: ${refusal}`);
    backedOff ??= { from: shape.instanceTypes, reason: refusal };
    shape = { ...shape, instanceTypes: shape.instanceTypes - 1 };
  }
  for (const name of rest) {
    const refusal = await attempt(name, floodDefinition(shape));
    if (refusal !== undefined) throw new Error(`${name}: the accepted body was refused: ${refusal}`);
  }
  return { shape, ...(backedOff ? { backedOff } : {}) };
}

async function runClient(index: number, plan: FloodPlan, tally: Tally, endsAt: number): Promise<void> {
  const signed = provisionerClient(plan.url, plan.rootAccessToken);
  const anonymous = provisionerClient(plan.url);
  const names = namesOf(index);
  const stored = floodDefinition(plan.shape);
  let version = 0;
  const calls: Record<FloodKind, () => Promise<unknown>> = {
    createWorkerType: () => signed.createWorkerType(names.recreated, stored),
    updateWorkerType: () => signed.updateWorkerType(names.updated, floodDefinition(plan.shape, ++version)),
    getLaunchSpecs: () => anonymous.getLaunchSpecs(names.updated),
  };
  // Clients start at different kinds, so every kind is in flight at once.
  for (let k = index; Date.now() < endsAt; k++) {
    const kind = FLOOD_KINDS[k % FLOOD_KINDS.length]!;
    try {
      await calls[kind]();
      tally.completed[kind]++;
    } catch (err) {
      const f = callFailure(err);
      if (f.status === undefined) bump(tally.noAnswer, `${kind} ${f.code}`);
      else bump(tally.statuses, `${kind} ${f.status}`);
    }
  }
}

/** Runs the clients for `durationMs`; resolves when the last call in flight is answered. */
export async function flood(plan: FloodPlan): Promise<Tally> {
  const tally: Tally = {
    completed: Object.fromEntries(FLOOD_KINDS.map((k) => [k, 0])) as Record<FloodKind, number>,
    statuses: {}, noAnswer: {},
  };
  const endsAt = Date.now() + plan.durationMs;
  await Promise.all(Array.from({ length: plan.clients }, (_, i) => runClient(i, plan, tally, endsAt)));
  return tally;
}
