// The output of a benchmark. A figure is one line `<name>: <value>  (<detail>)`; its name
// never changes (the smoke test and readers look for it), its value is a ratio or a count
// against a reference measured in the same run of the same process, never a bare timing.
// Notes (`# ...`) say how the run was set up.

export function figure(name: string, value: string | number, detail?: string): void {
  process.stdout.write(`${name}: ${value}${detail ? `  (${detail})` : ''}\n`);
}

export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

/** `a / b` with two decimals; `n/a` when the reference is zero or missing. */
export function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) : 'n/a';
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** `a=1, b=2` of a count table, or `none` when it is empty. */
export function counts(table: Record<string, number>): string {
  const entries = Object.entries(table).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k}=${n}`).join(', ');
}
