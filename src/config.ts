import { z } from 'zod';

/**
 * Every environment variable the product reads, in one schema. The README's configuration table is checked
 * against `configDocs` by a test, so the two cannot drift apart.
 */

const durationPattern = /^(\d+)(ms|s|m|h|d)$/;
function parseDuration(text: string): number | undefined {
  const m = durationPattern.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

const duration = (fallback: string) =>
  z.string().default(fallback).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a duration (use e.g. 90s, 30m, 2h, 7d)` });
      return z.NEVER;
    }
    return ms;
  });

const bool = (fallback: boolean) =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional().transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const idList = (pattern: RegExp, what: string) =>
  z.string().default('').transform((v, ctx) => {
    const ids = v.split(/[\s,]+/).filter(Boolean);
    for (const id of ids) {
      if (!pattern.test(id)) ctx.addIssue({ code: 'custom', message: `'${id}' is not a ${what}` });
    }
    return ids;
  });

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?(\/[\w./-]*)?$/, 'expected host[:port] without a scheme (e.g. ecs.cn-hangzhou.aliyuncs.com)');

export const configSchema = z.object({
  REDIS_URL: z.string().default('redis://127.0.0.1:6379').refine((v) => /^rediss?:\/\//.test(v), 'expected redis://host:port or rediss://…'),
  PORT: int(3000, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'expected a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'too short to be a signing secret').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'expected an app-level token starting with xapp-').optional(),
  SLACK_API_URL: z.string().url().optional(),

  NATMIGRATE_REQUESTERS: idList(/^[USW][A-Z0-9]{2,}$/, 'Slack user id (U…/W…) or user-group id (S…)'),
  NATMIGRATE_APPROVERS: idList(/^[USW][A-Z0-9]{2,}$/, 'Slack user id (U…/W…) or user-group id (S…)'),
  NATMIGRATE_MIN_APPROVALS: int(1, 1, 10),
  NATMIGRATE_APPROVAL_TTL: duration('30m'),

  NATMIGRATE_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+(-\d+)?$/, 'expected a region id such as cn-hangzhou').default('cn-hangzhou'),
  NATMIGRATE_ECS_ENDPOINT: hostPort.optional(),
  NATMIGRATE_VPC_ENDPOINT: hostPort.optional(),
  NATMIGRATE_CLOUD_PROTOCOL: z.enum(['http', 'https']).default('https'),
  NATMIGRATE_PUBLIC_EDGE: hostPort.optional(),
  NATMIGRATE_API_RATE: int(20, 1, 10_000),

  NATMIGRATE_QUEUE_PREFIX: z.string().default('{natmigrate}'),
  NATMIGRATE_WORKER_CONCURRENCY: int(10, 1, 500),
  NATMIGRATE_AUTO_ROLLBACK: bool(true),
  NATMIGRATE_CONFIGURE_GUEST: bool(false),
  NATMIGRATE_EGRESS_URL: z.string().url().default('https://myip.ipip.net'),
  NATMIGRATE_VERIFY_TIMEOUT: duration('2m'),
  NATMIGRATE_RECORD_RETENTION: duration('30d'),

  NATMIGRATE_FREEZE_WINDOWS: z.string().default(''),
  NATMIGRATE_TIMEZONE: z.string().default('UTC'),
  NATMIGRATE_DRIFT_NAT_GATEWAYS: idList(/^ngw-[a-z0-9]+$/, 'NAT gateway id (ngw-…)'),
  NATMIGRATE_DRIFT_INTERVAL: duration('1h'),
  NATMIGRATE_DRIFT_CHANNEL: z.string().optional(),

  NATMIGRATE_ADMIN_USER: z.string().optional(),
  NATMIGRATE_ADMIN_PASSWORD: z.string().optional(),
});

export type Config = z.output<typeof configSchema>;

/** Which process is starting: each role checks only what it needs. */
export type Role = 'bot' | 'worker' | 'all' | 'any';

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: Record<string, string | undefined>, role: Role = 'any'): ConfigResult {
  const parsed = configSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || '(env)'}: ${issue.message}`);
    return { ok: false, problems };
  }
  const c = parsed.data;
  if (role === 'bot' || role === 'all') {
    if (!c.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required to post to Slack (xoxb-…)');
    if (!c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    if (c.NATMIGRATE_APPROVERS.length === 0) problems.push('NATMIGRATE_APPROVERS: set at least one Slack user or user-group id who may approve');
  }
  if ((c.NATMIGRATE_ADMIN_USER === undefined) !== (c.NATMIGRATE_ADMIN_PASSWORD === undefined)) {
    problems.push('NATMIGRATE_ADMIN_USER / NATMIGRATE_ADMIN_PASSWORD: set both to enable /admin/queues, or neither');
  }
  return problems.length ? { ok: false, problems } : { ok: true, config: c };
}

export { parseDuration };
