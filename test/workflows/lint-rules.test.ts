// The layout rules of eslint.config.mjs, checked on source text placed as if it were a file of
// each layer: what a layer must not import fails lint, what it may import passes. ESLint loads
// its config with a dynamic import(), which jest's module sandbox refuses, so the linting runs
// in a plain Node child process with the project's own config (`new ESLint()`, no overrides).
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../support/run-tsx';

interface LintCase { filePath: string; code: string }
interface LintMessage { ruleId: string | null; severity: number; line: number; message: string }

const LINT_SCRIPT = `
const { ESLint } = require('eslint');
(async () => {
  const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint();
  const results = [];
  for (const c of cases) {
    const [r] = await eslint.lintText(c.code, { filePath: c.filePath, warnIgnored: true });
    results.push(r.messages.map((m) => ({ ruleId: m.ruleId, severity: m.severity, line: m.line, message: m.message })));
  }
  process.stdout.write(JSON.stringify(results));
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

function lintAll(cases: LintCase[]): Promise<LintMessage[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LINT_SCRIPT], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`eslint child exited ${code}: ${err}`))));
    child.stdin.end(JSON.stringify(cases));
  });
}

const IMPORT_RULE = '@typescript-eslint/no-restricted-imports';
const GLOBAL_RULE = 'no-restricted-globals';
const REQUIRE_RULE = '@typescript-eslint/no-require-imports';

/** [file, code, the rule that must report an error on line 1] */
const mustFail: [string, string, string][] = [
  ['workflows/x.ts', "import fs from 'node:fs';\nexport const a = fs;", IMPORT_RULE],
  ['workflows/x.ts', "import { readFile } from 'fs/promises';\nexport const a = readFile;", IMPORT_RULE],
  ['workflows/x.ts', "import { EventEmitter } from 'node:events';\nexport const a = EventEmitter;", IMPORT_RULE],
  ['workflows/x.ts', "const fs = require('fs');\nexport const a = fs;", REQUIRE_RULE],
  ['workflows/x.ts', "import { PrismaClient } from '@prisma/client';\nexport const a = PrismaClient;", IMPORT_RULE],
  ['workflows/x.ts', "import { EC2Client } from '@aws-sdk/client-ec2';\nexport const a = EC2Client;", IMPORT_RULE],
  ['workflows/x.ts', "import Koa from 'koa';\nexport const a = Koa;", IMPORT_RULE],
  ['workflows/x.ts', "import { Client } from '@temporalio/client';\nexport const a = Client;", IMPORT_RULE],
  ['workflows/x.ts', "import { createPrisma } from '../src/db/client';\nexport const a = createPrisma;", IMPORT_RULE],
  ['workflows/x.ts', "import { loadConfig } from '../src/config';\nexport const a = loadConfig;", IMPORT_RULE],
  ['workflows/x.ts', "import { createWorkflowControl } from '../src/temporal/workflow-control';\nexport const a = createWorkflowControl;", IMPORT_RULE],
  ['workflows/x.ts', "import { createActivities } from '../activities';\nexport const a = createActivities;", IMPORT_RULE],
  ['workflows/x.ts', "import { launchActivities } from '../activities/launch';\nexport const a = launchActivities;", IMPORT_RULE],
  ['workflows/x.ts', 'export const region = process.env.AWS_REGION;', GLOBAL_RULE],
  ['workflows/x.ts', 'setTimeout(() => undefined, 1000);', GLOBAL_RULE],
  ['workflows/x.ts', "export const get = () => fetch('http://example.com');", GLOBAL_RULE],
  ['src/domain/x.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;", IMPORT_RULE],
  ['src/domain/x.ts', "import { createHash } from 'crypto';\nexport const a = createHash;", IMPORT_RULE],
  ['src/domain/x.ts', "import pg from 'pg';\nexport const a = pg;", IMPORT_RULE],
  ['src/domain/x.ts', "import { EC2Client } from '@aws-sdk/client-ec2';\nexport const a = EC2Client;", IMPORT_RULE],
  ['src/domain/x.ts', "import { Prisma } from '../generated/prisma/client';\nexport const a = Prisma;", IMPORT_RULE],
  ['src/domain/x.ts', "import * as wf from '@temporalio/workflow';\nexport const a = wf;", IMPORT_RULE],
  ['src/domain/x.ts', "import { createPrisma } from '../db/client';\nexport const a = createPrisma;", IMPORT_RULE],
  ['src/domain/x.ts', "import { createActivities } from '../../activities';\nexport const a = createActivities;", IMPORT_RULE],
  ['src/domain/x.ts', "import { TASK_QUEUE } from '../../workflows/names';\nexport const a = TASK_QUEUE;", IMPORT_RULE],
  ['src/api/x.ts', "import { createActivities } from '../../activities';\nexport const a = createActivities;", IMPORT_RULE],
  ['src/api/x.ts', "import { launchActivities } from '../../activities/launch';\nexport const a = launchActivities;", IMPORT_RULE],
  ['src/api/x.ts', "import { EC2Client } from '@aws-sdk/client-ec2';\nexport const a = EC2Client;", IMPORT_RULE],
  ['activities/x.ts', "import Koa from 'koa';\nexport const a = Koa;", IMPORT_RULE],
];

const mustPass: [string, string][] = [
  ['workflows/x.ts', [
    "import * as wf from '@temporalio/workflow';",
    "import { capacityChange } from '../src/domain/capacity';",
    "import type { Activities } from '../activities';",
    "import type { Observation } from '../activities/observe';",
    "import { lastIterationQuery } from './messages';",
    'const acts = wf.proxyActivities<Activities>({ startToCloseTimeout: 1000 });',
    'export const used: [unknown, unknown, unknown, Observation | null] = [acts, capacityChange, lastIterationQuery, null];',
  ].join('\n')],
  ['src/domain/x.ts', [
    "import { capacityChange } from './capacity';",
    "import type { Offering } from './offerings';",
    'export const used: [unknown, Offering | null] = [capacityChange, null];',
  ].join('\n')],
  ['src/api/x.ts', [
    "import { definitionChangedSignal } from '../../workflows/messages';",
    "import { createWorkerTypeRepository } from '../db/worker-types';",
    "import { capacityChange } from '../domain/capacity';",
    'export const used = [definitionChangedSignal, createWorkerTypeRepository, capacityChange];',
  ].join('\n')],
  // The same imports that fail in workflows/ are fine where side effects belong.
  ['activities/x.ts', [
    "import { createHash } from 'node:crypto';",
    "import { EC2Client } from '@aws-sdk/client-ec2';",
    "import { createPrisma } from '../src/db/client';",
    'export const used = [createHash, EC2Client, createPrisma];',
  ].join('\n')],
];

let failing: LintMessage[][];
let passing: LintMessage[][];

beforeAll(async () => {
  const results = await lintAll([...mustFail, ...mustPass].map(([filePath, code]) => ({ filePath, code })));
  failing = results.slice(0, mustFail.length);
  passing = results.slice(mustFail.length);
}, 60_000);

describe('layout rules reject what a layer must not use', () => {
  test.each(mustFail.map(([file, code, rule], i) => [file, code.split('\n')[0]!, rule, i] as const))(
    '%s: %s (%s)',
    (_file, _firstLine, rule, i) => {
      const errors = failing[i]!.filter((m) => m.severity === 2);
      expect(errors).toEqual([expect.objectContaining({ ruleId: rule, line: 1 })]);
    },
  );
});

describe('layout rules accept what a layer may use', () => {
  test.each(mustPass.map(([file], i) => [file, i] as const))('%s', (_file, i) => {
    expect(passing[i]).toEqual([]);
  });
});

test('workflow rules name the offending module or global in the message', () => {
  const byCode = (code: string) => failing[mustFail.findIndex(([f, c]) => f === 'workflows/x.ts' && c.startsWith(code))]!;
  expect(byCode("import fs from 'node:fs'")[0]!.message).toContain("'node:fs'");
  expect(byCode("import { createActivities } from '../activities'")[0]!.message).toContain('only types from activities');
  expect(byCode('setTimeout')[0]!.message).toContain("'setTimeout'");
});
