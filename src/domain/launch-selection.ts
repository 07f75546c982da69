// The exact choice of launches for one iteration. Pure and deterministic (no randomness, no
// clock): the workflow runs it at every iteration and must get the same answer on replay.
//
// The optimisation, over multisets S of the ranked offerings (each taken at most
// `perOffering` times, |S| <= `maxLaunches`, total capacity cap(S) <= `room`), lexicographically:
//   1. coverage: min(cap(S), need) as large as the offerings and limits allow;
//   2. no superfluous launch: when S covers the need, removing any one launch would uncover
//      part of it, i.e. cap(S) < need + the smallest capacity in S (so also cap(S) < need +
//      the largest); when the need cannot be covered, cap(S) is the largest reachable total;
//   3. the least hourly price per utility unit of the whole set, sum(price) / sum(utility);
//   4. ties (ratios within TOLERANCE): the least total capacity, then the fewest launches,
//      then, for instances of one size, the offerings ranked first (rankOfferings' order).
//
// Algorithm: Dinkelbach's method for the ratio. For a trial ratio L, an exact bounded
// knapsack DP minimises sum(price - L x utility) over the feasible sets; L is then replaced
// by the ratio of the set found, until no set is below zero (then L is the optimum). Inside
// the DP, offerings of one capacity differ only in their cost, so taking j of them means
// the j cheapest copies: the DP runs over the G distinct capacities (largest first) on a
// table of (total capacity t <= T, launch count n <= N), with T = min(room, need + largest
// capacity - 1, N x largest capacity), all divided by the capacities' gcd. The table after
// the groups of capacity >= m holds exactly the sets whose smallest launch is >= m, so the
// superfluity bound is read group by group in the same pass. The count dimension is dropped
// when N >= T (every launch adds at least 1), and cells with n outside [t / largest, t] are
// never visited. Work per round: O(T x N x sum over groups of J), J <= min(N, copies,
// T / capacity). Dinkelbach converges superlinearly: 3 or 4 rounds in all, at most
// MAX_ROUNDS + 1. Measured on a shared 2-core machine: 100 offerings, need 300, N = 50 and
// 4 to 10 distinct capacities take 20 to 50 ms per call; the bench's realistic instances
// about 2 ms on average. selectLaunches checks one round's steps against EXACT_WORK_LIMIT.
import type { Offering } from './offerings';

export interface LaunchLimits { perOffering: number; maxLaunches: number }

/** Sets whose objective differs by less than this (USD per hour) are tied. */
const TOLERANCE = 1e-9;
/** Dinkelbach's ratio strictly decreases each round, so this only bounds pathological float cases. */
const MAX_ROUNDS = 64;
/**
 * The most steps (table cells x launches considered, summed over groups) of one DP round,
 * about 50 ms here; beyond it selectLaunches falls back to first-fit. 100 offerings, need
 * 300, N = 50 and 4 to 10 distinct capacities take 3 to 7 million.
 */
export const EXACT_WORK_LIMIT = 20_000_000;

interface Group { capacity: number; members: { offering: Offering; rank: number }[] }

interface Problem {
  groups: Group[]; need: number; top: number; nDim: number; countStep: number; copies: number; largest: number;
}

interface Candidate { stage: number; t: number; n: number; value: number }

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Capacities are positive integers (the definition schema); `need` and `room` too. */
function problemOf(ranked: readonly Offering[], need: number, room: number, limits: LaunchLimits): Problem {
  const g = ranked.reduce((acc, o) => gcd(acc, o.capacity), 0);
  const byCapacity = new Map<number, Group>();
  ranked.forEach((offering, rank) => {
    const capacity = offering.capacity / g;
    const group = byCapacity.get(capacity) ?? { capacity, members: [] };
    group.members.push({ offering, rank });
    byCapacity.set(capacity, group);
  });
  const groups = [...byCapacity.values()].sort((a, b) => b.capacity - a.capacity);
  const scaledNeed = Math.ceil(need / g);
  const largest = groups[0]?.capacity ?? 0;
  const top = Math.max(0, Math.min(Math.floor(room / g), scaledNeed + largest - 1, limits.maxLaunches * largest));
  const trackCount = limits.maxLaunches < top;
  return {
    groups, need: scaledNeed, top, nDim: trackCount ? limits.maxLaunches + 1 : 1, countStep: trackCount ? 1 : 0,
    copies: Math.min(limits.perOffering, limits.maxLaunches), largest,
  };
}

/** The most launches of one group a DP step considers. */
function groupDepth(p: Problem, group: Group): number {
  const byCount = p.nDim === 1 ? Infinity : p.nDim - 1;
  return Math.min(byCount, Math.floor(p.top / group.capacity), group.members.length * p.copies);
}

/** Whether one DP round stays within EXACT_WORK_LIMIT steps for these inputs. */
export function exactSelectionFits(ranked: readonly Offering[], need: number, room: number, limits: LaunchLimits): boolean {
  const p = problemOf(ranked, need, room, limits);
  const cells = (p.top + 1) * p.nDim;
  return p.groups.reduce((steps, g) => steps + cells * groupDepth(p, g), 0) <= EXACT_WORK_LIMIT;
}

/** The cheapest copies of a group at ratio `lambda`, in order: ties go to the offering ranked first. */
function cheapestCopies(group: Group, lambda: number, limit: number, copies: number): { offering: Offering; cost: number }[] {
  const cost = (o: Offering) => o.price - lambda * o.utility;
  const sorted = [...group.members].sort((a, b) => cost(a.offering) - cost(b.offering) || a.rank - b.rank);
  const out: { offering: Offering; cost: number }[] = [];
  for (const { offering } of sorted) {
    for (let k = 0; k < copies && out.length < limit; k++) out.push({ offering, cost: cost(offering) });
  }
  return out;
}

interface Round { value: number; launches: Offering[] }

/** One DP at ratio `lambda`: the feasible set minimising sum(price - lambda x utility), or undefined when none. */
function solveAt(p: Problem, lambda: number): Round | undefined {
  const cells = (p.top + 1) * p.nDim;
  let table = new Float64Array(cells).fill(Infinity);
  table[0] = 0;
  const choices: Uint16Array[] = [];
  const picks: { offering: Offering; cost: number }[][] = [];
  const candidates: Candidate[] = [];
  p.groups.forEach((group, stage) => {
    const copies = cheapestCopies(group, lambda, groupDepth(p, group), p.copies);
    const next = Float64Array.from(table);
    const choice = new Uint16Array(cells);
    let prefix = 0;
    copies.forEach((copy, index) => {
      const j = index + 1;
      prefix += copy.cost;
      const shift = j * group.capacity * p.nDim + j * p.countStep;
      for (let t = j * group.capacity; t <= p.top; t++) {
        // Every launch adds 1 to `largest` capacity units: n lies in [t / largest, t].
        const nHigh = Math.min(p.nDim - 1, t * p.countStep);
        for (let n = Math.max(j, Math.ceil(t / p.largest)) * p.countStep; n <= nHigh; n++) {
          const cell = t * p.nDim + n;
          const value = table[cell - shift]! + prefix;
          if (value < next[cell]!) { next[cell] = value; choice[cell] = j; }
        }
      }
    });
    table = next;
    choices.push(choice);
    picks.push(copies);
    for (let t = p.need; t <= Math.min(p.top, p.need + group.capacity - 1); t++) addCandidates(candidates, table, p, stage, t);
  });
  if (candidates.length === 0) {
    let t = Math.min(p.top, p.need - 1);
    while (t > 0 && !hasFinite(table, p, t)) t--;
    if (t > 0) addCandidates(candidates, table, p, p.groups.length - 1, t);
  }
  const best = preferred(candidates);
  return best && { value: best.value, launches: backtrack(p, choices, picks, best) };
}

function hasFinite(table: Float64Array, p: Problem, t: number): boolean {
  for (let n = 0; n < p.nDim; n++) if (table[t * p.nDim + n]! < Infinity) return true;
  return false;
}

function addCandidates(out: Candidate[], table: Float64Array, p: Problem, stage: number, t: number): void {
  for (let n = 0; n < p.nDim; n++) {
    const value = table[t * p.nDim + n]!;
    if (value < Infinity) out.push({ stage, t, n, value });
  }
}

/** The least value; among values within TOLERANCE of it, the least t, then n, then stage. */
function preferred(candidates: readonly Candidate[]): Candidate | undefined {
  const least = Math.min(...candidates.map((c) => c.value));
  const tied = candidates.filter((c) => c.value <= least + TOLERANCE);
  return tied.sort((a, b) => a.t - b.t || a.n - b.n || a.stage - b.stage)[0];
}

function backtrack(p: Problem, choices: Uint16Array[], picks: { offering: Offering }[][], at: Candidate): Offering[] {
  const launches: Offering[] = [];
  let { t, n } = at;
  for (let stage = at.stage; stage >= 0; stage--) {
    const j = choices[stage]![t * p.nDim + n]!;
    launches.push(...picks[stage]!.slice(0, j).map((c) => c.offering));
    t -= j * p.groups[stage]!.capacity;
    n -= j * p.countStep;
  }
  return launches;
}

const ratioOf = (launches: readonly Offering[]) =>
  launches.reduce((s, o) => s + o.price, 0) / launches.reduce((s, o) => s + o.utility, 0);

/**
 * The optimal launches (see the top of this file), cheapest-ranked first. Empty when nothing
 * is needed, nothing fits or nothing is offered. Callers check exactSelectionFits first.
 */
export function exactLaunches(ranked: readonly Offering[], need: number, room: number, limits: LaunchLimits): Offering[] {
  if (need <= 0 || room <= 0 || ranked.length === 0 || limits.maxLaunches <= 0 || limits.perOffering <= 0) return [];
  const p = problemOf(ranked, need, room, limits);
  const lowest = Math.min(...ranked.map((o) => o.pricePerUtility));
  const first = solveAt(p, lowest);
  if (!first) return [];
  let round: Round = first;
  for (let i = 0; i < MAX_ROUNDS; i++) {
    // At the optimum no set is below zero, and the set found is the tie-broken optimal one.
    const next: Round = solveAt(p, ratioOf(round.launches))!;
    round = next;
    if (next.value >= -TOLERANCE) break;
  }
  const order = new Map(ranked.map((o, i) => [o, i]));
  return [...round.launches].sort((a, b) => order.get(a)! - order.get(b)!);
}
