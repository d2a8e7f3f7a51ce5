// `npm test`: the build when it is stale (the tests start the compiled bin), then the type check, the dependency
// rules and the tests side by side. The machine has two cores and the tests are mostly waiting at first (workers
// loading, cloud latencies), so the checks cost the run less beside the tests than before them. A check that fails
// says so as soon as it ends (its output with it), again after the tests, and fails the run.
// Arguments go to vitest: `npm test -- test/slack/outbox.test.ts`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';

/** What the build reads, and what it writes (tsc's entry file and the start-up bundles, scripts/bundle.mjs). */
const INPUTS = ['src', 'scripts/bundle.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const OUTPUTS = ['dist/cli.js', 'dist/bench/harness-worker-main.bundle.js', 'dist/runtime/start.bundle.js', 'dist/demo/run-demo.bundle.js'];

function newestInput() {
  let newest = 0;
  for (const p of INPUTS) {
    if (!existsSync(p)) continue;
    const files = statSync(p).isDirectory() ? readdirSync(p, { recursive: true, encoding: 'utf8' }).map((f) => `${p}/${f}`) : [p];
    for (const f of files) newest = Math.max(newest, statSync(f).mtimeMs);
  }
  return newest;
}

/** Every file the build writes is newer than every file it reads (as right after `npm ci`, whose prepare builds). */
function buildIsCurrent() {
  if (!OUTPUTS.every((f) => existsSync(f))) return false;
  return Math.min(...OUTPUTS.map((f) => statSync(f).mtimeMs)) > newestInput();
}

/** Runs a command; its output is kept (`quiet`) or passed through. Resolves with its exit code. */
function run(cmd, args, { quiet }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    if (quiet) {
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
    }
    child.on('error', (err) => resolve({ code: 1, out: String(err), ms: Date.now() - started }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out, ms: Date.now() - started }));
  });
}

function report(name, r, withOutput = true) {
  console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} npm run ${name} (${(r.ms / 1000).toFixed(1)} s)`);
  if (withOutput && r.code !== 0 && r.out.trim()) console.log(r.out.trimEnd());
}

const results = [];
if (buildIsCurrent()) {
  console.log('ok   npm run build (skipped: dist/ is newer than everything it is built from)');
} else {
  const r = await run('npm', ['run', '--silent', 'build', '--', '--noCheck'], { quiet: true });
  report('build', r);
  if (r.code !== 0) process.exit(1);
}

const checks = ['typecheck', 'lint:deps'].map((name) => run('npm', ['run', '--silent', name], { quiet: true }).then((r) => {
  report(name, r);
  results.push([name, r]);
  return r;
}));
const tests = await run('node_modules/.bin/vitest', ['run', ...process.argv.slice(2)], { quiet: false });
await Promise.all(checks);
for (const [name, r] of results) report(name, r, false);
process.exitCode = tests.code !== 0 || results.some(([, r]) => r.code !== 0) ? 1 : 0;
