// `/natmigrate …` text → a typed command, or one specific error for the user. Never throws.
//
// Slack hands us whatever the user typed, after its own formatting: smart quotes, em dashes for `--`, non-breaking
// spaces, full-width characters from CJK input methods, `<mailto:a@b|a@b>` / `<http://…|…>` link escaping, and
// `&amp;`-style entities. We undo all of that first, then tokenize on whitespace.

import type { MigrationOptions, PortSelection } from './plan-types.ts';
import { idProblem, isInstanceId, isNatGatewayId, isVpcId, parseJobId, regionProblem, resourceKindOf, truncateForMessage } from './ids.ts';
import { MAX_PORTS } from './plan.ts';
import { parseArgs, type FlagName } from './command-flags.ts';
import { closest, fail, SUBCOMMANDS, UserError, type Subcommand } from './command-words.ts';
import type { CommandRefusal } from './command-refusal.ts';

export { SUBCOMMANDS, type Subcommand, type CommandRefusal };

export { MAX_PORTS };


export type StatusTarget = { kind: 'job'; jobId: string } | { kind: 'instance'; instanceId: string };
export type ScanTarget = { kind: 'natGateway'; natGatewayId: string } | { kind: 'vpc'; vpcId: string };

export type Command =
  | { kind: 'help'; topic?: Subcommand; region?: string }
  | { kind: 'plan'; instanceId: string; region?: string; options: MigrationOptions }
  | { kind: 'run'; instanceIds: string[]; region?: string; options: MigrationOptions }
  /** `run --all <ngw-…|vpc-…> [more]`: one batch over every IP-mapped instance of the targets. */
  | { kind: 'batch'; targets: string[]; region?: string; options: MigrationOptions; concurrency?: number; canary?: number }
  | { kind: 'status'; target?: StatusTarget; region?: string }
  | { kind: 'cancel'; jobId: string; region?: string }
  | { kind: 'rollback'; jobId: string; region?: string }
  | { kind: 'scan'; target: string; scanTarget: ScanTarget; region?: string }
  /** `config language [ja|en|default]`: show, or (approvers) set or clear, the channel's language. */
  | { kind: 'config'; setting: 'language'; value?: ConfigLanguage }
  /** `report <job-id|batch-id>`: the audit as CSV and Markdown files, in the channel. */
  | { kind: 'report'; jobId: string; region?: string };

/** A channel language, or `default` (back to NATMIGRATE_LANGUAGE). */
export type ConfigLanguage = 'en' | 'ja' | 'default';
const CONFIG_LANGUAGES: readonly ConfigLanguage[] = ['en', 'ja', 'default'];

/** A refusal is a code with facts; the message catalog words it (commandRefusal) in the reader's language. */
export type ParseResult = { ok: true; command: Command } | { ok: false; refusal: CommandRefusal };

export const MAX_INSTANCES = 50;
const MAX_BATCH_TARGETS = 10;
const MAX_CONCURRENCY = 20;
const MAX_CANARY = 20;
const MAX_TEXT = 4000;


export const helpText = [
  '*natmigrate* moves ECS instances off DNAT IP mappings so they leave through the NAT gateway\'s SNAT IP.',
  '',
  '`/natmigrate plan <instance-id>` — dry run: the DNAT entry to delete, its restore recipe, the new ENI and DNAT entry, the expected egress IP, or why it would be refused.',
  '`/natmigrate run <instance-id> [more ids…] [--ports any|22,443] [--configure-guest] [--allow-stop]` — one instance: one job in its own thread; several (at most 50): one batch in one thread, canary first, approved once.',
  '`/natmigrate run --all <ngw-id|vpc-id> [more…] [--canary N] [--concurrency N]` — one batch for every IP-mapped instance, canary first, approved once.',
  '`/natmigrate status [job-id|instance-id]` — the job\'s record (a batch id: each of its instances), or the active jobs.',
  '`/natmigrate cancel <job-id>` — undo staging before the cutover; after it, a rollback.',
  '`/natmigrate rollback <job-id>` — restore the original DNAT IP mapping (needs approval).',
  '`/natmigrate scan <ngw-id|vpc-id>` — every instance of the VPC and the public IP it leaves from.',
  '`/natmigrate config language ja|en|default` — the language of this channel\'s job threads (approvers set it).',
  '`/natmigrate report <job-id|batch-id>` — the audit (every step, actor, time, RequestId, original and new entries) as CSV and Markdown files.',
  '`/natmigrate` alone (or the *Start a NAT migration* shortcut) — a form: pick a NAT gateway, its IP-mapped instances are listed, and it queues the `run` command they stand for.',
  '`/natmigrate help` — this message.',
  '',
  'Options: `--region <region-id>` on every command (default from configuration). `--ports any` (default) forwards every port; `--ports 22,443` forwards only those TCP ports (at most 20). `--configure-guest` brings the new NIC up with policy routing through Cloud Assistant (and mirrors host-firewall rules that name the first NIC). `--accept-port 8080` (repeatable) migrates even though that port would stop answering through the ENI. `--vswitch <vsw-id>` / `--security-groups <sg-id,…>` override the new ENI\'s vSwitch (same zone) or security groups. `--verify-port N` checks that TCP port through the public IP instead of SSH (22) or, on Windows, RDP (3389). `--allow-stop` lets natmigrate STOP and START an instance whose type takes a second ENI only while stopped (s6, e, t5, t6, n4…): after the approval, with a downtime of its own.',
  'Job ids look like `migrate-cn-hangzhou-i-bp1…`.',
].join('\n');

// ── normalization ──────────────────────────────────────────────────────────

export function normalizeCommandText(text: string): string {
  let s = text.normalize('NFKC');
  // Slack link escaping: <target|label> → label, <target> → target.
  s = s.replace(/<([^<>|]*)\|([^<>]*)>/g, '$2').replace(/<([^<>]*)>/g, '$1');
  s = s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  // Quotes of every kind (and code backticks) carry no meaning here: values never contain spaces.
  s = s.replace(/["'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u300c\u300d]/g, '');
  // Smart punctuation turns `--` into an en/em dash; hyphen look-alikes become '-'.
  s = s.replace(/(^|\s)[\u2013\u2014\u2015]+-*/g, '$1--');
  s = s.replace(/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63]/g, '-');
  // A Japanese input method types the long-vowel mark (ー, half-width ｰ becomes it under NFKC) where a hyphen was
  // meant, and the ideographic comma (、) in lists: `ｉーｂｐ１…`, `－－ｐｏｒｔｓ ２２、４４３`.
  s = s.replace(/\u30fc/g, '-').replace(/\u3001/g, ',');
  // Zero-width characters are invisible in Slack but break ids.
  s = s.replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
  return s.trim();
}

// ── values ─────────────────────────────────────────────────────────────────

export function parsePorts(value: string): { ok: true; ports: PortSelection } | { ok: false; refusal: CommandRefusal } {
  const v = value.trim().toLowerCase();
  if (v === 'any' || v === 'all' || v === '*') return { ok: true, ports: { kind: 'all' } };
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return { ok: false, refusal: { code: 'ports_empty' } };
  const ports: number[] = [];
  for (const item of items) {
    if (/^\d+\s*[-:/]\s*\d+$/.test(item)) {
      return { ok: false, refusal: { code: 'port_range', item: truncateForMessage(item, 20), max: MAX_PORTS } };
    }
    if (!/^\d{1,5}$/.test(item)) {
      return { ok: false, refusal: { code: 'not_a_port', item: truncateForMessage(item, 20) } };
    }
    const n = Number(item);
    if (n < 1 || n > 65535) return { ok: false, refusal: { code: 'port_out_of_range', port: n } };
    if (!ports.includes(n)) ports.push(n);
  }
  if (ports.length > MAX_PORTS) {
    return { ok: false, refusal: { code: 'too_many_ports', count: ports.length, max: MAX_PORTS } };
  }
  return { ok: true, ports: { kind: 'list', ports } };
}

function parseCount(flag: 'concurrency' | 'canary', value: string, max: number): number {
  if (!/^\d{1,4}$/.test(value.trim())) fail({ code: 'count_not_number', flag, max, got: truncateForMessage(value, 20) });
  const n = Number(value.trim());
  if (n < 1 || n > max) fail({ code: 'count_out_of_range', flag, max, got: n });
  return n;
}

function migrationOptions(flags: Map<FlagName, string | true>): MigrationOptions {
  const options: MigrationOptions = { ports: { kind: 'all' }, configureGuest: flags.get('configure-guest') === true };
  if (flags.get('allow-stop') === true) options.allowStop = true;
  const ports = flags.get('ports');
  if (typeof ports === 'string') {
    const r = parsePorts(ports);
    if (!r.ok) fail(r.refusal);
    else options.ports = r.ports;
  }
  const verifyPort = flags.get('verify-port');
  if (typeof verifyPort === 'string') {
    if (!/^\d{1,5}$/.test(verifyPort.trim()) || Number(verifyPort) < 1 || Number(verifyPort) > 65535) {
      fail({ code: 'verify_port_bad', got: truncateForMessage(verifyPort, 20) });
    }
    options.verifyPort = Number(verifyPort.trim());
  }
  const vsw = flags.get('vswitch');
  if (typeof vsw === 'string') {
    const bad = idProblem('vSwitch', vsw);
    if (bad) fail({ code: 'bad_id', id: bad });
    options.vSwitchId = vsw;
  }
  const accept = flags.get('accept-port');
  if (typeof accept === 'string') {
    const parts = accept.split(',').map((s) => s.trim()).filter(Boolean);
    if (parts.some((x) => !/^\d{1,5}$/.test(x) || Number(x) < 1 || Number(x) > 65535)) {
      fail({ code: 'accept_port_bad', got: truncateForMessage(accept, 30) });
    }
    options.acceptPorts = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  }
  const sgs = flags.get('security-groups');
  if (typeof sgs === 'string') {
    const ids = [...new Set(sgs.split(',').map((s) => s.trim()).filter(Boolean))];
    if (ids.length === 0) fail({ code: 'security_groups_empty' });
    if (ids.length > 5) fail({ code: 'security_groups_too_many', count: ids.length });
    for (const id of ids) {
      const bad = idProblem('securityGroup', id);
      if (bad) fail({ code: 'bad_id', id: bad });
    }
    options.securityGroupIds = ids;
  }
  return options;
}

function regionOf(flags: Map<FlagName, string | true>): { region?: string } {
  const r = flags.get('region');
  if (typeof r !== 'string') return {};
  const bad = regionProblem(r);
  if (bad) fail({ code: 'bad_id', id: bad });
  return { region: r };
}

function requireInstanceId(token: string, sub: Subcommand): string {
  const bad = idProblem('instance', token);
  if (!bad) return token;
  const kind = resourceKindOf(token);
  if (kind === 'natGateway' || kind === 'vpc') fail({ code: 'gateway_for_instance', id: token, kind, sub });
  return fail({ code: 'bad_id', id: bad });
}

function requireJobId(token: string | undefined, sub: 'cancel' | 'rollback' | 'report', count: number): string {
  if (token === undefined) fail({ code: 'missing_job_id', sub });
  if (count > 1) fail({ code: 'one_job_id', sub, count });
  const t = token!;
  if (parseJobId(t)) return t;
  if (isInstanceId(t)) fail({ code: 'instance_for_job', id: t, sub });
  return fail({ code: 'bad_job_id', shown: truncateForMessage(t) });
}

/** A NAT gateway or VPC id that is neither: told against the VPC's shape when it looks meant as one. */
function badGatewayOrVpc(t: string, vpc: boolean): CommandRefusal {
  return vpc ? { code: 'bad_id', id: idProblem('vpc', t)! } : { code: 'bad_id', id: idProblem('natGateway', t)!, orVpc: true };
}

// ── subcommands ────────────────────────────────────────────────────────────

const SYNONYMS: Record<string, Subcommand> = {
  migrate: 'run', start: 'run', apply: 'run', go: 'run', exec: 'run', execute: 'run',
  'dry-run': 'plan', dryrun: 'plan', preview: 'plan', check: 'plan',
  list: 'status', ls: 'status', show: 'status', jobs: 'status', info: 'status',
  abort: 'cancel', stop: 'cancel', kill: 'cancel',
  undo: 'rollback', revert: 'rollback', restore: 'rollback',
  inventory: 'scan', audit: 'scan',
  '?': 'help', '-h': 'help', '--help': 'help', usage: 'help',
};

function parseInner(text: string): Command {
  if (text.length > MAX_TEXT) fail({ code: 'too_long', length: text.length, max: MAX_TEXT, maxInstances: MAX_INSTANCES });
  const tokens = normalizeCommandText(text).split(/\s+/).filter(Boolean);
  const first = tokens.shift();
  if (first === undefined) return { kind: 'help' };
  const word = first.toLowerCase();
  if (!(SUBCOMMANDS as readonly string[]).includes(word)) {
    if (word === '--help' || word === '-h' || word === '?') return { kind: 'help' };
    const shown = truncateForMessage(first, 30);
    const synonym = SYNONYMS[word];
    const guess = synonym ?? closest(word, SUBCOMMANDS, word.length <= 4 ? 1 : 2);
    if (isInstanceId(first)) fail({ code: 'missing_subcommand', id: first });
    fail({ code: 'unknown_subcommand', typed: shown, ...(guess ? { guess } : {}), subcommands: SUBCOMMANDS });
  }
  const sub = word as Subcommand;
  const { positionals, flags } = parseArgs(sub, tokens);
  const region = regionOf(flags);

  switch (sub) {
    case 'help': {
      const topic = positionals[0]?.toLowerCase();
      return topic && (SUBCOMMANDS as readonly string[]).includes(topic) ? { kind: 'help', topic: topic as Subcommand, ...region } : { kind: 'help', ...region };
    }
    case 'plan': {
      if (positionals.length === 0) fail({ code: 'missing_plan_instance' });
      if (positionals.length > 1) fail({ code: 'plan_one_instance', count: positionals.length });
      const instanceId = requireInstanceId(positionals[0]!, 'plan');
      return { kind: 'plan', instanceId, ...region, options: migrationOptions(flags) };
    }
    case 'run': {
      const options = migrationOptions(flags);
      if (flags.has('all')) {
        if (positionals.length === 0) fail({ code: 'missing_all_target' });
        const targets = [...new Set(positionals)];
        for (const t of targets) {
          if (isNatGatewayId(t) || isVpcId(t)) continue;
          if (isInstanceId(t)) fail({ code: 'instance_for_all', id: t });
          fail(badGatewayOrVpc(t, resourceKindOf(t) === 'vpc' || t.startsWith('vpc-')));
        }
        if (targets.length > MAX_BATCH_TARGETS) fail({ code: 'too_many_all_targets', count: targets.length, max: MAX_BATCH_TARGETS });
        const cmd: Command = { kind: 'batch', targets, ...region, options };
        const c = flags.get('concurrency');
        if (typeof c === 'string') cmd.concurrency = parseCount('concurrency', c, MAX_CONCURRENCY);
        const k = flags.get('canary');
        if (typeof k === 'string') cmd.canary = parseCount('canary', k, MAX_CANARY);
        return cmd;
      }
      if (flags.has('concurrency') || flags.has('canary')) {
        fail({ code: 'flag_needs_all', flag: flags.has('concurrency') ? 'concurrency' : 'canary', withTargets: true });
      }
      if (positionals.length === 0) fail({ code: 'missing_run_instance' });
      const instanceIds: string[] = [];
      for (const p of positionals) {
        const id = requireInstanceId(p, 'run');
        if (!instanceIds.includes(id)) instanceIds.push(id);
      }
      if (instanceIds.length > MAX_INSTANCES) {
        fail({ code: 'too_many_instances', count: instanceIds.length, max: MAX_INSTANCES });
      }
      return { kind: 'run', instanceIds, ...region, options };
    }
    case 'status': {
      if (positionals.length > 1) fail({ code: 'status_one_target', count: positionals.length });
      const t = positionals[0];
      if (t === undefined) return { kind: 'status', ...region };
      if (parseJobId(t)) return { kind: 'status', target: { kind: 'job', jobId: t }, ...region };
      if (isInstanceId(t)) return { kind: 'status', target: { kind: 'instance', instanceId: t }, ...region };
      const bad = idProblem('instance', t);
      return fail({ code: 'status_bad_target', shown: truncateForMessage(t), ...(bad?.problem === 'upper_case' ? { upper: bad } : {}) });
    }
    case 'cancel':
    case 'rollback':
    case 'report':
      return { kind: sub, jobId: requireJobId(positionals[0], sub, positionals.length), ...region };
    case 'config': {
      const setting = positionals[0]?.toLowerCase();
      if (setting !== 'language' && setting !== 'lang') fail({ code: 'config_what' });
      if (positionals.length > 2) fail({ code: 'config_one_value', count: positionals.length - 1 });
      const v = positionals[1]?.toLowerCase();
      if (v === undefined) return { kind: 'config', setting: 'language' };
      if (!(CONFIG_LANGUAGES as readonly string[]).includes(v)) fail({ code: 'config_bad_language', shown: truncateForMessage(v, 20) });
      return { kind: 'config', setting: 'language', value: v as ConfigLanguage };
    }
    case 'scan': {
      if (positionals.length === 0) fail({ code: 'missing_scan_target' });
      if (positionals.length > 1) fail({ code: 'scan_one_target', count: positionals.length });
      const t = positionals[0]!;
      if (isNatGatewayId(t)) return { kind: 'scan', target: t, scanTarget: { kind: 'natGateway', natGatewayId: t }, ...region };
      if (isVpcId(t)) return { kind: 'scan', target: t, scanTarget: { kind: 'vpc', vpcId: t }, ...region };
      if (isInstanceId(t)) fail({ code: 'instance_for_scan', id: t });
      return fail(badGatewayOrVpc(t, t.toLowerCase().startsWith('vpc-')));
    }
  }
}

export function parseCommand(text: unknown): ParseResult {
  if (typeof text !== 'string') return { ok: false, refusal: { code: 'empty' } };
  try {
    return { ok: true, command: parseInner(text) };
  } catch (e) {
    if (e instanceof UserError) return { ok: false, refusal: e.refusal };
    return { ok: false, refusal: { code: 'internal' } };
  }
}
