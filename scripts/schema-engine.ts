// Prisma's schema engine as WebAssembly, driven through the `pg` driver adapter, for
// where the native engine binary is unavailable. New migrations come from `diff` (from
// the migrations directory to the schema, as a script), which renders the same SQL as
// `prisma migrate dev`; the wasm build's `createMigration` cannot be used because it has
// no way to obtain a shadow database.
//
// Needs a PostgreSQL server on which the given user may CREATE DATABASE: the engine
// replays migrations in a temporary "shadow" database that is dropped afterwards.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import pg from 'pg';

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
const PG_TYPE_CHAR = 18; // PostgreSQL's internal one-byte "char"
const PG_TYPE_TEXT = 25;

type EngineClass = typeof SchemaEngine;
/** The part of the WebAssembly global used here (not in this project's TypeScript libs). */
interface WasmRuntime {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
let engineClass: Promise<EngineClass> | undefined;

/**
 * Loads the wasm module once per process. The package's entry point imports the .wasm
 * file as an ES module, which Node does not support without a flag, so the glue module
 * is imported and the wasm instantiated here instead.
 */
function loadEngineClass(): Promise<EngineClass> {
  engineClass ??= (async () => {
    const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bytes = fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm'));
    const { instance } = await wasmRuntime.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return engineClass;
}

/**
 * adapter-pg maps result columns by type OID and rejects OID 18 ("char"), which the
 * engine's catalogue queries return (e.g. pg_class.relkind). Reporting those columns as
 * text is exact: pg already decodes "char" values as strings.
 */
function reportCharAsText(client: pg.Client): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const retype = (result: unknown): unknown => {
    for (const r of Array.isArray(result) ? result : [result]) {
      for (const field of (r as pg.QueryResult | undefined)?.fields ?? []) {
        if (field.dataTypeID === PG_TYPE_CHAR) field.dataTypeID = PG_TYPE_TEXT;
      }
    }
    return result;
  };
  (client as unknown as { query: unknown }).query = (...args: unknown[]): unknown => {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: unknown) => last(err, err ? res : retype(res));
      return original(...args);
    }
    const ret = original(...args);
    return ret instanceof Promise ? ret.then(retype) : ret;
  };
}

/**
 * Connection settings from a URL as separate fields, so that a copy with another
 * `database` really connects there (see connectToShadowDb). Query parameters such as
 * sslmode are not carried over.
 */
export function poolConfigFromUrl(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
  };
}

/**
 * A driver adapter factory for the engine. It differs from PrismaPg in two ways:
 * "char" columns are accepted (above), and the shadow database is handled here because
 * PrismaPg's own version drops the database while its pool still holds connections
 * (the drop fails) and, built from a connection string, connects the "shadow" pool to
 * the main database.
 */
class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  /** Pools and shadow databases not yet released; the engine does not always dispose. */
  private readonly pending = new Set<() => Promise<void>>();

  constructor(private readonly config: pg.PoolConfig) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.connectTo(this.config);
  }

  private connectTo(config: pg.PoolConfig): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ ...config, max: 2 });
    pool.on('connect', reportCharAsText);
    this.pending.add(async () => {
      if (!pool.ended) await pool.end();
    });
    return new PrismaPg(pool, { disposeExternalPool: true }).connect();
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const admin = new pg.Client(this.config);
    await admin.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const shadow = await this.connectTo({ ...this.config, database: name });
    const disposePool = shadow.dispose.bind(shadow);
    const release = async (): Promise<void> => {
      this.pending.delete(release);
      try {
        await disposePool();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    };
    this.pending.add(release);
    shadow.dispose = release;
    return shadow;
  }

  /** Releases whatever the engine left open; idle connections would keep the process alive. */
  async close(): Promise<void> {
    const releases = [...this.pending];
    this.pending.clear();
    // Shadow databases first: they hold connections of pools also listed here.
    for (const release of releases.reverse()) await release();
  }
}

export interface SchemaFile { path: string; content: string }

export interface SchemaEngineSession {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections. */
  close(): Promise<void>;
}

/** An engine connected to the database at databaseUrl. */
export async function openSchemaEngine(databaseUrl: string, schemaFiles: SchemaFile[]): Promise<SchemaEngineSession> {
  const Engine = await loadEngineClass();
  const factory = new MigrationAdapterFactory(poolConfigFromUrl(databaseUrl));
  const log = process.env.SCHEMA_ENGINE_DEBUG
    ? (line: string) => process.stderr.write(`${line}\n`)
    : () => undefined;
  const datamodels = schemaFiles.map((f): [string, string] => [f.path, f.content]);
  try {
    const engine = await Engine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(factory));
    return {
      engine,
      close: async () => {
        engine.free();
        await factory.close();
      },
    };
  } catch (err) {
    await factory.close();
    throw err;
  }
}

export function readSchemaFiles(schemaPath: string): SchemaFile[] {
  return [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }];
}

export const LOCKFILE_NAME = 'migration_lock.toml';

/**
 * The migrations directory in the shape the engine expects (sorted by directory name).
 * A missing lock file reads as PostgreSQL's: the engine needs one to pick a connector,
 * and this project has no other provider.
 */
export function readMigrationsList(baseDir: string): MigrationList {
  const lockPath = path.join(baseDir, LOCKFILE_NAME);
  const lockContent = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null;
  const dirs = fs.existsSync(baseDir)
    ? fs.readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir,
    lockfile: { path: LOCKFILE_NAME, content: lockContent ?? lockfileContent('postgresql') },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((dir) => {
      const file = path.join(baseDir, dir, 'migration.sql');
      const content = fs.existsSync(file)
        ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') }
        : { tag: 'error' as const, value: `missing ${file}` };
      return { path: dir, migrationFile: { path: 'migration.sql', content } };
    }),
  };
}

/** The lock file `prisma migrate dev` writes, so the native CLI accepts the directory. */
export function lockfileContent(provider: string): string {
  return '# Please do not edit this file manually\n'
    + '# It should be added in your version-control system (e.g., Git)\n'
    + `provider = "${provider}"\n`;
}
