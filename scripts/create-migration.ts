// Creates a migration from the difference between prisma/migrations and
// prisma/schema.prisma, the way `prisma migrate dev --create-only` does, using the
// WebAssembly schema engine (scripts/schema-engine.ts).
//
//   npm run db:migration -- <name>     writes prisma/migrations/<UTC timestamp>_<name>/migration.sql,
//                                      or says "no changes" when there is nothing to migrate
//   npm run db:migration -- --check    exits 1 when the schema has changes without a migration
//
// Options: --schema <file>, --migrations <dir> (defaults: the project's).
// The engine replays the migrations in a temporary database: on the server named by
// MIGRATION_DATABASE_URL (a user allowed to CREATE DATABASE) or, when that is unset, on
// a throwaway local PostgreSQL started for the run.
import fs from 'node:fs';
import path from 'node:path';
import { startPostgresServer } from '../test/support/postgres-server';
import {
  LOCKFILE_NAME, NO_FILTER, lockfileContent, openSchemaEngine, readMigrationsList, readSchemaFiles,
  type SchemaFile,
} from './schema-engine';

const root = path.join(__dirname, '..');

interface Options {
  mode: 'create' | 'check';
  name: string;
  schemaPath: string;
  migrationsDir: string;
}

const USAGE = 'usage: create-migration <name> | --check  [--schema <file>] [--migrations <dir>]';

export function parseArgs(argv: string[]): Options {
  const options: Options = {
    mode: 'create',
    name: '',
    schemaPath: path.join(root, 'prisma/schema.prisma'),
    migrationsDir: path.join(root, 'prisma/migrations'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--check') options.mode = 'check';
    else if (arg === '--schema') options.schemaPath = path.resolve(argv[++i] ?? '');
    else if (arg === '--migrations') options.migrationsDir = path.resolve(argv[++i] ?? '');
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else options.name = arg;
  }
  if (options.mode === 'create' && !sanitizeName(options.name)) throw new Error(USAGE);
  return options;
}

/** Directory-name safe: letters, digits and underscores, as Prisma's own names are. */
function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
}

/** UTC YYYYMMDDHHMMSS, the prefix that orders Prisma migration directories. */
function timestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The SQL that takes a database from the migrations' end state to the schema, or null. */
async function pendingScript(databaseUrl: string, files: SchemaFile[], migrationsDir: string): Promise<string | null> {
  const session = await openSchemaEngine(databaseUrl, files);
  try {
    const result = await session.engine.diff({
      from: { tag: 'migrations', ...readMigrationsList(migrationsDir) },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // exitCode 2 means "non-empty diff"; 0 means the migrations already match.
    return result.exitCode === 2 ? result.stdout ?? '' : null;
  } finally {
    await session.close();
  }
}

function writeMigration(migrationsDir: string, name: string, script: string): string {
  fs.mkdirSync(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, LOCKFILE_NAME);
  if (!fs.existsSync(lockPath)) fs.writeFileSync(lockPath, lockfileContent('postgresql'));
  const dirName = `${timestamp()}_${sanitizeName(name)}`;
  const dir = path.join(migrationsDir, dirName);
  if (fs.existsSync(dir)) throw new Error(`migration directory already exists: ${dir}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'migration.sql'), script);
  return dir;
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const given = process.env.MIGRATION_DATABASE_URL;
  if (given) return fn(given);
  const server = await startPostgresServer();
  try {
    return await fn(server.adminUrl);
  } finally {
    await server.stop();
  }
}

/** Returns the process exit code. */
export async function run(options: Options, out: (line: string) => void): Promise<number> {
  const files = readSchemaFiles(options.schemaPath);
  const script = await withDatabase((url) => pendingScript(url, files, options.migrationsDir));
  if (script === null) {
    out('no changes: the migrations match the schema');
    return 0;
  }
  if (options.mode === 'check') {
    out(`the schema differs from the migrations; create one with \`npm run db:migration -- <name>\`:\n${script}`);
    return 1;
  }
  const dir = writeMigration(options.migrationsDir, options.name, script);
  out(`wrote ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}`);
  return 0;
}

if (require.main === module) {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  Promise.resolve()
    .then(() => run(parseArgs(process.argv.slice(2)), out))
    .then((code) => { process.exitCode = code; })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    });
}
