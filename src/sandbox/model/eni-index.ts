import type { EniState } from './cloud-resources.ts';

/**
 * The ENIs of each instance (attached, attaching or detaching), kept as ENIs come, go and move, so that a fleet's
 * guests, which ask on every command, need no scan of every ENI of the world.
 */
export class EniIndex {
  private readonly byInstance = new Map<string, Set<string>>();
  /** Each ENI's place in the world's map (insertion order), which breaks device-index ties as a scan of it did. */
  private readonly order = new Map<string, number>();
  private seq = 0;

  /** ENI `id` left instance `from` (if any) and is now `now` (undefined: it is gone). */
  move(id: string, from: string | undefined, now: EniState | undefined): void {
    if (from !== undefined) {
      const set = this.byInstance.get(from);
      set?.delete(id);
      if (set?.size === 0) this.byInstance.delete(from);
    }
    if (!now) { this.order.delete(id); return; }
    if (!this.order.has(id)) this.order.set(id, this.seq++);
    if (now.instanceId === undefined) return;
    let set = this.byInstance.get(now.instanceId);
    if (!set) this.byInstance.set(now.instanceId, (set = new Set()));
    set.add(id);
  }

  /** The instance's ENIs in device order, read from `enis` as they are now. */
  of(instanceId: string, enis: ReadonlyMap<string, EniState>): EniState[] {
    const found: { e: EniState; at: number }[] = [];
    for (const id of this.byInstance.get(instanceId) ?? []) {
      const e = enis.get(id);
      if (e?.instanceId === instanceId) found.push({ e, at: this.order.get(id) ?? 0 });
    }
    return found.sort((a, b) => (a.e.deviceIndex ?? 0) - (b.e.deviceIndex ?? 0) || a.at - b.at).map((x) => x.e);
  }
}

/** A Map that tells `changed` (key, value before, value after) whenever an entry is set or deleted. */
export class WatchedMap<K, V> extends Map<K, V> {
  constructor(private readonly changed: (k: K, before: V | undefined, after: V | undefined) => void) {
    super();
  }
  override set(k: K, v: V): this {
    const before = super.get(k);
    super.set(k, v);
    // Map's constructor calls set() before `changed` is assigned (with no entries, so never here).
    this.changed?.(k, before, v);
    return this;
  }
  override delete(k: K): boolean {
    const before = super.get(k);
    const had = super.delete(k);
    if (had) this.changed(k, before, undefined);
    return had;
  }
  override clear(): void {
    for (const k of [...super.keys()]) this.delete(k);
  }
}
