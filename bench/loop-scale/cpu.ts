// CPU time of processes and of the machine, from Linux's /proc: a process's user + system
// time (/proc/<pid>/stat, in clock ticks) and the machine's busy and total time (/proc/stat).
// A share is CPU time over a window / (window × cores): 1 means every core was busy throughout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux almost everywhere). */
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export const CORES = os.availableParallelism();

interface ProcStat { pid: number; comm: string; ppid: number; cpuSeconds: number }

/** Null when the process is gone. */
function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // Fields from the state on: state=0, ppid=1, ..., utime=11, stime=12.
  return {
    pid, comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(fields[1]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
  };
}

/** User + system CPU seconds of the process so far; throws when it is gone. */
export function cpuSeconds(pid: number): number {
  const stat = procStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone: its CPU time cannot be read`);
  return stat.cpuSeconds;
}

/** Pids of the descendants of `root` whose command name is `comm`. */
export function descendantsNamed(root: number, comm: string): number[] {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => procStat(Number(d))).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (child.comm === comm) found.push(child.pid);
      visit(child.pid);
    }
  };
  visit(root);
  return found;
}

/** The machine's busy and total CPU seconds since boot, all cores together. */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is already in user).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
  const idleAll = idle! + iowait!;
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / CLOCK_TICKS, total: (busy + idleAll) / CLOCK_TICKS };
}

/** CPU seconds of each pid (and the machine) at one moment; `since` turns two into shares. */
export interface CpuSample { at: number; pids: number[]; seconds: number[]; machine: { busy: number; total: number } }

export function sampleCpu(pids: number[]): CpuSample {
  return { at: performance.now(), pids, seconds: pids.map(cpuSeconds), machine: machineCpu() };
}

/** Share of the machine each pid used between two samples, and the machine's busy share. */
export function shares(before: CpuSample, after: CpuSample): { pids: number[]; machineBusy: number } {
  const windowS = (after.at - before.at) / 1000;
  return {
    pids: before.seconds.map((s, i) => (after.seconds[i]! - s) / (windowS * CORES)),
    machineBusy: (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total),
  };
}
