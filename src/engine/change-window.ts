import type { EventBody } from './ports.ts';
import type { EngineOptions } from './options.ts';

/** The end of the change freeze in force now, or undefined when a cutover may start. */
export function freezeEndsAt(opts: Pick<EngineOptions, 'cutoverGate' | 'clock'>): Date | undefined {
  const until = opts.cutoverGate?.(new Date(opts.clock.now()));
  return until && until.getTime() > opts.clock.now() ? until : undefined;
}

/** "Waiting for the change window until 2026-12-27 08:00:00 (Asia/Shanghai) · 2026-12-27T00:00:00.000Z". */
function windowWaitTitle(until: Date, tz: string): string {
  let local: string;
  try {
    local = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(until);
  } catch {
    local = until.toISOString();
  }
  return `Waiting for the change window until ${local} (${tz}) · ${until.toISOString()}`;
}

/** A business-clock time as the real time BullMQ's delays run on. */
export function realTimeOf(businessMs: number, opts: Pick<EngineOptions, 'clock'>): number {
  return Date.now() + (businessMs - opts.clock.now());
}

type Emit = (e: EventBody) => Promise<void>;

/** Announces a wait for the change window, once per window end; returns the end to remember as announced. */
export async function announceWindowWait(emit: Emit, announced: string | undefined, until: Date, tz: string): Promise<string> {
  const at = until.toISOString();
  if (announced !== at) {
    await emit({ type: 'step.started', step: 'await_window', title: windowWaitTitle(until, tz) });
    await emit({ type: 'window.waiting', until: at, timeZone: tz });
  }
  return at;
}

/** Says the wait is over (when one was announced), so the thread does not end on "waiting". */
export async function announceWindowOpen(emit: Emit, announced: string | undefined, title: string): Promise<void> {
  if (announced) await emit({ type: 'step.finished', step: 'await_window', title, calls: [], detail: { waitedUntil: announced } });
}
