#!/usr/bin/env node
// `npm test`: installs what is missing, then runs every test with jest, on Node 22 or later
// (Node 24 installed into .tools/ where the machine's own is older: ./supported-node.js).
// jest's global setup starts the services the tests need (PostgreSQL, installed when absent).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { bootstrap, root } = require('./bootstrap');
const { runOnSupportedNode } = require('./supported-node');

runOnSupportedNode(() => {
  bootstrap();
  process.stderr.write(`Running the tests on Node ${process.version} (${process.execPath})\n`);
  const jest = path.join(root, 'node_modules/jest/bin/jest.js');
  const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
});
