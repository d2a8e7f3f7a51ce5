// Child processes of bench and chaos: the bench worker entry, spawned with an environment, its output collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchWorkerConfig } from './harness-worker.ts';
import { nodeArgsFor } from '../util/node-entry.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProc {
  proc: ChildProcess;
  readonly out: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `text` has been printed `n` times; rejects if the process exits first or after timeoutMs. */
  printed(text: string, n?: number, timeoutMs?: number): Promise<void>;
  alive(): boolean;
  /** Resident set size now (MB), from /proc; undefined once gone. */
  rssMb(): number | undefined;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(env: Record<string, string>, cfg: BenchWorkerConfig, nodeFlags: string[] = []): WorkerProc {
  const proc = spawn(process.execPath, [...nodeFlags, ...nodeArgsFor(new URL('./harness-worker.ts', import.meta.url))], {
    cwd: ROOT, env: { ...process.env, ...env, NATMIGRATE_BENCH_WORKER: JSON.stringify(cfg) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const w: WorkerProc = {
    proc,
    get out() { return out; },
    exited,
    alive,
    printed(text, n = 1, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.split(text).length - 1 >= n) { resolve(); return; }
          if (!alive()) { reject(new Error(`worker ${proc.pid} exited (${proc.exitCode ?? proc.signalCode}) before printing '${text}':\n${out.slice(-1500)}`)); return; }
          if (Date.now() > deadline) { reject(new Error(`worker ${proc.pid} did not print '${text}' within ${timeoutMs} ms:\n${out.slice(-1500)}`)); return; }
          setTimeout(check, 10);
        };
        check();
      });
    },
    rssMb() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    async kill(signal = 'SIGTERM') {
      if (!alive()) return;
      proc.kill(signal);
      const t = setTimeout(() => { if (alive()) proc.kill('SIGKILL'); }, 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  return w;
}
