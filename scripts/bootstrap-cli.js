#!/usr/bin/env node
// Installs dependencies and generates the Prisma client (what `npm test` does first), on a
// supported Node. `--node-bin-dir`: prints only the folder of that Node (for CI's PATH).
'use strict';
const path = require('node:path');
const { runOnSupportedNode } = require('./supported-node');

runOnSupportedNode(() => {
  if (process.argv.includes('--node-bin-dir')) {
    process.stdout.write(`${path.dirname(process.execPath)}\n`);
    return;
  }
  require('./bootstrap').bootstrap();
});
