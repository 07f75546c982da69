// Which `temporal --version` outputs count as the pinned CLI (a temporal on PATH is used only then).
import { isPinnedTemporalCli, PINNED_TEMPORAL_CLI } from '../../src/dev/temporal-version';
import { temporalOnPath } from '../../src/dev/temporal-cli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.each([
  ['temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)\n', true],
  // A `go install` build of the pinned module has no release stamp.
  ['temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)\n', true],
  ['temporal version 1.4.0 (Server 1.28.0, UI 2.38.0)\n', false],
  ['temporal version 1.5.1 (Server 1.30.0, UI 2.42.1)\n', false],
  ['temporal version 0.0.0-DEV (Server 1.30.0, UI 2.44.0)\n', false],
  ['tctl version 1.18.0\n', false],
  ['', false],
])('%j is the pinned one: %p', (output, pinned) => {
  expect(isPinnedTemporalCli(output)).toBe(pinned);
});

test('the pin is the CLI that embeds the server the tests were checked with', () => {
  expect(PINNED_TEMPORAL_CLI).toEqual({ cli: '1.5.1', server: '1.29.1' });
});

describe('a temporal on PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-on-path-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fake = (version: string) => {
    fs.writeFileSync(path.join(dir, 'temporal'), `#!/bin/sh\necho "temporal version ${version}"\n`, { mode: 0o755 });
    return { ...process.env, PATH: dir };
  };

  test('of the pinned version is used', async () => {
    await expect(temporalOnPath(fake('1.5.1 (Server 1.29.1, UI 2.42.1)'))).resolves.toBe(path.join(dir, 'temporal'));
  });

  test('of another version is not, nor is a PATH without one', async () => {
    await expect(temporalOnPath(fake('1.6.0 (Server 1.30.0, UI 2.45.0)'))).resolves.toBeUndefined();
    await expect(temporalOnPath({ ...process.env, PATH: path.join(dir, 'empty') })).resolves.toBeUndefined();
  });
});
