// Runs Prisma's own schema engine (the logic behind `prisma migrate deploy` and
// `prisma migrate status`) against a database and prints the result as JSON, so tests can
// check that src/db/migrate.ts and Prisma agree about what is applied.
//
// A separate process because the engine's glue code is an ES module that jest's CommonJS
// runtime cannot load.
//
//   tsx test/support/schema-engine-cli.ts diagnose <databaseUrl> [migrationsDir]
//       -> { editedMigrationNames, failedMigrationNames, hasMigrationsTable, history }
//   tsx test/support/schema-engine-cli.ts apply <databaseUrl> [migrationsDir]
//       -> { appliedMigrationNames }
import path from 'node:path';
import { NO_FILTER, openSchemaEngine, readMigrationsList, readSchemaFiles } from '../../scripts/schema-engine';

const root = path.join(__dirname, '..', '..');

async function main(argv: string[]): Promise<unknown> {
  const [command, databaseUrl, migrationsDir = path.join(root, 'prisma/migrations')] = argv;
  if (!databaseUrl || (command !== 'diagnose' && command !== 'apply')) {
    throw new Error('usage: schema-engine-cli <diagnose|apply> <databaseUrl> [migrationsDir]');
  }
  const { engine, close } = await openSchemaEngine(databaseUrl, readSchemaFiles(path.join(root, 'prisma/schema.prisma')));
  try {
    const migrationsList = readMigrationsList(migrationsDir);
    return command === 'apply'
      ? await engine.applyMigrations({ migrationsList, filters: NO_FILTER })
      : await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER });
  } finally {
    await close();
  }
}

// Exits explicitly: the engine leaves a timer of its migration-lock timeout (10 s) behind,
// which would keep the process alive that long after the work is done.
main(process.argv.slice(2)).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)),
  (err: unknown) => process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`, () => process.exit(1)),
);
