import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapTuningApplies } from '../../src/util/heap-tuned-thread.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/tuned-thread-fixture.ts', import.meta.url));

/** Runs the fixture with these node flags; resolves with its report line and, after SIGTERM, its exit code. */
function runFixture(nodeFlags: string[]): Promise<{ report: { inThread: boolean; maxNewSpaceMb: number }; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', FIXTURE], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    let report: { inThread: boolean; maxNewSpaceMb: number } | undefined;
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!report && out.includes('\n')) {
        report = JSON.parse(out.split('\n')[0]!);
        child.kill('SIGTERM');
      }
    });
    child.on('exit', (code) => (report ? resolve({ report, code }) : reject(new Error(`fixture exited ${code} without a report: ${err}`))));
  });
}

describe('heap-tuned worker thread', () => {
  it.each([
    { execArgv: [], nodeOptions: '', applies: true },
    { execArgv: ['--import', 'tsx'], nodeOptions: '--enable-source-maps', applies: true },
    { execArgv: ['--max-semi-space-size=4'], nodeOptions: '', applies: false },
    { execArgv: ['--optimize-for-size'], nodeOptions: '', applies: false },
    { execArgv: [], nodeOptions: '--max_semi_space_size=2', applies: false },
    { execArgv: [], nodeOptions: '--max-old-space-size=512 --optimize-for-size', applies: false },
    { execArgv: ['--max-old-space-size=512'], nodeOptions: '', applies: true },
  ])('applies unless the operator chose heap flags: $execArgv / "$nodeOptions" → $applies', ({ execArgv, nodeOptions, applies }) => {
    expect(heapTuningApplies(execArgv, nodeOptions)).toBe(applies);
  });

  it('runs the work in a thread with a small new space, relays SIGTERM to it and exits with its code', async () => {
    const { report, code } = await runFixture([]);
    expect(report.inThread).toBe(true);
    // V8's default grows the new space to 16 MB semi-spaces under this load; the tuned thread stays at 1 MB ones.
    expect(report.maxNewSpaceMb).toBeLessThanOrEqual(4);
    expect(code).toBe(7);
  });

  it("the operator's own heap flags win: the work runs in place, with their sizes", async () => {
    const { report, code } = await runFixture(['--max-semi-space-size=16']);
    expect(report.inThread).toBe(false);
    expect(report.maxNewSpaceMb).toBeGreaterThan(8);
    expect(code).toBe(7);
  });
});
