// The Temporal CLI, which contains the dev server and the Web UI, for development and tests.
//
// Used from, in this order: `<project>/.tools/bin/temporal`; a `temporal` on PATH of the pinned
// version (./temporal-version.ts); else it is built from source through the Go module proxy
// into `.tools/bin` (git-ignored), because prebuilt downloads are not always reachable. v1.5.1
// is the newest release that `go install module@version` accepts (later tags carry `replace`
// directives); it embeds Temporal server 1.29.1 and needs Go >= 1.25.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../temporal/search-attribute-registration';
import type { SearchAttributeCliType } from '../temporal/search-attributes';
import { startChild } from './child-process';
import { projectRoot } from './local-host';
import { PINNED_TEMPORAL_CLI, TEMPORAL_CLI_PACKAGE, isPinnedTemporalCli } from './temporal-version';

export { projectRoot };


const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;


function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Runs a command to completion; rejects with `spawnError` set when it could not be started at all. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => reject(Object.assign(err, { spawnError: true })));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Builds the CLI into `gobin`; `binary` (its final place) only appears in messages. */
async function goInstall(gobin: string, binary: string): Promise<void> {
  try {
    const code = await run('go', ['install', TEMPORAL_CLI_PACKAGE], { ...process.env, GOBIN: gobin });
    if (code !== 0) throw new Error(`\`go install ${TEMPORAL_CLI_PACKAGE}\` failed with exit code ${code}`);
  } catch (err) {
    if ((err as { spawnError?: boolean }).spawnError && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'The Temporal CLI is built from source and needs Go (>= 1.25), but `go` is not on PATH. ' +
          `Install Go, or put a temporal binary at ${binary}.`,
      );
    }
    throw err;
  }
}

const installs = new Map<string, Promise<string>>();

/** `<command> --version`'s output; undefined when it cannot be run. */
function versionOf(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 10_000 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/**
 * The path of the `temporal` first on `env.PATH` when it is the pinned version; undefined when
 * there is none, or another version (then said on standard error, since it is not used).
 */
export async function temporalOnPath(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const found = (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'temporal')).find(isExecutable);
  if (!found) return undefined;
  const version = await versionOf(found);
  if (version !== undefined && isPinnedTemporalCli(version)) return found;
  process.stderr.write(`Not using ${found} (${version?.trim() ?? 'no version'}): this project pins the temporal CLI ${PINNED_TEMPORAL_CLI.cli} (server ${PINNED_TEMPORAL_CLI.server}).\n`);
  return undefined;
}

/**
 * Returns `<toolsDir>/bin/temporal` when it exists, else a pinned `temporal` on PATH, else
 * builds the first. Concurrent callers (several jest workers) may each build; every build goes
 * to its own directory and is renamed into place, so nobody ever sees a half-written binary.
 */
export function ensureTemporalCli(toolsDir: string = path.join(projectRoot(), '.tools')): Promise<string> {
  const binary = path.join(toolsDir, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
  if (isExecutable(binary)) return Promise.resolve(binary);
  let pending = installs.get(binary);
  if (!pending) {
    pending = temporalOnPath().then((found) => found ?? install(binary)).finally(() => installs.delete(binary));
    installs.set(binary, pending);
  }
  return pending;
}

async function install(binary: string): Promise<string> {
  const binDir = path.dirname(binary);
  fs.mkdirSync(binDir, { recursive: true });
  const buildDir = fs.mkdtempSync(path.join(binDir, '.build-'));
  process.stderr.write(
    `Building the Temporal CLI (${TEMPORAL_CLI_PACKAGE}) into ${binDir}: the first build takes several minutes; ` +
      "later builds reuse Go's module and build caches.\n",
  );
  try {
    await goInstall(buildDir, binary);
    fs.renameSync(path.join(buildDir, path.basename(binary)), binary);
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
  return binary;
}

/** A port the dev server needs is taken; `which` says which of its two. */
export class PortInUseError extends Error {
  constructor(readonly port: number, readonly which: 'frontend' | 'ui') {
    super(`Temporal dev server cannot start: ${HOST}:${port} (its ${which === 'ui' ? 'Web UI' : 'gRPC frontend'}) is already in use`);
    this.name = 'PortInUseError';
  }
}

export interface DevServerOptions {
  /** SQLite file that keeps workflows across restarts (e.g. `.data/temporal.sqlite`); in memory when absent. */
  dbFile?: string;
  /** gRPC frontend port; default 7233, where the CLI and SDKs look by default. */
  port?: number;
  /** Web UI port; default 8233. */
  uiPort?: number;
  /**
   * Custom search attributes of the `default` namespace, e.g. `{ WorkerType: 'Keyword' }`;
   * `{}` starts a server without any, as an operator's cluster may be.
   */
  searchAttributes: Record<string, SearchAttributeCliType>;
  /** Receives the server's log lines (warnings and errors); default: standard error. */
  log?: (line: string) => void;
}

export interface DevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  uiUrl: string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 and resolves once the frontend answers and
 * the `default` namespace has every requested search attribute. Throws with the server's
 * last output when it exits or does not become ready within a minute.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const binary = await ensureTemporalCli();
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--ui-port', String(uiPort)];
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const [name, type] of Object.entries(options.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  // Checked here because a probe of a port someone else holds would take it for the server.
  for (const [p, which] of [[port, 'frontend'], [uiPort, 'ui']] as const) {
    if (await accepts(p)) throw new PortInUseError(p, which);
  }

  const log = options.log ?? ((line) => process.stderr.write(`[temporal] ${line}\n`));
  const child = await startChild({
    name: 'Temporal dev server', command: binary, args, ready: () => accepts(port),
    startupTimeoutMs: STARTUP_TIMEOUT_MS, stopTimeoutMs: STOP_TIMEOUT_MS,
    onLine: (line: string, stream: 'stdout' | 'stderr') => { if (stream === 'stderr') log(line); },
  });
  const address = `${HOST}:${port}`;
  try {
    await prepareNamespace(address, options.searchAttributes);
  } catch (err) {
    await child.stop();
    throw new Error(`Temporal dev server did not start: ${(err as Error).message}\n${child.tail()}`);
  }
  return { address, uiUrl: `http://${HOST}:${uiPort}`, stop: () => child.stop() };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits for the frontend, then registers missing search attributes. The `--search-attribute`
 * flags only take effect when the namespace is first created, so an existing SQLite file made
 * by an older version of the code would otherwise lack newer attributes.
 */
async function prepareNamespace(address: string, wanted: Record<string, SearchAttributeCliType>): Promise<void> {
  // lazy + ensureConnected inside try: a failed connect must not leave a channel retrying.
  // Generous: a server reopening a large SQLite file on a busy machine can take a while to answer.
  const connection = Connection.lazy({ address, connectTimeout: STARTUP_TIMEOUT_MS });
  try {
    await connection.ensureConnected();
    if (Object.keys(wanted).length > 0) await ensureSearchAttributes(connection, 'default', wanted);
  } finally {
    await connection.close();
  }
}
