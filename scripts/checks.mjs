// The checks `npm test` runs before the tests: the type check, the dependency rules and the build (the tests start
// the compiled bin), side by side rather than one after the other (each is mostly one core's work, and the machine
// has two). Each keeps its own npm script; a failure shows that script's output and fails the run.
import { spawn } from 'node:child_process';

const SCRIPTS = [['typecheck'], ['lint:deps'], ['build', '--', '--noCheck']];

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
for (const r of results) {
  console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} npm run ${r.name} (${(r.ms / 1000).toFixed(1)} s)`);
  if (r.code !== 0 && r.out.trim()) console.log(r.out.trimEnd());
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
