// How long after a change is due the reads show it. A waiter that knows an operation's typical latency polls first when
// the change is due; reads lag the writes (eventual consistency: the realism layer, terraform's and terway's waits), so
// that first read often still shows the state of before and the change is seen one poll gap later. This learns, per
// kind of wait, how far past the due time the first poll should come, from the waits themselves: a first poll that saw
// the change moves the estimate slightly earlier, one that did not moves it to the middle of the window the change
// became visible in. Only the timing of polls changes; what a read means (wait-verdicts.ts) and the timeouts do not.

export class DueLag {
  private readonly est = new Map<string, number>();

  /** `capMs`: never wait longer than this past the due time before the first poll (also ≤ a quarter of the latency). */
  constructor(private readonly capMs = 500) {}

  /** How long past the due time the first poll of this kind of wait comes. */
  extraMs(key: string, expectedMs: number): number {
    return Math.round(Math.max(0, Math.min(this.est.get(key) ?? 0, expectedMs / 4, this.capMs)));
  }

  /**
   * A wait ended with the change seen. `firstAfterDueMs`: when its first poll came, past the due time;
   * `seenAfterDueMs`: when the poll that saw the change came; `firstSaw`: the first poll already saw it.
   */
  observe(key: string, firstAfterDueMs: number, seenAfterDueMs: number, firstSaw: boolean): void {
    const cur = this.est.get(key) ?? 0;
    const next = firstSaw ? cur * 0.9 : Math.max(cur, (Math.max(0, firstAfterDueMs) + Math.max(0, seenAfterDueMs)) / 2);
    this.est.set(key, Math.min(this.capMs, next));
  }

  /** The current estimate (tests, metrics). */
  current(key: string): number {
    return this.est.get(key) ?? 0;
  }
}
