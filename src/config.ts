import { z } from 'zod';
import { parseDuration as parseHumanDuration } from './domain/durations.ts';
import { isNatGatewayId, isRegionId } from './domain/ids.ts';
import { isValidTimeZone, parseFreezeWindows } from './domain/freeze-windows.ts';
import { hasHashTag, redisSeedUrls } from './util/redis-urls.ts';

/**
 * Every environment variable the product reads, in one schema, and `configDocs`: the table the README shows
 * (a test keeps the two in step). Messages name the variable and say what a good value looks like; they never
 * echo a secret's value.
 */

/** Parses a human duration (90s, 30m, 2h, 7d, 1h30m) to ms; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const r = parseHumanDuration(text);
  return r.ok ? r.ms : undefined;
}

const duration = (fallback: string) =>
  z.string().default(fallback).transform((v, ctx) => {
    const r = parseHumanDuration(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.ms;
  });

const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const bool = (fallback: boolean) =>
  z.string().optional().transform((v, ctx) => {
    if (v === undefined) return fallback;
    const w = v.trim().toLowerCase();
    if (!(BOOL_WORDS as readonly string[]).includes(w)) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a yes/no value (use true or false)` });
      return z.NEVER;
    }
    return ['true', '1', 'yes'].includes(w);
  });

const int = (fallback: number, min: number, max: number) =>
  z.string().optional().transform((v, ctx) => {
    if (v === undefined) return fallback;
    const t = v.trim();
    const n = Number(t);
    if (!/^-?\d+$/.test(t) || !Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

const idList = (valid: RegExp | ((id: string) => boolean), what: string) =>
  z.string().default('').transform((v, ctx) => {
    const ids = v.split(/[\s,]+/).filter(Boolean);
    for (const id of ids) {
      const ok = typeof valid === 'function' ? valid(id) : valid.test(id);
      if (!ok) ctx.addIssue({ code: 'custom', message: `'${id}' is not a ${what}` });
    }
    return ids;
  });

const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z.string().default(fallback).transform((v, ctx) => {
    const w = v.trim().toLowerCase();
    if (!(values as readonly string[]).includes(w)) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return w as T;
  });

const url = (what: string) => z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, `expected an http(s) URL (${what})`);

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?(\/[\w./-]*)?$/, 'expected host[:port] without a scheme (e.g. ecs.cn-hangzhou.aliyuncs.com)');

const REDIS_URL_SHAPE = 'expected redis://[:password@]host:port[/db] or rediss://… for TLS';

function isRedisUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    return false;
  }
}

// Seeds are named by position, never echoed: a URL may carry the password.
const redisUrl = z.string().default('redis://127.0.0.1:6379').superRefine((v, ctx) => {
  const seeds = redisSeedUrls(v);
  if (seeds.length <= 1) {
    if (!isRedisUrl(seeds[0] ?? '')) ctx.addIssue({ code: 'custom', message: REDIS_URL_SHAPE });
    return;
  }
  seeds.forEach((seed, i) => {
    if (!isRedisUrl(seed)) ctx.addIssue({ code: 'custom', message: `seed node ${i + 1} of ${seeds.length} is not a redis:// or rediss:// URL (${REDIS_URL_SHAPE})` });
  });
});

const SLACK_ID = /^[USW][A-Z0-9]{2,}$/;
const SLACK_ID_WHAT = 'Slack user id (U…/W…) or user-group id (S…)';

export const configSchema = z.object({
  REDIS_URL: redisUrl,
  NATMIGRATE_REDIS_CLUSTER: bool(false),
  PORT: int(3000, 0, 65535),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),

  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'expected a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'too short to be a signing secret').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'expected an app-level token starting with xapp-').optional(),
  SLACK_API_URL: url('the Slack Web API base, e.g. https://slack.com/api/').optional(),

  NATMIGRATE_REQUESTERS: idList(SLACK_ID, SLACK_ID_WHAT),
  NATMIGRATE_APPROVERS: idList(SLACK_ID, SLACK_ID_WHAT),
  NATMIGRATE_MIN_APPROVALS: int(1, 1, 10),
  NATMIGRATE_APPROVAL_TTL: duration('30m'),
  NATMIGRATE_LANGUAGE: oneOf(['en', 'ja'], 'en'),
  NATMIGRATE_NOTIFY_APPROVERS: z.string().default('mention').refine((v) => /^(mention|dm|off|S[A-Z0-9]{2,})$/.test(v), 'expected mention, dm, off, or a user-group id (S…)'),

  NATMIGRATE_REGION: z.string().default('cn-hangzhou').refine(isRegionId, 'expected a region id such as cn-hangzhou'),
  NATMIGRATE_ECS_ENDPOINT: hostPort.optional(),
  NATMIGRATE_VPC_ENDPOINT: hostPort.optional(),
  NATMIGRATE_CLOUD_PROTOCOL: oneOf(['http', 'https'], 'https'),
  NATMIGRATE_PUBLIC_EDGE: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port').optional(),
  NATMIGRATE_API_RATE: int(20, 1, 10_000),
  NATMIGRATE_POLL_SCHEDULE: oneOf(['typical', 'backoff'], 'typical'),
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().optional(),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().optional(),
  ALIBABA_CLOUD_SECURITY_TOKEN: z.string().optional(),

  NATMIGRATE_QUEUE_PREFIX: z.string().default('{natmigrate}').refine((v) => /^\S+$/.test(v), 'must not be empty or contain spaces'),
  NATMIGRATE_WORKER_CONCURRENCY: int(10, 1, 500),
  NATMIGRATE_AUTO_ROLLBACK: bool(true),
  NATMIGRATE_EGRESS_URL: url('the IP-echo page the instance fetches to prove its egress IP').default('https://myip.ipip.net'),
  NATMIGRATE_VERIFY_TIMEOUT: duration('2m'),
  NATMIGRATE_RECORD_RETENTION: duration('30d'),
  NATMIGRATE_FREEZE_WINDOWS: z.string().default(''),
  NATMIGRATE_TIMEZONE: z.string().default('UTC').refine(isValidTimeZone, 'expected an IANA time zone such as UTC or Asia/Tokyo'),
  NATMIGRATE_SHUTDOWN_GRACE: duration('30s'),
  NATMIGRATE_DRIFT_NAT_GATEWAYS: idList(isNatGatewayId, 'NAT gateway id (ngw-…)'),
  NATMIGRATE_DRIFT_CHANNEL: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel id (C…/G…)').optional(),
  NATMIGRATE_DRIFT_INTERVAL: duration('15m'),

  NATMIGRATE_ADMIN_USER: z.string().optional(),
  NATMIGRATE_ADMIN_PASSWORD: z.string().optional(),
});

export type Config = z.output<typeof configSchema>;
export type ConfigName = keyof typeof configSchema.shape;

/** Which process is starting: each role checks only what it needs. */
export type Role = 'bot' | 'worker' | 'all' | 'any';

export interface ConfigDoc {
  name: ConfigName;
  /** As written in the environment ('' = unset). */
  default: string;
  usedBy: 'bot' | 'worker' | 'both';
  description: string;
  /** Never logged, never echoed in messages. */
  secret?: boolean;
}

/** The configuration table of the README, row for row. */
export const configDocs: readonly ConfigDoc[] = [
  { name: 'REDIS_URL', default: 'redis://127.0.0.1:6379', usedBy: 'both', description: 'Redis holding the queue, job records, approvals and the Slack outbox (`rediss://` for TLS); with `NATMIGRATE_REDIS_CLUSTER`, one or more seed nodes, comma-separated' },
  { name: 'NATMIGRATE_REDIS_CLUSTER', default: 'false', usedBy: 'both', description: 'Talk to a Redis Cluster directly (cluster-aware client that follows `MOVED`): `REDIS_URL` lists seed nodes such as `redis://10.0.0.1:6379,redis://10.0.0.2:6379`, and `NATMIGRATE_QUEUE_PREFIX` must keep its `{…}` hash tag. Leave false for one Redis or a cluster proxy endpoint' },
  { name: 'PORT', default: '3000', usedBy: 'both', description: 'HTTP port: Slack requests (`/slack/events`), `/healthz`, `/metrics`, `/admin/queues`; a worker serves only `/healthz` and `/metrics`' },
  { name: 'LOG_LEVEL', default: 'info', usedBy: 'both', description: 'fatal, error, warn, info, debug, trace or silent (JSON lines on stdout)' },
  { name: 'SLACK_BOT_TOKEN', default: '', usedBy: 'bot', secret: true, description: 'Bot User OAuth Token (`xoxb-…`); required by `bot` and `all`' },
  { name: 'SLACK_SIGNING_SECRET', default: '', usedBy: 'bot', secret: true, description: 'Signing Secret of the app; required in HTTP mode' },
  { name: 'SLACK_APP_TOKEN', default: '', usedBy: 'bot', secret: true, description: 'App-level token (`xapp-…`, scope `connections:write`); set it to use Socket Mode instead of HTTP' },
  { name: 'SLACK_API_URL', default: '', usedBy: 'bot', description: 'Slack Web API base URL (default Slack\'s own; tests point it at a fake workspace)' },
  { name: 'NATMIGRATE_REQUESTERS', default: '', usedBy: 'bot', description: 'Who may run `plan`/`run`/`cancel`/`rollback`: user ids and user-group ids, comma-separated; empty = anyone in the channel' },
  { name: 'NATMIGRATE_APPROVERS', default: '', usedBy: 'bot', description: 'Who may click Approve/Reject: user ids and user-group ids, comma-separated; required by `bot` and `all`' },
  { name: 'NATMIGRATE_MIN_APPROVALS', default: '1', usedBy: 'worker', description: 'Distinct approvers needed (1–10); the requester never counts' },
  { name: 'NATMIGRATE_APPROVAL_TTL', default: '30m', usedBy: 'worker', description: 'How long an approval request stays open before the job expires and unstages' },
  { name: 'NATMIGRATE_LANGUAGE', default: 'en', usedBy: 'bot', description: 'Language of job threads, cards and audit lines: `en` or `ja`; an approver can override it per channel with `/natmigrate config language ja|en`. Answers only one person sees follow that person\'s Slack language' },
  { name: 'NATMIGRATE_NOTIFY_APPROVERS', default: 'mention', usedBy: 'bot', description: 'How approvers hear of an approval request: `mention` (the `NATMIGRATE_APPROVERS` users and `<!subteam^…>` groups are mentioned in the job\'s thread), a user-group id `S…` (only that group is mentioned), `dm` (each approver gets a DM) or `off`. A reminder follows the same way at 80 % of `NATMIGRATE_APPROVAL_TTL` while approvals are missing; the requester always gets a DM when the job ends' },
  { name: 'NATMIGRATE_REGION', default: 'cn-hangzhou', usedBy: 'both', description: 'Region of the instances (and the default of `--region`)' },
  { name: 'NATMIGRATE_ECS_ENDPOINT', default: '', usedBy: 'worker', description: 'ECS API `host[:port]`; default the SDK\'s regional endpoint (the sandbox prints its own)' },
  { name: 'NATMIGRATE_VPC_ENDPOINT', default: '', usedBy: 'worker', description: 'VPC API `host[:port]`; default the SDK\'s regional endpoint' },
  { name: 'NATMIGRATE_CLOUD_PROTOCOL', default: 'https', usedBy: 'worker', description: '`https`, or `http` for the sandbox' },
  { name: 'NATMIGRATE_PUBLIC_EDGE', default: '', usedBy: 'worker', description: '`host:port` through which the SSH check reaches EIPs (the sandbox\'s public edge); unset = connect to the EIP directly' },
  { name: 'NATMIGRATE_API_RATE', default: '20', usedBy: 'worker', description: 'Alibaba API calls per second, shared by all workers through Redis' },
  { name: 'NATMIGRATE_POLL_SCHEDULE', default: 'typical', usedBy: 'worker', description: 'How waits read Alibaba\'s asynchronous changes (ENI attach and detach, DNAT entry create, modify and delete, Cloud Assistant runs): `typical` reads first when the change is typically done (1–3 s) and then at short gaps, about one read per wait; `backoff` reads from 200 ms on, ×1.5 up to 2 s: a change faster than typical is seen sooner, for about twice the API calls per migration' },
  { name: 'ALIBABA_CLOUD_ACCESS_KEY_ID', default: '', usedBy: 'worker', description: 'AccessKey id; unset = the rest of the @alicloud/credentials default chain (OIDC role, profile file, ECS RAM role, credentials URI)' },
  { name: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', default: '', usedBy: 'worker', secret: true, description: 'AccessKey secret (with the id)' },
  { name: 'ALIBABA_CLOUD_SECURITY_TOKEN', default: '', usedBy: 'worker', secret: true, description: 'STS token, when the keys are temporary' },
  { name: 'NATMIGRATE_QUEUE_PREFIX', default: '{natmigrate}', usedBy: 'both', description: 'Prefix of every Redis key; keep the `{…}` hash tag on Redis Cluster; one per deployment' },
  { name: 'NATMIGRATE_WORKER_CONCURRENCY', default: '10', usedBy: 'worker', description: 'Jobs one worker process runs at once (parked jobs hold no slot)' },
  { name: 'NATMIGRATE_AUTO_ROLLBACK', default: 'true', usedBy: 'worker', description: 'Restore the original mapping when verification fails' },
  { name: 'NATMIGRATE_EGRESS_URL', default: 'https://myip.ipip.net', usedBy: 'worker', description: 'IP-echo page the instance fetches (Cloud Assistant) to prove its egress IP' },
  { name: 'NATMIGRATE_VERIFY_TIMEOUT', default: '2m', usedBy: 'worker', description: 'How long verification retries before it fails' },
  { name: 'NATMIGRATE_RECORD_RETENTION', default: '30d', usedBy: 'both', description: 'How long finished job records and thread bookkeeping are kept' },
  { name: 'NATMIGRATE_FREEZE_WINDOWS', default: '', usedBy: 'worker', description: 'Change freezes in which no cutover starts, `;`-separated: `2026-12-24/2026-12-27`, `Fri 18:00-Mon 08:00`, `daily 22:00-06:00`' },
  { name: 'NATMIGRATE_TIMEZONE', default: 'UTC', usedBy: 'both', description: 'IANA time zone (e.g. `Asia/Tokyo`) of the times in job threads, cards, audit lines and reports (every time names its zone), and the zone the freeze windows are written in. Answers only one person sees, and the App Home, use that person\'s Slack time zone when Slack gives it' },
  { name: 'NATMIGRATE_SHUTDOWN_GRACE', default: '30s', usedBy: 'both', description: 'On SIGTERM, how long running steps may finish before they are interrupted and parked for another worker' },
  { name: 'NATMIGRATE_DRIFT_NAT_GATEWAYS', default: '', usedBy: 'worker', description: 'NAT gateways (comma-separated `ngw-…`) swept for instances that got a DNAT IP mapping (again); with the channel, turns the drift sweep on' },
  { name: 'NATMIGRATE_DRIFT_CHANNEL', default: '', usedBy: 'worker', description: 'Slack channel id (`C…`) the drift sweep reports to' },
  { name: 'NATMIGRATE_DRIFT_INTERVAL', default: '15m', usedBy: 'worker', description: 'How often the drift sweep runs' },
  { name: 'NATMIGRATE_ADMIN_USER', default: '', usedBy: 'bot', description: 'With the password: enables Bull Board at `/admin/queues` behind HTTP basic auth' },
  { name: 'NATMIGRATE_ADMIN_PASSWORD', default: '', usedBy: 'bot', secret: true, description: 'Password of `/admin/queues`' },
];

/** Names whose values are secrets (redacted from logs and never echoed). */
export const SECRET_NAMES: readonly string[] = configDocs.filter((d) => d.secret).map((d) => d.name);

/** Environment with empty values treated as unset (`FOO=` in a .env file or compose `${FOO:-}`). */
function normalizeEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * Validates the environment for one role. Every problem is reported (one line each, `NAME: what is wrong`),
 * not just the first, so one restart fixes them all.
 */
export function loadConfig(rawEnv: Record<string, string | undefined>, role: Role = 'any'): ConfigResult {
  const env = normalizeEnv(rawEnv);
  const problems: string[] = [];
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  }
  const has = (k: ConfigName) => env[k] !== undefined;
  if (role === 'bot' || role === 'all') {
    if (!has('SLACK_BOT_TOKEN')) problems.push('SLACK_BOT_TOKEN: required to talk to Slack (the Bot User OAuth Token, xoxb-…)');
    if (!has('SLACK_APP_TOKEN') && !has('SLACK_SIGNING_SECRET')) {
      problems.push('SLACK_SIGNING_SECRET: required in HTTP mode (the app\'s Signing Secret); or set SLACK_APP_TOKEN for Socket Mode');
    }
    if (!has('NATMIGRATE_APPROVERS')) problems.push('NATMIGRATE_APPROVERS: set at least one Slack user or user-group id who may approve');
  }
  if (has('NATMIGRATE_ADMIN_USER') !== has('NATMIGRATE_ADMIN_PASSWORD')) {
    problems.push('NATMIGRATE_ADMIN_USER / NATMIGRATE_ADMIN_PASSWORD: set both to enable /admin/queues, or neither');
  }
  if (has('ALIBABA_CLOUD_ACCESS_KEY_ID') !== has('ALIBABA_CLOUD_ACCESS_KEY_SECRET')) {
    problems.push('ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET: set both, or neither to use the rest of the credentials chain');
  }
  if (has('NATMIGRATE_DRIFT_NAT_GATEWAYS') !== has('NATMIGRATE_DRIFT_CHANNEL')) {
    problems.push('NATMIGRATE_DRIFT_NAT_GATEWAYS / NATMIGRATE_DRIFT_CHANNEL: set both to turn the drift sweep on, or neither');
  }
  if (has('ALIBABA_CLOUD_SECURITY_TOKEN') && !has('ALIBABA_CLOUD_ACCESS_KEY_ID')) {
    problems.push('ALIBABA_CLOUD_SECURITY_TOKEN: only meaningful with ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  }
  if (parsed.success) problems.push(...redisClusterProblems(parsed.data));
  const tz = env.NATMIGRATE_TIMEZONE ?? 'UTC';
  if (has('NATMIGRATE_FREEZE_WINDOWS') && isValidTimeZone(tz)) {
    const fw = parseFreezeWindows(env.NATMIGRATE_FREEZE_WINDOWS, tz);
    if (!fw.ok) for (const e of fw.errors) problems.push(`NATMIGRATE_FREEZE_WINDOWS: ${e}`);
  }
  if (parsed.success) {
    const c = parsed.data;
    if (c.NATMIGRATE_MIN_APPROVALS > 1 && (role === 'bot' || role === 'all')) {
      const users = c.NATMIGRATE_APPROVERS.filter((id) => !id.startsWith('S'));
      const groups = c.NATMIGRATE_APPROVERS.length - users.length;
      if (groups === 0 && users.length < c.NATMIGRATE_MIN_APPROVALS) {
        problems.push(`NATMIGRATE_MIN_APPROVALS: ${c.NATMIGRATE_MIN_APPROVALS} approvals needed but NATMIGRATE_APPROVERS names only ${users.length} user(s); no job could ever be approved`);
      }
    }
  }
  return problems.length || !parsed.success ? { ok: false, problems } : { ok: true, config: parsed.data };
}

/** REDIS_URL / NATMIGRATE_QUEUE_PREFIX against NATMIGRATE_REDIS_CLUSTER (each seed is already a redis(s) URL). */
function redisClusterProblems(c: Pick<Config, 'REDIS_URL' | 'NATMIGRATE_REDIS_CLUSTER' | 'NATMIGRATE_QUEUE_PREFIX'>): string[] {
  const seeds = redisSeedUrls(c.REDIS_URL);
  if (!c.NATMIGRATE_REDIS_CLUSTER) {
    return seeds.length > 1
      ? [`REDIS_URL: lists ${seeds.length} URLs; set NATMIGRATE_REDIS_CLUSTER=true to use them as the seed nodes of a Redis Cluster, or give one URL`]
      : [];
  }
  const problems: string[] = [];
  const urls = seeds.map((s) => new URL(s));
  if (new Set(urls.map((u) => u.protocol)).size > 1) {
    problems.push('REDIS_URL: mixes redis:// and rediss:// seed nodes; every node of a cluster is reached the same way');
  }
  // The first seed's credentials are used for every node; a seed with other ones would be silently ignored.
  const cred = (u: URL) => `${u.username}:${u.password}`;
  if (urls.some((u) => (u.username || u.password) && cred(u) !== cred(urls[0]!))) {
    problems.push('REDIS_URL: seed nodes carry different credentials; a cluster has one user/password, give it on the first seed (or on all alike)');
  }
  if (urls.some((u) => u.pathname !== '' && u.pathname !== '/' && u.pathname !== '/0')) {
    problems.push('REDIS_URL: a Redis Cluster has only database 0; drop the /<db> from the seed URLs');
  }
  if (!hasHashTag(c.NATMIGRATE_QUEUE_PREFIX)) {
    problems.push(`NATMIGRATE_QUEUE_PREFIX: '${c.NATMIGRATE_QUEUE_PREFIX}' has no {…} hash tag; on a Redis Cluster it needs one (e.g. {natmigrate}) so all keys land in one slot and the multi-key scripts work`);
  }
  return problems;
}

/** The README's configuration table, rendered from `configDocs` (a test keeps the README equal to it). */
export function renderConfigTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = configDocs.map((d) =>
    `| \`${d.name}\` | ${d.default ? `\`${cell(d.default)}\`` : '—'} | ${d.usedBy} | ${cell(d.description)}${d.secret ? ' *(secret)*' : ''} |`);
  return ['| variable | default | used by | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
