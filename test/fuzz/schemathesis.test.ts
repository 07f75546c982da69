// `npm run fuzz` inside `npm test`: schemathesis against the real API over a full test
// environment, signed with root credentials and anonymous (test/fuzz/run-fuzz.ts). Fails
// with schemathesis' report of every failure: a 5xx, a response that breaks its documented
// schema or status codes, an auth or method check.
import { describeFailures, runFuzz } from './run-fuzz';

/** Installing schemathesis on a fresh machine, then two passes of a few minutes at most. */
const FUZZ_TIMEOUT_MS = 15 * 60_000;

test('schemathesis finds no failure, signed or anonymous', async () => {
  const runs = await runFuzz();
  const failures = describeFailures(runs);
  if (failures.length > 0) {
    const reports = runs.filter((r) => r.code !== 0).map((r) => `=== ${r.name} ===\n${r.output.slice(-20_000)}`);
    throw new Error(`${failures.join('\n')}\n\n${reports.join('\n\n')}`);
  }
  for (const run of runs) expect(run.statuses).toMatch(/ping\s+200×/);
}, FUZZ_TIMEOUT_MS);
