// Dev mode only: keys an operator would otherwise have to provide are generated once and
// kept under the git-ignored data folder, so `npm run dev` works on a fresh clone.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseSecretsKey, type Config } from '../config';

function readOrCreate(file: string, make: () => string): { value: string; created: boolean } {
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = make();
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}

/** Returns the config with the root token and secrets key filled in from .data when unset. */
export function withDevSecrets(config: Config): { config: Config; generatedRootToken: boolean } {
  const root = config.rootAccessToken
    ? { value: config.rootAccessToken, created: false }
    : readOrCreate(path.join(config.dataDir, 'root-access-token'), () => randomBytes(32).toString('base64url'));
  const key = config.secretsKey ?? parseSecretsKey(
    readOrCreate(path.join(config.dataDir, 'secrets.key'), () => randomBytes(32).toString('base64')).value,
  );
  if (!key) throw new Error(`${path.join(config.dataDir, 'secrets.key')} does not hold a 32-byte key; delete it to regenerate`);
  return {
    config: { ...config, rootAccessToken: root.value, secretsKey: key },
    generatedRootToken: root.created,
  };
}

/** Where the dev server records the URL of its embedded database, for `npm run client`. */
export const devDatabaseUrlFile = (dataDir: string) => path.join(dataDir, 'database-url');
