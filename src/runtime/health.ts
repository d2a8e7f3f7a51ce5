// GET /healthz: is this process able to do its work? Redis answers PING; for a bot, Slack answers auth.test with
// our token. 200 with every check ok, else 503; the JSON body says which check failed and why (never a secret).
import type { RedisConnection } from '../util/redis-connection.ts';
import { singleAttemptClient } from '../slack/web-call.ts';
import { sendJson, handler, type CustomRoute } from './http.ts';

export interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** The Slack result is reused for a few seconds so probes do not spend Slack's rate limit. */
  cachedAgeMs?: number;
}

export interface HealthReport {
  ok: boolean;
  role: string;
  checks: { redis: Check; slack?: Check };
}

export interface HealthOptions {
  role: string;
  redis: RedisConnection;
  /** Bot processes: check that Slack's Web API accepts our token. */
  slack?: { botToken: string; slackApiUrl?: string };
  timeoutMs?: number;
  /** How long an auth.test result is reused (failures: a fifth of it). */
  slackCacheMs?: number;
  onError?: (err: unknown) => void;
}

const HEALTH_PATH = '/healthz';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]);
}

function reason(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string }; original?: { code?: string; message?: string }; statusCode?: number; message?: string };
  if (e?.data?.error) return e.data.error;
  if (e?.original) return `unreachable (${e.original.code ?? e.original.message ?? 'request error'})`;
  if (e?.statusCode) return `HTTP ${e.statusCode}`;
  return e?.message ?? String(err);
}

export interface Health {
  check(): Promise<HealthReport>;
  route(): CustomRoute;
}

export function createHealth(o: HealthOptions): Health {
  const timeoutMs = o.timeoutMs ?? 2000;
  const cacheMs = o.slackCacheMs ?? 15_000;
  const client = o.slack ? singleAttemptClient({ botToken: o.slack.botToken, slackApiUrl: o.slack.slackApiUrl, timeoutMs }) : undefined;
  let slackLast: { at: number; check: Check } | undefined;
  let slackInFlight: Promise<Check> | undefined;

  async function redisCheck(): Promise<Check> {
    const start = Date.now();
    // A disconnected ioredis client queues commands instead of failing: answer at once instead.
    if (o.redis.status !== 'ready') return { ok: false, latencyMs: 0, error: `not connected (${o.redis.status})` };
    try {
      const pong = await withTimeout(o.redis.ping(), timeoutMs, 'PING');
      return pong === 'PONG' ? { ok: true, latencyMs: Date.now() - start } : { ok: false, latencyMs: Date.now() - start, error: `unexpected reply ${pong}` };
    } catch (err) {
      return { ok: false, latencyMs: Date.now() - start, error: reason(err) };
    }
  }

  async function slackCheck(): Promise<Check> {
    const now = Date.now();
    if (slackLast && now - slackLast.at < (slackLast.check.ok ? cacheMs : cacheMs / 5)) {
      return { ...slackLast.check, cachedAgeMs: now - slackLast.at };
    }
    slackInFlight ??= (async () => {
      const start = Date.now();
      let check: Check;
      try {
        await withTimeout(client!.auth.test(), timeoutMs + 500, 'auth.test');
        check = { ok: true, latencyMs: Date.now() - start };
      } catch (err) {
        check = { ok: false, latencyMs: Date.now() - start, error: reason(err) };
      }
      slackLast = { at: Date.now(), check };
      return check;
    })().finally(() => { slackInFlight = undefined; });
    return slackInFlight;
  }

  const health: Health = {
    async check() {
      const [redis, slack] = await Promise.all([redisCheck(), client ? slackCheck() : Promise.resolve(undefined)]);
      const checks = slack ? { redis, slack } : { redis };
      return { ok: redis.ok && (slack?.ok ?? true), role: o.role, checks };
    },
    route() {
      return {
        path: HEALTH_PATH,
        method: ['GET', 'HEAD'],
        handler: handler(async (_req, res) => {
          const report = await health.check();
          sendJson(res, report.ok ? 200 : 503, report);
        }, o.onError ?? (() => {})),
      };
    },
  };
  return health;
}
