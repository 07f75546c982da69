// A throwaway PostgreSQL server for tests: its own data directory under os.tmpdir(),
// listening on 127.0.0.1 on a free port, trust authentication, durability turned off.
//
// Contract: startPostgresServer() resolves once the server accepts connections; stop()
// shuts it down immediately and deletes the data directory; halt() and restart() stop and
// start the same server (same data and port) for outage tests. Nothing outside the temp
// directory is touched except, when PostgreSQL is missing, installing Debian's
// `postgresql` package (root only).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PostgresServer {
  /** Superuser URL of the `postgres` database, e.g. postgresql://postgres@127.0.0.1:5555/postgres */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
  /**
   * Stops the server process, cutting every connection at once (`pg_ctl stop -m fast`), and
   * keeps its data directory for restart(). Not `-m immediate`: with synchronous_commit off
   * (FAST_SETTINGS) that would also lose transactions clients already saw committed.
   */
  halt(): Promise<void>;
  /** Starts a halted server again on the same data directory and port. */
  restart(): Promise<void>;
}

/** Where jest's global setup leaves the server for the teardown (they share one process). */
export const GLOBAL_SERVER_KEY = '__provisionerTestPostgres';

/** The server process refuses to run as root, so as root it runs as this OS user. */
const SERVICE_USER = 'postgres';
const SUPERUSER = 'postgres';

/** Settings that trade crash safety for speed: a crash only loses test data. */
const FAST_SETTINGS = [
  'fsync=off', 'synchronous_commit=off', 'full_page_writes=off',
  'max_connections=200', 'shared_buffers=64MB', 'log_min_messages=warning',
];

const isRoot = (): boolean => process.getuid?.() === 0;

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directory holding initdb, pg_ctl and postgres: PATH first, then Debian's
 * /usr/lib/postgresql/<version>/bin (newest version). Symlinks are resolved so that
 * pg_ctl finds the `postgres` binary beside it.
 */
export function findPostgresBinDir(): string | undefined {
  const fromPath = (process.env.PATH ?? '').split(path.delimiter)
    .filter((dir) => dir && isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'pg_ctl')))
    .map((dir) => path.dirname(fs.realpathSync(path.join(dir, 'initdb'))));
  const debianRoot = '/usr/lib/postgresql';
  const versions = fs.existsSync(debianRoot)
    ? fs.readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a))
    : [];
  const fromDebian = versions.map((v) => path.join(debianRoot, v, 'bin'));
  return [...fromPath, ...fromDebian].find((dir) =>
    ['initdb', 'pg_ctl', 'postgres'].every((bin) => isExecutable(path.join(dir, bin))));
}

/** Finds PostgreSQL, installing Debian's package when it is missing and we are root. */
function ensurePostgresInstalled(log: (msg: string) => void): string {
  const found = findPostgresBinDir();
  if (found) return found;
  if (!isRoot()) {
    throw new Error('PostgreSQL (initdb, pg_ctl) was not found and installing it needs root: '
      + 'install the `postgresql` package, or point the tool at a running server '
      + '(TEST_PG_ADMIN_URL for the tests, MIGRATION_DATABASE_URL for create-migration).');
  }
  log('PostgreSQL not found; installing the Debian package `postgresql`');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { env, stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env, stdio: 'inherit' });
  const installed = findPostgresBinDir();
  if (!installed) throw new Error('installed `postgresql` but still cannot find initdb/pg_ctl');
  return installed;
}

/** Runs a PostgreSQL program, as the service user when we are root. */
function runAsService(program: string, args: string[]): void {
  const [cmd, fullArgs] = isRoot()
    ? ['runuser', ['-u', SERVICE_USER, '--', program, ...args]]
    : [program, args];
  try {
    execFileSync(cmd, fullArgs, { stdio: 'pipe', cwd: os.tmpdir() });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    const output = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim();
    throw new Error(`${path.basename(program)} failed: ${output || e.message}`);
  }
}

/** A port that was free a moment ago (the kernel picks it; a race is possible but rare). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object'
        ? resolve(address.port)
        : reject(new Error('no port assigned'))));
    });
  });
}

function serviceUserId(flag: '-u' | '-g'): number {
  try {
    return Number(execFileSync('id', [flag, SERVICE_USER], { stdio: 'pipe' }).toString().trim());
  } catch {
    throw new Error(`running as root, PostgreSQL must run as the OS user \`${SERVICE_USER}\`, which does not exist`);
  }
}

/** A fresh temp directory, owned by the service user when we are root. */
function makeBaseDir(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioner-pg-'));
  if (isRoot()) fs.chownSync(base, serviceUserId('-u'), serviceUserId('-g'));
  return base;
}

export async function startPostgresServer(
  log: (msg: string) => void = () => undefined,
): Promise<PostgresServer> {
  const binDir = ensurePostgresInstalled(log);
  const base = makeBaseDir();
  const dataDir = path.join(base, 'data');
  runAsService(path.join(binDir, 'initdb'), [
    '-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync',
  ]);
  const port = await startOnFreePort(binDir, base, dataDir);
  log(`PostgreSQL from ${binDir} listening on 127.0.0.1:${port}`);
  let running = true;
  const halt = async (): Promise<void> => {
    if (!running) return;
    runAsService(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    running = false;
  };
  const restart = async (): Promise<void> => {
    if (running) return;
    startOn(binDir, base, dataDir, port);
    running = true;
  };
  const stop = async (): Promise<void> => {
    try {
      if (running) runAsService(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  };
  return { adminUrl: `postgresql://${SUPERUSER}@127.0.0.1:${port}/postgres`, port, dataDir, stop, halt, restart };
}

/** Starts the server on `port`; throws with pg_ctl's output when it does not come up. */
function startOn(binDir: string, base: string, dataDir: string, port: number): void {
  const options = ['-c listen_addresses=127.0.0.1', `-p ${port}`, `-k ${base}`,
    ...FAST_SETTINGS.map((s) => `-c ${s}`)].join(' ');
  runAsService(path.join(binDir, 'pg_ctl'), [
    '-D', dataDir, '-l', path.join(base, 'server.log'), '-o', options, '-w', '-t', '60', 'start',
  ]);
}

/** Starts the server, retrying with another port if the chosen one was taken meanwhile. */
async function startOnFreePort(binDir: string, base: string, dataDir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    try {
      startOn(binDir, base, dataDir, port);
      return port;
    } catch (err) {
      if (attempt >= 3) {
        const serverLog = fs.readFileSync(path.join(base, 'server.log'), 'utf8');
        throw new Error(`${(err as Error).message}\n${serverLog}`);
      }
    }
  }
}
