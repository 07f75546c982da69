#!/usr/bin/env node
// Part of `npm run build` (after tsc): bundles the compiled workflows (dist/workflows) into
// dist/workflow-bundle.js, which the built worker loads instead of bundling at every start
// (src/worker/workflow-code.ts). Temporal's recommended production setup.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { bundleWorkflowCode } = require('@temporalio/worker');

// `--dist=<dir>` bundles a build made elsewhere (tsc --outDir <dir>); the default is dist/.
const distArg = process.argv.find((a) => a.startsWith('--dist='));
const dist = distArg ? path.resolve(distArg.slice('--dist='.length)) : path.join(__dirname, '..', 'dist');
const out = path.join(dist, 'workflow-bundle.js');

async function main() {
  const workflowsPath = require.resolve(path.join(dist, 'workflows'));
  const quiet = () => undefined;
  const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) };
  const { code } = await bundleWorkflowCode({ workflowsPath, logger });
  // Renamed into place: a worker starting meanwhile sees the old bundle or the new, never half of one.
  fs.writeFileSync(`${out}.tmp`, code);
  fs.renameSync(`${out}.tmp`, out);
  process.stdout.write(`workflow bundle: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)\n`);
}

main().catch((err) => {
  process.stderr.write(`bundling the workflows failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
