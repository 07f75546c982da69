// Runs the project's scripts on a supported Node (22 or later; Node 24 LTS preferred). Where
// the machine's own Node is older, Node 24 is installed once from the npm registry (the
// official binary, as the `node-<platform>-<arch>` package) into `.tools/node-<version>/`
// (git-ignored), and the script runs again on it, with its folder first on PATH so that
// everything it starts (npm, jest workers, tsx) runs on it too.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
/** The minimum major version (package.json engines), and the pinned Node 24 LTS release installed where the machine's is older. */
const MIN_MAJOR = 22;
const NODE_VERSION = '24.22.3';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const majorOf = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/** `.tools/node-<version>/.../bin/node`, installed first when missing; throws where no package exists. */
function ensureNode() {
  const pkg = `node-${process.platform}-${process.arch}`;
  if (!['linux', 'darwin'].includes(process.platform)) {
    throw new Error(`Node ${process.versions.node} is too old (the project needs >= ${MIN_MAJOR}); install Node 24 LTS`);
  }
  const dir = path.join(root, '.tools', `node-${NODE_VERSION}`);
  const binary = path.join(dir, 'node_modules', pkg, 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // Installed into a folder of its own and renamed into place: a concurrent run never sees half of it.
  const build = fs.mkdtempSync(`${dir}.build-`);
  process.stderr.write(`Node ${process.versions.node} is older than ${MIN_MAJOR}: installing Node ${NODE_VERSION} (${pkg}) into ${dir}\n`);
  try {
    execFileSync(npm, ['install', '--prefix', build, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `${pkg}@${NODE_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.chmodSync(path.join(build, 'node_modules', pkg, 'bin', 'node'), 0o755);
    try {
      fs.renameSync(build, dir);
    } catch (err) {
      if (!fs.existsSync(binary)) throw err; // another run won the race: use its copy
    }
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
  return binary;
}

/**
 * Calls `main` when this Node is supported; else runs this script again on Node 24 (the
 * same arguments, signals passed on) and exits with its exit code.
 */
function runOnSupportedNode(main) {
  if (majorOf(process.versions.node) >= MIN_MAJOR) return main();
  const node = ensureNode();
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(node, process.argv.slice(1), { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return undefined;
}

module.exports = { runOnSupportedNode, MIN_MAJOR, NODE_VERSION };
