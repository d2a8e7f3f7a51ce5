// Argument handling shared by the `ip` subcommands: iproute2's prefix matching of keywords, `key value` options,
// table names, prefixes, and the error lines it prints.
import { canonicalCidr, parseCidr } from '../ip.ts';
import { fail, type ExecResult } from '../shell/shell-runtime.ts';
import { MAIN_TABLE, TABLE_NAMES } from './guest-state.ts';

export const FILE_EXISTS = fail('RTNETLINK answers: File exists\n', 2);
export const noSuchDevice = (dev: string): ExecResult => fail(`Cannot find device "${dev}"\n`);
export const invalidTable = (raw: string | undefined): ExecResult => fail(`Error: argument "${raw}" is wrong: table id value is invalid\n\n`);

/** iproute2 accepts any prefix of a keyword (at least `min` letters): `ip a`, `ip ro`, `del`. */
export function isPrefix(word: string, full: string, min = 1): boolean {
  return word.length >= min && full.startsWith(word);
}

export const isShow = (sub: string): boolean => isPrefix(sub, 'show') || isPrefix(sub, 'list');
export const isDelete = (sub: string): boolean => isPrefix(sub, 'delete', 3);

const OPT_KEYS = ['dev', 'via', 'table', 'lookup', 'metric', 'preference', 'priority', 'pref', 'prio', 'proto', 'src', 'from', 'to', 'scope',
  'brd', 'broadcast', 'label', 'oif', 'iif', 'mtu', 'type'] as const;
type IpOpts = { _: string[] } & Partial<Record<(typeof OPT_KEYS)[number], string>>;

/** `key value` option pairs of ip(8) commands; bare words go to `_`. */
export function opts(args: string[]): IpOpts {
  const out: IpOpts = { _: [] };
  for (let k = 0; k < args.length; k++) {
    const a = args[k] === 'protocol' ? 'proto' : args[k]!;
    if ((OPT_KEYS as readonly string[]).includes(a)) out[a as (typeof OPT_KEYS)[number]] = args[++k];
    else out._.push(a);
  }
  return out;
}

/** A table name or number; absent = main; undefined = not a table. */
export function parseTable(v: string | undefined): number | undefined {
  if (v === undefined) return MAIN_TABLE;
  if (TABLE_NAMES[v] !== undefined) return TABLE_NAMES[v];
  return /^\d+$/.test(v) && Number(v) < 2 ** 32 ? Number(v) : undefined;
}

/** An address or prefix argument as a canonical CIDR (a bare address is a /32); undefined = not one. */
export function prefixArg(raw: string): string | undefined {
  return parseCidr(raw) ? canonicalCidr(raw.includes('/') ? raw : `${raw}/32`) : undefined;
}

/** How `ip rule` prints a source: host prefixes without their /32. */
export function fmtFrom(from: string): string {
  return from === 'all' ? 'all' : from.endsWith('/32') ? from.slice(0, -3) : from;
}
