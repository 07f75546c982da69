// Which workflow code the worker runs. The built service (`npm run build`, the image) carries
// the bundle made at build time, dist/workflow-bundle.js (scripts/bundle-workflows.js), as
// Temporal recommends for production: a worker start then runs no bundler (which took about
// 3.4 s and 360 MB at every start). Run from the sources (dev mode and tests, through tsx),
// there is no such file next to the code, and the worker bundles workflows/ at start.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowBundleOption } from '@temporalio/worker';

/** Where `npm run build` writes the bundle: dist/workflow-bundle.js, beside dist/src. */
const PREBUILT_BUNDLE_PATH = path.join(__dirname, '../../workflow-bundle.js');

export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '../../workflows'));

export type WorkflowCode = { workflowBundle: WorkflowBundleOption } | { workflowsPath: string };

/** A bundle given by the caller (tests) first, then the prebuilt one, else the sources to bundle at start. */
export function workflowCode(given?: WorkflowBundleOption): WorkflowCode {
  if (given) return { workflowBundle: given };
  if (fs.existsSync(PREBUILT_BUNDLE_PATH)) return { workflowBundle: { codePath: PREBUILT_BUNDLE_PATH } };
  return { workflowsPath: WORKFLOWS_PATH };
}

/** For the start log line: which code, without the caller's bundle contents. */
export function describeWorkflowCode(code: WorkflowCode): string {
  if ('workflowsPath' in code) return `bundled at start from ${code.workflowsPath}`;
  const bundle = code.workflowBundle;
  return 'codePath' in bundle ? `prebuilt bundle ${bundle.codePath}` : 'bundle given in memory';
}
