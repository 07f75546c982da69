// The tests run on a supported Node: scripts/test.js runs them on the machine's own Node when
// it is 22 or later, and on the Node 24 it installs into .tools/ otherwise.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const { MIN_MAJOR, NODE_VERSION } = require('../../scripts/supported-node') as { MIN_MAJOR: number; NODE_VERSION: string };

test('this test runs on Node 22 or later', () => {
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  expect(MIN_MAJOR).toBe(22);
});

test('package.json engines and the pinned Node agree: at least 22, and the pin is a Node 24 LTS release', () => {
  const engines = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines;
  expect(engines).toEqual({ node: `>=${MIN_MAJOR}` });
  expect(NODE_VERSION).toMatch(/^24\.\d+\.\d+$/);
});
