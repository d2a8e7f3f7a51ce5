// Eventual consistency for Describe*: a read shows each resource as it was `lagMs` ago. A resource created less than
// that long ago is not listed yet; one whose status just changed is still listed with the previous status; one just
// deleted is still listed. terraform and terway poll through exactly this (see docs/sandbox.md, "Realism layer").
// The World records a version of each resource whenever it changes (observe), and reads pick the version in force
// at now − lag (visible). Resources the scenario starts with are visible from the start.

interface Version<T> { at: number; snap: T | undefined; fp?: string }

export class LaggedView<T extends { since: number }> {
  private readonly history = new Map<string, Version<T>[]>();

  constructor(
    private readonly idOf: (r: T) => string,
    /** The fields a read shows: a change in any of them is a new version. */
    private readonly fingerprint: (r: T) => string,
  ) {}

  /**
   * Records what changed since the last call. `immediate`: the scenario's own resources, or a test's change behind
   * the API's back (World.markChanged), visible at once.
   */
  observe(current: Iterable<T>, now: number, lagMs: number, immediate = false): void {
    const seen = new Set<string>();
    for (const r of current) {
      seen.add(this.idOf(r));
      this.record(this.idOf(r), r, now, immediate);
    }
    for (const [id, h] of this.history) {
      if (!seen.has(id) && h.at(-1)!.snap) h.push({ at: immediate ? -Infinity : now, snap: undefined });
    }
    this.prune(now - lagMs);
  }

  /** Records only these resources (the ones a write or a transition touched): cheap for a fleet of thousands. */
  observeIds(ids: Iterable<string>, lookup: (id: string) => T | undefined, now: number): void {
    for (const id of ids) {
      const r = lookup(id);
      if (r) this.record(id, r, now, false);
      else {
        const h = this.history.get(id);
        if (h?.at(-1)?.snap) h.push({ at: now, snap: undefined });
      }
    }
  }

  private record(id: string, r: T, now: number, initial: boolean): void {
    let h = this.history.get(id);
    const last = h?.at(-1);
    const fp = this.fingerprint(r);
    if (last?.snap && last.fp === fp) return;
    // A status change dates from when it happened (settle() moves `since` to the transition time); any other
    // change (tags, a modify's fields) from now.
    const at = initial ? -Infinity : r.since > (last?.at ?? -Infinity) ? Math.min(now, r.since) : now;
    if (!h) this.history.set(id, (h = []));
    h.push({ at, snap: structuredClone(r), fp });
  }

  /** Each resource as a read sees it now. */
  visible(now: number, lagMs: number): T[] {
    const cutoff = now - lagMs;
    const out: T[] = [];
    for (const h of this.history.values()) {
      let v: Version<T> | undefined;
      for (const x of h) if (x.at <= cutoff) v = x;
      if (v?.snap) out.push(v.snap);
    }
    return out;
  }

  /** One resource as a read sees it now (undefined: not listed). */
  visibleOne(id: string, now: number, lagMs: number): T | undefined {
    const cutoff = now - lagMs;
    let v: Version<T> | undefined;
    for (const x of this.history.get(id) ?? []) if (x.at <= cutoff) v = x;
    return v?.snap;
  }

  /** Keeps, per resource, the version in force at `cutoff` and the later ones; forgets resources long gone. */
  private prune(cutoff: number): void {
    for (const [id, h] of this.history) {
      let keepFrom = 0;
      for (let i = 0; i < h.length; i++) if (h[i]!.at <= cutoff) keepFrom = i;
      if (keepFrom > 0) h.splice(0, keepFrom);
      if (h.length === 1 && !h[0]!.snap && h[0]!.at <= cutoff) this.history.delete(id);
    }
  }
}
