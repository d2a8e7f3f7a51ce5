// What the demo tears down, and what it keeps of the system's logs: both survive a failed run.

export type CleanupFailure = { step: string; error: string } | { step: string; timedOutAfterS: number };

const STEP_LIMIT_S = 10;
const TIMED_OUT = Symbol('cleanup step timed out');

/** Runs `fn`s in reverse order of registration, each bounded, whatever happened before. */
export class Cleanup {
  private readonly steps: { name: string; fn: () => Promise<unknown> }[] = [];
  push(name: string, fn: () => Promise<unknown>): void {
    this.steps.push({ name, fn });
  }
  get size(): number {
    return this.steps.length;
  }
  /** What failed: the step's name, and the error's own text or how long it was given (worded by the caller). */
  async run(): Promise<CleanupFailure[]> {
    const failures: CleanupFailure[] = [];
    for (const s of this.steps.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([s.fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(TIMED_OUT), STEP_LIMIT_S * 1000); })]);
      } catch (e) {
        failures.push(e === TIMED_OUT ? { step: s.name, timedOutAfterS: STEP_LIMIT_S } : { step: s.name, error: e instanceof Error ? e.message : String(e) });
      } finally {
        clearTimeout(timer);
      }
    }
    this.steps.length = 0;
    return failures;
  }
}

/** Keeps the system's JSON log lines in memory; the warnings are shown only if the demo fails. */
export class MemoryLog {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 1000) this.lines.shift();
  }
  warnings(max = 15): string[] {
    return this.lines
      .map((l) => { try { return JSON.parse(l) as { level: number; msg?: string; err?: unknown; jobId?: string }; } catch { return undefined; } })
      .filter((l): l is { level: number; msg?: string; err?: unknown; jobId?: string } => !!l && l.level >= 40)
      .slice(-max)
      .map((l) => `${l.level >= 50 ? 'error' : 'warn'}: ${l.msg ?? ''}${l.jobId ? ` [${l.jobId}]` : ''}${l.err ? ` — ${typeof l.err === 'string' ? l.err : JSON.stringify(l.err)}` : ''}`);
  }
}
