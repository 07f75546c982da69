#!/usr/bin/env node
// `npm run dev`: installs what is missing, then runs the service in dev mode (embedded
// PostgreSQL under .data/ unless DATABASE_URL is set; generated root token and keys), on
// Node 22 or later (Node 24 installed into .tools/ where the machine's own is older).
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { bootstrap, root } = require('./bootstrap');
const { runOnSupportedNode } = require('./supported-node');

runOnSupportedNode(() => {
  bootstrap();
  const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
  const child = spawn(process.execPath, [tsx, path.join(root, 'src/main.ts'), 'dev'], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
});
