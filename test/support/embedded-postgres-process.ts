// Serves startEmbeddedPostgres(dataDir) from a child process, for tests.
//
// PGlite loads its parts with dynamic import(), which jest's module sandbox rejects, so
// tests run the server here and connect to it over TCP like any client would.
//
//   child:  tsx test/support/embedded-postgres-process.ts <dataDir>
//           prints {"url": "..."} on one line when ready; stops when stdin closes.
//   parent: startEmbeddedPostgresProcess(dataDir) does all of that.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { startEmbeddedPostgres } from '../../src/dev/embedded-postgres';

export interface EmbeddedPostgresProcess {
  url: string;
  /** Stops the server (flushing the data directory) and waits for the process to exit. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = path.join(__dirname, '..', '..');

export function startEmbeddedPostgresProcess(dataDir: string): Promise<EmbeddedPostgresProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, dataDir], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.stdin.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited early (code ${code})`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      try {
        resolve({ url: (JSON.parse(line) as { url: string }).url, stop });
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function serve(dataDir: string): Promise<void> {
  const server = await startEmbeddedPostgres(dataDir);
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  // stdin closes when the parent asks to stop or dies: never outlive it.
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await server.stop();
}

if (require.main === module) {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: embedded-postgres-process <dataDir>');
  serve(dataDir).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
