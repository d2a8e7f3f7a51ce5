// The flags of `/natmigrate` commands: names and aliases, which subcommand takes which, and how their values are read.
import { truncateForMessage } from './ids.ts';
import { closest, fail, type Subcommand } from './command-words.ts';

export type FlagName = 'region' | 'ports' | 'configure-guest' | 'concurrency' | 'canary' | 'all' | 'vswitch' | 'security-groups' | 'accept-port' | 'verify-port' | 'allow-stop';

const FLAG_TAKES_VALUE: Record<FlagName, boolean> = {
  region: true, ports: true, 'configure-guest': false, concurrency: true, canary: true, all: false, vswitch: true, 'security-groups': true, 'accept-port': true, 'verify-port': true, 'allow-stop': false,
};

const FLAG_ALIASES: Record<string, FlagName> = {
  region: 'region', 'region-id': 'region',
  ports: 'ports', port: 'ports',
  'configure-guest': 'configure-guest',
  'verify-port': 'verify-port',
  concurrency: 'concurrency',
  canary: 'canary',
  all: 'all',
  vswitch: 'vswitch', 'vswitch-id': 'vswitch', vsw: 'vswitch',
  'security-groups': 'security-groups', 'security-group': 'security-groups', sg: 'security-groups', sgs: 'security-groups',
  'accept-port': 'accept-port', 'accept-ports': 'accept-port',
  'allow-stop': 'allow-stop',
};

/** Flags that may be given more than once: their values are joined into one comma list. */
const REPEATABLE: ReadonlySet<FlagName> = new Set(['accept-port']);

const ALLOWED_FLAGS: Record<Subcommand, readonly FlagName[]> = {
  help: ['region'],
  plan: ['region', 'ports', 'configure-guest', 'vswitch', 'security-groups', 'accept-port', 'verify-port', 'allow-stop'],
  run: ['region', 'ports', 'configure-guest', 'vswitch', 'security-groups', 'all', 'concurrency', 'canary', 'accept-port', 'verify-port', 'allow-stop'],
  status: ['region'],
  cancel: ['region'],
  rollback: ['region'],
  scan: ['region'],
  config: [],
  report: ['region'],
};

export interface ParsedArgs {
  positionals: string[];
  flags: Map<FlagName, string | true>;
}

const isFlagToken = (t: string): boolean => /^-+[A-Za-z_]/.test(t);

export function parseArgs(sub: Subcommand, tokens: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<FlagName, string | true>();
  const allowed = ALLOWED_FLAGS[sub];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (!isFlagToken(tok)) {
      for (const part of tok.split(',')) if (part) positionals.push(part);
      continue;
    }
    const eq = tok.indexOf('=');
    const rawName = (eq >= 0 ? tok.slice(0, eq) : tok);
    const dashes = /^-+/.exec(rawName)![0].length;
    const key = rawName.slice(dashes).toLowerCase().replace(/_/g, '-');
    const name = FLAG_ALIASES[key];
    if (!name) {
      const guess = closest(key, Object.keys(FLAG_ALIASES), 2);
      fail({ code: 'unknown_flag', flag: truncateForMessage(key, 30), ...(guess ? { guess } : {}) });
    }
    const flag = name!;
    if (dashes !== 2) fail({ code: 'single_dash', flag, typed: truncateForMessage(rawName, 30) });
    if (!allowed.includes(flag)) {
      fail(flag === 'concurrency' || flag === 'canary' ? { code: 'flag_needs_all', flag, withTargets: false } : { code: 'flag_not_here', flag, sub });
    }
    if (flags.has(flag) && !REPEATABLE.has(flag)) fail({ code: 'flag_twice', flag });
    let value: string | true;
    if (FLAG_TAKES_VALUE[flag]) {
      if (eq >= 0) {
        value = tok.slice(eq + 1);
      } else {
        const next = tokens[i + 1];
        if (next === undefined || isFlagToken(next)) fail({ code: 'flag_needs_value', flag });
        value = next!;
        i++;
      }
      // `--ports 22, 443` and `--ports 22 ,443`: keep reading the list.
      while (typeof value === 'string' && i + 1 < tokens.length && (value.endsWith(',') || tokens[i + 1]!.startsWith(','))) {
        value += tokens[i + 1]!;
        i++;
      }
      if (value === '') fail({ code: 'flag_needs_value', flag });
    } else if (eq >= 0) {
      const v = tok.slice(eq + 1).toLowerCase();
      if (flag === 'all' && v) {
        value = true;
        for (const part of tok.slice(eq + 1).split(',')) if (part) positionals.push(part);
      } else if (['true', 'yes', 'on', '1'].includes(v)) {
        value = true;
      } else if (['false', 'no', 'off', '0'].includes(v)) {
        continue; // explicitly off = not given
      } else {
        fail({ code: 'flag_takes_no_value', flag, got: truncateForMessage(tok.slice(eq + 1), 30) });
        value = true;
      }
    } else {
      value = true;
    }
    const prior = flags.get(flag);
    flags.set(flag, typeof prior === 'string' && typeof value === 'string' ? `${prior},${value}` : value);
  }
  return { positionals, flags };
}
