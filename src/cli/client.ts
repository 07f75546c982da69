// Manage API clients (Hawk credentials) in the database: `npm run client -- <command>` in a
// checkout, `node dist/src/cli/client.js <command>` where the service is built (the image).
//   create <clientId> --scope <scope>... [--description <text>] [--expires <ISO date>]
//   list
//   remove <clientId>        exits 1 when there is no such client
//   --help                   prints the usage and exits 0
// Uses DATABASE_URL and SECRETS_KEY; in a dev checkout it falls back to the running dev
// server's embedded database and the key under .data/.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { createPrisma } from '../db/client';
import { ClientExistsError, createClientRepository } from '../db/clients';
import { SecretBox } from '../db/secret-box';
import { devDatabaseUrlFile, withDevSecrets } from '../dev/dev-secrets';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const USAGE = `usage: client <command>   (npm run client -- <command> in a checkout, node dist/src/cli/client.js <command> in the image)
  create <clientId> --scope <scope> [--scope <scope>...] [--description <text>] [--expires <ISO date>]
      creates a client and prints its access token (shown once)
  list
      lists clients: id, scopes, expiry, description
  remove <clientId>
      removes a client; exits 1 when there is none of that id
Uses DATABASE_URL and SECRETS_KEY; without DATABASE_URL, the running dev server's database.`;

function resolveDatabase(): { url: string; key: Buffer } {
  const dev = !process.env.DATABASE_URL;
  let config = loadConfig(process.env, dev ? 'dev' : 'cli');
  if (dev) config = withDevSecrets(config).config;
  const file = devDatabaseUrlFile(config.dataDir);
  const url = config.databaseUrl ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined);
  if (!url) throw new ConfigError(['DATABASE_URL is not set and no dev server is running (start one with `npm run dev`)']);
  return { url, key: config.secretsKey! };
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      scope: { type: 'string', multiple: true }, description: { type: 'string' }, expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] === 'help') {
    out(USAGE);
    return 0;
  }
  const [command, clientId] = positionals;
  if (!command || !['create', 'list', 'remove'].includes(command) || (command !== 'list' && !clientId)) {
    err(USAGE);
    return 2;
  }
  const expires = values.expires ? new Date(values.expires) : null;
  if (expires && Number.isNaN(expires.getTime())) throw new ConfigError([`--expires is not a date: ${values.expires}`]);
  const { url, key } = resolveDatabase();
  const db = createPrisma(url);
  try {
    const clients = createClientRepository(db, new SecretBox(key));
    if (command === 'list') {
      for (const c of await clients.list()) out(`${c.clientId}\t${c.scopes.join(' ')}\t${c.expires ?? 'never'}\t${c.description}`);
    } else if (command === 'remove') {
      if (!(await clients.remove(clientId!))) {
        err(`no client ${clientId}: nothing removed`);
        return 1;
      }
      out(`removed ${clientId}`);
    } else {
      const created = await clients.create(clientId!, values.scope ?? [], values.description ?? '', expires);
      out(JSON.stringify({ clientId: created.clientId, accessToken: created.accessToken, scopes: created.scopes }, null, 2));
      out('Store the accessToken now: it is not shown again.');
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  const known = error instanceof ConfigError || error instanceof ClientExistsError || (error instanceof Error && error.message.startsWith('invalid clientId'));
  err(known ? (error as Error).message : `failed: ${String(error)}`);
  process.exit(1);
});
