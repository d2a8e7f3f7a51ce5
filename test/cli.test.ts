import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('natmigrate cli', () => {
  it('lists its commands', async () => {
    const { stdout } = await run('node', ['bin/natmigrate.js', '--help']);
    expect(stdout).toMatch(/usage: natmigrate <command>/);
    expect(stdout).toMatch(/^ {2}sim {6}run the sandbox Alibaba Cloud/m);
  });

  it('rejects an unknown command with exit code 2', async () => {
    await expect(run('node', ['bin/natmigrate.js', 'nope'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command 'nope'/) });
  });
});
