// The one-line summaries (Temporal user metadata) that timers and activities carry, so a
// history in the Temporal UI reads "wait for next iteration", "launch c5.xlarge spot in
// us-west-2a" rather than bare ids, and the region loop's details in Markdown.
//
// User metadata is not compared on replay (test/workflows/replay.test.ts replays histories
// recorded without it), so adding or changing a summary needs no patch.
import type { InventorySummary } from '../activities/inventory';
import type { Offering } from '../src/domain/offerings';
import { offeringText } from './report-details';

/** A duration for people: `30 s`, `5 min`, `2 h`. */
export function humanDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

export const SUMMARY = {
  nextIteration: (ms: number) => `wait for next iteration (${humanDuration(ms)}) or a signal`,
  nextPass: (ms: number) => `wait for next inventory pass (${humanDuration(ms)}) or refreshNow`,
  observe: (workerType: string) => `observe worker type ${workerType}`,
  countPending: (workerType: string) => `count pending tasks of ${workerType}`,
  declare: (workerType: string) => `declare worker type ${workerType} to the Queue`,
  launch: (o: Pick<Offering, 'instanceType' | 'market' | 'zone'>) => `launch ${offeringText(o)}`,
  terminate: (count: number, reason: string) => `terminate ${count} instance(s): ${reason}`,
  terminateAll: (workerType: string, reason: string) => `terminate all instances of ${workerType}: ${reason}`,
  recordIteration: (iteration: number) => `record iteration ${iteration}`,
  recordLoopFailure: (what: string) => `record that ${what} failed`,
  inventory: (region: string) => `inventory of ${region}`,
  spotPrices: (region: string) => `refresh spot prices in ${region}`,
  onDemandPrices: (region: string, onlyMissing: boolean) => `refresh ${onlyMissing ? 'missing ' : ''}on-demand prices in ${region}`,
  recordRegionError: (region: string) => `record the failed inventory of ${region}`,
  listWorkerTypes: () => 'list worker types',
  sweep: (region: string) => `terminate every instance we own in ${region}`,
} as const;

/** The region loop's current details after a pass: a status line, then the pass in Markdown. */
export function describeRegionPass(pass: number, at: string, s: InventorySummary): string {
  const reaped = Object.entries(s.reaped);
  const reapedCount = reaped.reduce((sum, [, n]) => sum + n, 0);
  return [
    `Pass ${pass} at ${at} · seen ${s.seen}, updated ${s.updated}, vanished ${s.vanished}, adopted ${s.adopted}, reaped ${reapedCount}`,
    '',
    `### Inventory of ${s.region}, pass ${pass}`,
    `- Instances seen: ${s.seen}`,
    `- Updated: ${s.updated}`,
    `- Vanished: ${s.vanished}`,
    `- Adopted: ${s.adopted}`,
    `- Reaped: ${reaped.length === 0 ? 'none' : reaped.map(([reason, n]) => `${n} (${reason})`).join(', ')}`,
    ...(s.intervalMs === undefined ? [] : [`- Next pass in about ${humanDuration(s.intervalMs)}`]),
  ].join('\n');
}

/** The region loop's current details after a failed pass. */
export function describeRegionFailure(region: string, pass: number, at: string, error: string): string {
  return [
    `Pass ${pass} failed at ${at}: ${error.length > 120 ? `${error.slice(0, 119)}…` : error}`,
    '',
    `### Inventory of ${region}, pass ${pass}: failed`,
    `- ${error}`,
    '- Trying again next interval.',
  ].join('\n');
}
