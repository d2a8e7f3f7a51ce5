import type { ChildProcess } from 'node:child_process';

/** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. Already gone = done. */
export function stopChild(child: ChildProcess, o: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), o.graceMs ?? 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(o.signal ?? 'SIGTERM');
  });
}
