// `npm run fuzz`: schemathesis against the real API over a full test environment (its own
// database, Temporal dev server, EC2 proxy in front of moto, local Queue), once signed with
// the root credentials and once anonymous. Exits non-zero on any failure, after printing
// schemathesis' report. test/fuzz/schemathesis.test.ts runs the same under jest.
//
// Outside jest it starts what jest's global setup would (PostgreSQL, moto, the temporal
// CLI); inside jest it reuses the services of the run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { amiSetIdParam, tokenParam, workerTypeParam } from '../../src/api/params';
import { ensurePythonTool, projectRoot } from '../../src/dev/python-venv';
import { ROOT_TOKEN, startApiHarness, type ApiHarness } from '../support/api-harness';
import { ADMIN_URL_ENV } from '../support/database';
import { MOTO_URL_ENV } from '../support/global-services';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { amiSetBody, fixtureAmis, workerTypeDefinition } from '../support/fixtures';

/** Pinned: the CLI flags below were checked against `st run --help` of this release. */
export const SCHEMATHESIS_REQUIREMENT = 'schemathesis==4.32.5';

const HOOKS = path.join(__dirname, 'hooks.py');
/** Enables every check and holds the few per-operation exceptions, each with its reason. */
const CONFIG = path.join(__dirname, 'schemathesis.toml');

/**
 * Test cases per operation and phase (the coverage phase derives its own from the schema).
 * On two cores both passes take about a minute with 50, two and a half with 150.
 */
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 50);

/**
 * The anonymous pass checks that every scoped route refuses and that the public ones hold
 * without credentials. The public routes' inputs are explored by the signed pass as well (a
 * signature changes nothing there), and on a scoped route only the URL parameters are read
 * before the refusal (src/api/router.ts), so a few cases per operation say all the anonymous
 * pass can add.
 */
const ANONYMOUS_MAX_EXAMPLES = Math.min(MAX_EXAMPLES, 10);

export interface Credentials { clientId: string; accessToken: string }

export interface FuzzRun {
  name: string;
  /** schemathesis' exit status: 0 when every check passed. */
  code: number;
  /** Its report (stdout and stderr, interleaved). */
  output: string;
  /** Problems the runner found in the server's logs (a signing mismatch would hide behind 401s). */
  problems: string[];
  /** Responses per route and status, from the server's request log: what the pass reached. */
  statuses: string;
}

export interface FuzzOptions {
  /** Receives schemathesis' output as it comes; default: dropped (it is in the result). */
  onOutput?: (chunk: string) => void;
}

export function ensureSchemathesis(): Promise<string> {
  return ensurePythonTool({ venv: 'fuzz-venv', requirements: [SCHEMATHESIS_REQUIREMENT], executable: 'st' });
}

function schemathesisArgs(apiUrl: string, maxExamples: number): string[] {
  const seed = process.env.FUZZ_SEED;
  return [
    '--config-file', CONFIG,
    'run', `${apiUrl}/v1/openapi.json`,
    // The document names the configured PUBLIC_URL; the harness listens on an ephemeral port.
    '--url', `${apiUrl}/v1`,
    '--max-examples', String(maxExamples),
    // One worker: with several threads, CPython 3.11's parser (reached through hypothesis'
    // descriptions of strategies) can fail with "AST constructor recursion depth mismatch".
    '--workers', '1',
    '--request-timeout', '30',
    '--generation-database', 'none',
    '--no-color',
    ...(seed ? ['--seed', seed] : []),
  ];
}

function runSchemathesis(st: string, args: string[], env: NodeJS.ProcessEnv, onOutput?: (chunk: string) => void): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(st, args, { cwd: projectRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (data: Buffer): void => {
      const text = data.toString('utf8');
      output += text;
      onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

interface LogLine {
  msg?: string; reason?: string; clientId?: string; status?: number; route?: string;
  err?: { type?: string; message?: string };
}

function parseLogs(lines: string[]): LogLine[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/**
 * What the logs of one run must show. Signed run: some signed requests succeeded, and no
 * well-formed header of a known client failed the MAC or timestamp check (the hooks would
 * be signing wrongly, and every scoped route would only ever answer 401). Both runs: no
 * internal error was logged, whatever status reached the client.
 */
function logProblems(lines: LogLine[], credentials: Credentials | null): string[] {
  const problems: string[] = [];
  const internal = lines.filter((l) => l.msg === 'internal error');
  if (internal.length > 0) {
    const { route, err } = internal[0]!;
    const detail = (err?.message ?? '').split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 400);
    problems.push(`${internal.length} internal errors logged, e.g. in ${route}: ${err?.type ?? 'error'}: ${detail}`);
  }
  if (!credentials) return problems;
  const signed = lines.filter((l) => l.msg === 'request' && l.clientId === credentials.clientId && (l.status ?? 500) < 300);
  if (signed.length === 0) problems.push(`no request signed as ${credentials.clientId} succeeded`);
  const badMacs = lines.filter((l) => l.msg === 'authentication failed' && l.reason?.startsWith('hawk:'));
  if (badMacs.length > 0) problems.push(`${badMacs.length} signed requests failed verification, e.g. ${badMacs[0]!.reason}`);
  return problems;
}

/**
 * Resources under the ids the API document gives as examples, so that schemathesis, which
 * starts from those examples, reaches the success responses of reads, updates and
 * terminate-all, not only their 404s. Reset before each pass: the signed one deletes them.
 */
async function seedExamples(api: ApiHarness): Promise<void> {
  const client = api.provisioner();
  const workerType = workerTypeParam.example;
  const token = tokenParam.example;
  await client.removeWorkerType(workerType);
  await client.createWorkerType(workerType, workerTypeDefinition());
  await client.removeAmiSet(amiSetIdParam.example);
  await client.createAmiSet(amiSetIdParam.example, amiSetBody());
  await client.removeSecret(token);
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  await client.createSecret(token, { workerType, secrets: { fuzz: true }, scopes: [], token, expiration });
}

function statusSummary(lines: LogLine[]): string {
  const counts = new Map<string, Map<number, number>>();
  for (const l of lines.filter((x) => x.msg === 'request')) {
    const byStatus = counts.get(l.route ?? 'unmatched') ?? new Map<number, number>();
    byStatus.set(l.status ?? 0, (byStatus.get(l.status ?? 0) ?? 0) + 1);
    counts.set(l.route ?? 'unmatched', byStatus);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([route, byStatus]) =>
    `  ${route.padEnd(56)} ${[...byStatus.entries()].sort(([a], [b]) => a - b).map(([st, n]) => `${st}×${n}`).join(' ')}`).join('\n');
}

/** Starts the API, runs both passes (signed, anonymous) one after the other, stops the API. */
export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzRun[]> {
  const st = await ensureSchemathesis();
  // A high write limit, so the fuzzer measures behaviour rather than throttling.
  const api = await startApiHarness({ RATE_LIMIT_WRITES_PER_MINUTE: '1000000' });
  const runs: FuzzRun[] = [];
  try {
    const passes: [string, Credentials | null, number][] = [
      ['signed', { clientId: 'root', accessToken: ROOT_TOKEN }, MAX_EXAMPLES],
      ['anonymous', null, ANONYMOUS_MAX_EXAMPLES],
    ];
    for (const [name, credentials, maxExamples] of passes) {
      const env: NodeJS.ProcessEnv = {
        ...process.env, SCHEMATHESIS_HOOKS: HOOKS, PYTHONDONTWRITEBYTECODE: '1',
        FUZZ_HAWK_CLIENT_ID: credentials?.clientId ?? '', FUZZ_HAWK_ACCESS_TOKEN: credentials?.accessToken ?? '',
        // cross_field.py makes generated definitions launchable with these.
        FUZZ_REGION_AMIS: JSON.stringify(Object.fromEntries(api.config.allowedRegions.map((r) => [r, fixtureAmis[r]]))),
      };
      await seedExamples(api);
      const firstLine = api.logs.length;
      options.onOutput?.(`\n=== schemathesis, ${name} ===\n`);
      const { code, output } = await runSchemathesis(st, schemathesisArgs(api.url, maxExamples), env, options.onOutput);
      const lines = parseLogs(api.logs.slice(firstLine));
      const statuses = statusSummary(lines);
      options.onOutput?.(`\nresponses of the ${name} pass, by route:\n${statuses}\n`);
      runs.push({ name, code, output, problems: logProblems(lines, credentials), statuses });
    }
  } finally {
    await api.stop();
  }
  return runs;
}

export function describeFailures(runs: FuzzRun[]): string[] {
  return runs.flatMap((run) => [
    ...(run.code === 0 ? [] : [`${run.name}: schemathesis exited with ${run.code}`]),
    ...run.problems.map((p) => `${run.name}: ${p}`),
  ]);
}

async function main(): Promise<number> {
  const started = Date.now();
  // jest's global setup and teardown, when not running under jest already.
  const ownServices = !process.env[ADMIN_URL_ENV] || !process.env[MOTO_URL_ENV];
  if (ownServices) {
    // Interrupted: at least stop PostgreSQL and moto, which outlive this process otherwise.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void globalTeardown().finally(() => process.exit(130)));
    }
    await globalSetup();
  }
  try {
    const runs = await runFuzz({ onOutput: (chunk) => process.stdout.write(chunk) });
    const failures = describeFailures(runs);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (failures.length > 0) {
      process.stderr.write(`\nfuzz: FAILED after ${seconds} s\n  - ${failures.join('\n  - ')}\n`);
      return 1;
    }
    process.stdout.write(`\nfuzz: ${runs.length} passes, no failures, ${seconds} s\n`);
    return 0;
  } finally {
    if (ownServices) await globalTeardown();
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err) => {
    process.stderr.write(`fuzz: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
