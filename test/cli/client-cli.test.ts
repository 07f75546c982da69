// The client management command, run as a real process against the API's database.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { workerTypeDefinition } from '../support/fixtures';
import { SECRETS_KEY, failure, startApiHarness, type ApiHarness } from '../support/api-harness';

const run = promisify(execFile);
const root = path.join(__dirname, '../..');
let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/client.ts', ...args], {
    cwd: root, env: { ...process.env, DATABASE_URL: h.databaseUrl, SECRETS_KEY },
  });
  return stdout;
}

test('create, use, list and remove a client', async () => {
  const out = await cli('create', 'ci-bot', '--scope', 'aws-provisioner:manage-worker-type:ci-*', '--description', 'CI');
  const creds = JSON.parse(out.slice(0, out.lastIndexOf('}') + 1));
  expect(creds).toMatchObject({ clientId: 'ci-bot', scopes: ['aws-provisioner:manage-worker-type:ci-*'] });
  const p = h.provisioner({ clientId: creds.clientId, accessToken: creds.accessToken });
  await expect(p.createWorkerType('ci-linux', workerTypeDefinition())).resolves.toMatchObject({ workerType: 'ci-linux' });
  expect((await failure(p.createWorkerType('prod-linux', workerTypeDefinition()))).status).toBe(403);
  expect(await cli('list')).toContain('ci-bot\taws-provisioner:manage-worker-type:ci-*');
  expect(await cli('remove', 'ci-bot')).toContain('removed ci-bot');
  expect((await failure(p.removeWorkerType('ci-linux'))).status).toBe(401);
}, 60_000);

test('--help prints the usage and exits 0; removing an unknown client exits 1 saying so', async () => {
  for (const flag of ['--help', '-h']) {
    const usage = await cli(flag);
    expect(usage).toMatch(/^usage: /);
    for (const command of ['create <clientId>', 'list', 'remove <clientId>']) expect(usage).toContain(command);
  }
  await expect(cli('remove', 'nobody-here')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no client nobody-here') });
}, 60_000);

test('bad usage exits non-zero with the usage text', async () => {
  await expect(cli('create')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
  await expect(cli('create', 'root', '--scope', '*')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('invalid clientId') });
}, 60_000);
