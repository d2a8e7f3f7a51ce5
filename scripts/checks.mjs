// The checks `npm test` runs before the tests: the type check, the dependency rules and the build (the tests start
// the compiled bin), side by side rather than one after the other (each is mostly one core's work, and the machine
// has two). Each keeps its own npm script; a failure shows that script's output and fails the run. The build is
// skipped when every file it writes is newer than every file it reads (as after `npm ci`, whose prepare builds).
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

function buildIsCurrent() {
  if (!OUTPUTS.every((f) => existsSync(f))) return false;
  return Math.min(...OUTPUTS.map((f) => statSync(f).mtimeMs)) > newestInput();
}

const buildCurrent = buildIsCurrent();
const SCRIPTS = [['typecheck'], ['lint:deps'], ...(buildCurrent ? [] : [['build', '--', '--noCheck']])];

function run(args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', '--silent', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (err) => resolve({ name: args[0], code: 1, out: String(err), ms: Date.now() - started }));
    child.on('close', (code, signal) => resolve({ name: args[0], code: code ?? (signal ? 1 : 0), out, ms: Date.now() - started }));
  });
}

const results = await Promise.all(SCRIPTS.map(run));
if (buildCurrent) console.log('ok   npm run build (skipped: dist/ is newer than everything it is built from)');
for (const r of results) {
  console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} npm run ${r.name} (${(r.ms / 1000).toFixed(1)} s)`);
  if (r.code !== 0 && r.out.trim()) console.log(r.out.trimEnd());
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
