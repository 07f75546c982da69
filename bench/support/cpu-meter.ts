// CPU time of the process it runs in, per measuring period: what a server child of a
// benchmark reports over IPC, so the figure counts that process alone (never the load
// generator, the database or another server).

/** Microseconds of CPU (user + system) since the previous call, or since the meter was made. */
export function cpuMeter(): () => { userMicros: number; systemMicros: number } {
  let last = process.cpuUsage();
  return () => {
    const delta = process.cpuUsage(last);
    last = process.cpuUsage();
    return { userMicros: delta.user, systemMicros: delta.system };
  };
}
