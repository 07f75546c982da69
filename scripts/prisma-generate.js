#!/usr/bin/env node
// Generates the Prisma client into src/generated/prisma.
// `prisma generate` does not use the native schema engine, but the CLI insists that
// one exists; where it cannot be downloaded we point it at a harmless executable.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
execFileSync(process.execPath, [
  path.join(root, 'node_modules/prisma/build/index.js'), 'generate',
  '--config', path.join(root, 'prisma/prisma.config.ts'),
], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
