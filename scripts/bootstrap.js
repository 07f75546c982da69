// Makes a fresh clone runnable: installs npm dependencies when they are missing or older
// than the lock file, and generates the Prisma client when it is missing or stale.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function ensureDependencies() {
  const installed = path.join(root, 'node_modules/.package-lock.json');
  if (mtime(installed) >= mtime(path.join(root, 'package-lock.json'))) return;
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
