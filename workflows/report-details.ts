// The iteration report as Markdown for the Temporal UI's current details.
import type { IterationReport } from '../src/domain/iteration-report';

export function describeReport(report: IterationReport | null): string {
  if (!report) return 'No iteration yet.';
  const c = report.capacity;
  const lines = [
    `**Iteration ${report.iteration}** at ${report.at}`,
    `Pending tasks: ${report.pendingTasks ?? `unknown (${report.queueError ?? 'Queue unavailable'})`}`,
    `Capacity: running ${c.running}, pending ${c.pending}, requested ${c.requested}; change ${report.change}`,
    `Launched: ${report.launched.length === 0 ? 'none' : report.launched.map((l) => `${l.instanceId} ${l.instanceType} ${l.market} ${l.zone}`).join(', ')}`,
    `Terminated: ${report.terminated.length === 0 ? 'none' : report.terminated.map((t) => `${t.instanceId} (${t.reason})`).join(', ')}`,
  ];
  if (report.launchFailures.length > 0) {
    lines.push(`Launch failures: ${report.launchFailures.map((f) => `${f.instanceType} ${f.market} ${f.zone}: ${f.code}`).join(', ')}`);
  }
  for (const note of report.notes) lines.push(`Note: ${note}`);
  return lines.join('\n\n');
}
