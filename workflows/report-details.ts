// What the worker type loop shows as its current details in the Temporal UI (Markdown). The
// first line is always a one-line status, since the UI's frame shows only the first few lines;
// the full report follows. Pure, so tested without a server (test/workflows/report-details.test.ts).
import type { IterationReport } from '../src/domain/iteration-report';
import type { Offering } from '../src/domain/offerings';

/** The worker type's last launch error as the loop carries it (the same rule as the API's, launchErrorChange). */
export interface LastLaunchError { message: string; at: string }

/** Longest error text on the status line, in characters; the full text follows below it. */
const STATUS_ERROR_LENGTH = 120;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

/** What the status line says; `lead` names what is happening or failing right now. */
export interface StatusFacts {
  lead?: string;
  pendingTasks: number | null;
  capacity: IterationReport['capacity'];
  change: number;
  lastLaunchError?: LastLaunchError | null;
}

/**
 * One line: what is happening (if anything), pending tasks, capacity by state, the desired
 * change and the last launch error, e.g.
 * `pending tasks 4 · running 2, pending 1, requested 0 · change +1 · last launch error: …`.
 */
export function statusLine(facts: StatusFacts): string {
  const c = facts.capacity;
  const parts = [
    ...(facts.lead ? [cut(facts.lead, STATUS_ERROR_LENGTH)] : []),
    `pending tasks ${facts.pendingTasks ?? 'unknown'}`,
    `running ${c.running}, pending ${c.pending}, requested ${c.requested}`,
    `change ${signed(facts.change)}`,
  ];
  if (facts.lastLaunchError) parts.push(`last launch error: ${cut(facts.lastLaunchError.message, STATUS_ERROR_LENGTH)}`);
  return parts.join(' · ');
}

/** The status line of a finished iteration, with `lead` when something failed after it. */
function reportStatus(report: IterationReport | null, lastLaunchError?: LastLaunchError | null, lead?: string): string {
  if (!report) return lead ? `${cut(lead, STATUS_ERROR_LENGTH)} · no iteration yet` : 'No iteration yet';
  return statusLine({ lead, pendingTasks: report.pendingTasks, capacity: report.capacity, change: report.change, lastLaunchError });
}

/** The Markdown list of one iteration: what it saw and did. */
function reportBody(report: IterationReport): string[] {
  const c = report.capacity;
  const lines = [
    `### Iteration ${report.iteration} at ${report.at}`,
    `- Pending tasks: ${report.pendingTasks ?? `unknown (${report.queueError ?? 'Queue unavailable'})`}`,
    `- Capacity: running ${c.running}, pending ${c.pending}, requested ${c.requested}; change ${report.change}`,
    `- Launched: ${report.launched.length === 0 ? 'none' : report.launched.map((l) => `${l.instanceId} ${l.instanceType} ${l.market} ${l.zone}`).join(', ')}`,
    `- Terminated: ${report.terminated.length === 0 ? 'none' : report.terminated.map((t) => `${t.instanceId} (${t.reason})`).join(', ')}`,
  ];
  for (const f of report.launchFailures) {
    lines.push(`- Launch failed: ${f.instanceType} ${f.market} ${f.zone}: ${f.code}${f.message === undefined ? '' : `: ${f.message}`}`);
  }
  for (const note of report.notes) lines.push(`- Note: ${note}`);
  return lines;
}

const lastErrorLine = (e: LastLaunchError) => `**Last launch error** (${e.at}): ${e.message}`;

/** The details after an iteration: status line, the report, the last launch error. */
export function describeReport(report: IterationReport | null, lastLaunchError?: LastLaunchError | null): string {
  const lines = [reportStatus(report, lastLaunchError)];
  if (report) lines.push('', ...reportBody(report));
  if (lastLaunchError) lines.push('', lastErrorLine(lastLaunchError));
  return lines.join('\n');
}

/** The details while a step of the loop failed after its retries; the last report follows. */
export function describeFailure(
  what: string, at: string, error: string, report: IterationReport | null, lastLaunchError?: LastLaunchError | null,
): string {
  const lines = [reportStatus(report, lastLaunchError, `${what} failed`), '', `**${what} failed** at ${at}: ${error}`, '', 'Trying again next interval.'];
  if (report) lines.push('', ...reportBody(report));
  if (lastLaunchError) lines.push('', lastErrorLine(lastLaunchError));
  return lines.join('\n');
}

/** Where an offering is launched, as the UI shows it: `c5.xlarge spot in us-west-2a`. */
export const offeringText = (o: Pick<Offering, 'instanceType' | 'market' | 'zone'>) => `${o.instanceType} ${o.market} in ${o.zone}`;

/**
 * The details while a launch round runs (its activities may be retried for minutes). The
 * workflow sees no attempts, only the final outcome: it says what is in flight, and where the
 * UI shows each attempt's last failure.
 */
export function describeLaunching(
  report: IterationReport, round: number, launches: readonly Offering[], lastLaunchError?: LastLaunchError | null,
): string {
  const lead = `launching ${launches.length}${round > 0 ? ` (round ${round + 1})` : ''}`;
  const lines = [
    statusLine({ lead, pendingTasks: report.pendingTasks, capacity: report.capacity, change: report.change, lastLaunchError }),
    '',
    `### Iteration ${report.iteration}: ${lead}`,
    ...launches.map((o) => `- ${offeringText(o)}`),
    ...report.launchFailures.map((f) => `- Failed in an earlier round: ${f.instanceType} ${f.market} ${f.zone}: ${f.code}`),
    '',
    `In flight: ${launches.length} launchInstance activit${launches.length === 1 ? 'y' : 'ies'}. The last failure of an attempt that is being retried shows in the Pending Activities panel below.`,
  ];
  if (lastLaunchError) lines.push('', lastErrorLine(lastLaunchError));
  return lines.join('\n');
}
