import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalCli, projectRoot } from '../../src/dev/temporal-cli';

describe('ensureTemporalCli', () => {
  let toolsDir: string;
  beforeEach(() => {
    toolsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tools-'));
  });
  afterEach(() => fs.rmSync(toolsDir, { recursive: true, force: true }));

  it('finds the project root from a source file', () => {
    expect(fs.existsSync(path.join(projectRoot(), 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(projectRoot(), 'src', 'dev', 'temporal-cli.ts'))).toBe(true);
  });

  it('returns an installed binary without building', async () => {
    const binary = path.join(toolsDir, 'bin', 'temporal');
    fs.mkdirSync(path.dirname(binary));
    fs.writeFileSync(binary, '#!/bin/sh\n', { mode: 0o755 });
    await expect(ensureTemporalCli(toolsDir)).resolves.toBe(binary);
  });

  it('says that Go is needed when go is not on PATH, and leaves nothing behind', async () => {
    const saved = process.env.PATH;
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.env.PATH = toolsDir;
    try {
      await expect(ensureTemporalCli(toolsDir)).rejects.toThrow(/needs Go .*`go` is not on PATH/);
    } finally {
      process.env.PATH = saved;
      stderr.mockRestore();
    }
    expect(fs.readdirSync(path.join(toolsDir, 'bin'))).toEqual([]);
  });
});
