// The network state inside a modelled guest OS: NICs with their addresses, routes other than the kernel's connected
// ones, policy rules, the files scripts wrote, and which boot all that belongs to. Plain data, no cloud types.

export interface GuestNicState { eniId: string; dev: string; up: boolean; /** 'ip/prefix' */ addrs: string[] }
export interface GuestRoute {
  table: number;
  /** 'default' or a canonical CIDR. */
  dest: string;
  via?: string;
  eniId: string;
  metric?: number;
  proto: string;
  src?: string;
}
export interface GuestRule { priority: number; /** 'all' or a canonical CIDR */ from: string; table: number }
export interface GuestState {
  nics: Map<string, GuestNicState>;
  /** Routes other than the kernel's connected ones (those are derived from addresses of up links). */
  routes: GuestRoute[];
  rules: GuestRule[];
  files: Map<string, string>;
  bootId: number;
}

export function newGuestState(): GuestState {
  return { nics: new Map(), routes: [], rules: [], files: new Map(), bootId: 0 };
}

/** Linux routing table ids: main, local and default (iproute2's rt_tables). */
export const MAIN_TABLE = 254;
export const LOCAL_TABLE = 255;
export const DEFAULT_TABLE = 253;
export const TABLE_NAMES: Record<string, number> = { main: MAIN_TABLE, local: LOCAL_TABLE, default: DEFAULT_TABLE };
export const tableName = (t: number) => (t === MAIN_TABLE ? 'main' : t === LOCAL_TABLE ? 'local' : t === DEFAULT_TABLE ? 'default' : String(t));
/** Table a self-configuring image (multi-nic-util style) uses for ethN. */
export const autoTable = (devNumber: number) => 1000 + devNumber;

/** The address part of an 'ip/prefix' entry. */
export const addressOf = (addr: string): string => addr.split('/')[0]!;

/** The priority `ip rule add` picks without one: just below the lowest in use (32766 = the main-table rule). */
export function nextRulePriority(st: GuestState): number {
  const prios = [32766, 32767, ...st.rules.map((r) => r.priority)].filter((p) => p > 0);
  return Math.min(...prios) - 1;
}
