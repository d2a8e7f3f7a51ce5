// The compiled tree that bin/natmigrate.js and the image run (`npm test` builds it before the tests).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const files = (dir: string) => readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' });

describe('npm run build', () => {
  it('emits every source module as JavaScript, with its data files, and no .ts specifier left', () => {
    const built = new Set(files('dist'));
    for (const f of files('src')) {
      if (f.endsWith('.ts')) expect(built, f).toContain(f.replace(/\.ts$/, '.js'));
      if (f.endsWith('.json')) expect(built, f).toContain(f);
    }
    // The bundles (scripts/bundle.mjs) hold third-party code whose comments may name .ts files; they are checked below.
    for (const f of [...built].filter((b) => b.endsWith('.js') && !b.endsWith('.bundle.js'))) {
      const text = readFileSync(join(ROOT, 'dist', f), 'utf8');
      expect(text, f).not.toMatch(/(?:from\s*|import\s*\(\s*)'\.{1,2}\/[^']*\.ts'/);
    }
  });

  it('bundles what child processes load at start-up, each next to the module it stands for', () => {
    for (const [bundle, module] of [['bench/harness-worker-main.bundle.js', 'bench/harness-worker-main.js'], ['runtime/start.bundle.js', 'runtime/start.js'], ['demo/run-demo.bundle.js', 'demo/run-demo.js']] as const) {
      expect(existsSync(join(ROOT, 'dist', bundle)), bundle).toBe(true);
      const text = readFileSync(join(ROOT, 'dist', bundle), 'utf8');
      // Our own modules are inside (none imported from dist/ as a file), the Alibaba SDK family is not.
      expect(text, bundle).toContain(`// dist/${module}`);
      expect(text, bundle).not.toMatch(/from\s*["']\.{1,2}\//);
      expect(text, bundle).toMatch(/from "@alicloud\/openapi-core"/);
      // A module that finds files next to itself still does: import.meta.url is its own emitted file's URL.
      expect(text, bundle).toContain('createRequire(new URL("../cloud/alibaba/sdk.js", import.meta.url).href)');
    }
  });

  it('compiled, our entry points start as their sibling .js, with no tsx', async () => {
    const { nodeArgsFor } = (await import(new URL('../dist/util/node-entry.js', import.meta.url).href)) as typeof import('../src/util/node-entry.ts');
    const args = nodeArgsFor(new URL('../dist/bench/ack-bot.ts', import.meta.url));
    expect(args).toEqual([join(ROOT, 'dist/bench/ack-bot.js')]);
    expect(existsSync(args[0]!)).toBe(true);
  });
});

describe('bin/natmigrate.js in a checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'natmigrate-bin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = () => promisify(execFile)(process.execPath, [join(dir, 'bin/natmigrate.js'), 'x'], { cwd: dir }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

  it('runs dist/cli.js only while it is newer than every source file', async () => {
    mkdirSync(join(dir, 'bin'));
    cpSync(join(ROOT, 'bin/natmigrate.js'), join(dir, 'bin/natmigrate.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    mkdirSync(join(dir, 'src/sub'), { recursive: true });
    writeFileSync(join(dir, 'src/sub/a.ts'), '');
    expect(await run()).toMatchObject({ code: 1, err: expect.stringMatching(/dist\/ is not built; run `npm run build`/) });

    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist/cli.js'), 'export async function main(argv) { process.stdout.write(`ran ${argv}`); }\n');
    const now = Date.now() / 1000;
    utimesSync(join(dir, 'src/sub/a.ts'), now - 60, now - 60);
    expect(await run()).toMatchObject({ code: 0, out: 'ran x' });

    utimesSync(join(dir, 'src/sub/a.ts'), now + 60, now + 60);
    expect(await run()).toMatchObject({ code: 1, err: expect.stringMatching(/src\/sub\/a\.ts changed after the last build; run `npm run build`/) });

    // The image has no src/: nothing to compare, it runs what it was built with.
    rmSync(join(dir, 'src'), { recursive: true });
    expect(await run()).toMatchObject({ code: 0, out: 'ran x' });
  });
});
