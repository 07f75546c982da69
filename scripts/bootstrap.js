// Makes a fresh clone runnable: installs npm dependencies when they are missing or differ
// from the lock file, and generates the Prisma client when it is missing or stale.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The packages a lock file names, by path, version and integrity; `required` leaves out the
 * optional ones (other platforms' binaries, which npm does not install here).
 */
function lockedPackages(lockFile, { required }) {
  let packages;
  try {
    ({ packages = {} } = JSON.parse(fs.readFileSync(lockFile, 'utf8')));
  } catch {
    return undefined; // missing, or cut short by an install that was interrupted
  }
  return new Set(Object.entries(packages)
    .filter(([at, entry]) => at !== '' && !entry.extraneous && !(required && entry.optional))
    .map(([at, entry]) => `${at}@${entry.version ?? entry.resolved}#${entry.integrity ?? ''}`));
}

/**
 * Installs with `npm ci` only when what is installed (node_modules/.package-lock.json, which
 * npm writes) is not what package-lock.json names: a checkout or rebase rewrites the lock
 * file's time but not its content, and must not trigger a reinstall.
 */
function ensureDependencies() {
  const lock = path.join(root, 'package-lock.json');
  const installed = lockedPackages(path.join(root, 'node_modules/.package-lock.json'), { required: false });
  const named = lockedPackages(lock, { required: false });
  const required = lockedPackages(lock, { required: true });
  const current = installed !== undefined && named !== undefined && required !== undefined
    && [...required].every((p) => installed.has(p))
    && [...installed].every((p) => named.has(p));
  if (current) return;
  process.stdout.write('Installing npm dependencies (npm ci)...\n');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function ensurePrismaClient() {
  const generated = path.join(root, 'src/generated/prisma/client.ts');
  if (mtime(generated) >= mtime(path.join(root, 'prisma/schema.prisma'))) return;
  execFileSync(process.execPath, [path.join(__dirname, 'prisma-generate.js')], { cwd: root, stdio: 'inherit' });
}

function bootstrap() {
  ensureDependencies();
  ensurePrismaClient();
}

module.exports = { bootstrap, root };
