import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configDocs, configSchema, loadConfig } from '../../src/config.ts';
import { ROOT } from './helpers.ts';

const run = promisify(execFile);

/** `node bin/natmigrate.js <args>` with exactly this environment; resolves with code and output. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['bin/natmigrate.js', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const GOOD_BOT = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: '0123456789abcdef', NATMIGRATE_APPROVERS: 'U0BOB,S0OPS' };

describe('loadConfig', () => {
  it('defaults are complete for a worker and documented in configDocs', () => {
    const r = loadConfig({}, 'worker');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.PORT).toBe(3000);
    expect(r.config.NATMIGRATE_APPROVAL_TTL).toBe(30 * 60_000);
    expect(r.config.NATMIGRATE_QUEUE_PREFIX).toBe('{natmigrate}');
    expect(r.config.NATMIGRATE_SHUTDOWN_GRACE).toBe(30_000);
  });

  it('configDocs has exactly one row per schema variable, and each documented default is the real one', () => {
    const names = configDocs.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(configSchema.shape).sort());
    const defaults = loadConfig({}, 'worker');
    if (!defaults.ok) throw new Error('defaults');
    for (const d of configDocs) {
      expect(d.description.length, d.name).toBeGreaterThan(10);
      if (d.default === '') {
        const v = defaults.config[d.name];
        expect(v === undefined || v === '' || (Array.isArray(v) && v.length === 0), `${d.name} has no default`).toBe(true);
      } else {
        const explicit = loadConfig({ [d.name]: d.default }, 'worker');
        if (!explicit.ok) throw new Error(`${d.name}: documented default '${d.default}' is invalid: ${explicit.problems.join('; ')}`);
        expect(explicit.config[d.name], d.name).toEqual(defaults.config[d.name]);
      }
    }
  });

  it('one line per problem, each naming its variable, all reported at once', () => {
    const r = loadConfig({
      PORT: '99999', NATMIGRATE_APPROVAL_TTL: '30', NATMIGRATE_APPROVERS: 'bob', REDIS_URL: 'localhost:6379',
      NATMIGRATE_CLOUD_PROTOCOL: 'ftp', NATMIGRATE_AUTO_ROLLBACK: 'maybe', NATMIGRATE_TIMEZONE: 'Mars/Base',
      NATMIGRATE_ADMIN_USER: 'ops', ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIxxxx',
    }, 'bot');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byName = (n: string) => r.problems.filter((p) => p.startsWith(`${n}:`) || p.startsWith(`${n} /`));
    expect(byName('PORT')).toEqual([`PORT: '99999' is not a whole number from 0 to 65535`]);
    expect(byName('NATMIGRATE_APPROVAL_TTL')[0]).toMatch(/has no unit; write e\.g\. 30s or 30m/);
    expect(byName('NATMIGRATE_APPROVERS')[0]).toMatch(/'bob' is not a Slack user id/);
    expect(byName('REDIS_URL')[0]).toMatch(/expected redis:\/\//);
    expect(byName('NATMIGRATE_CLOUD_PROTOCOL')[0]).toMatch(/'ftp' is not one of http, https/);
    expect(byName('NATMIGRATE_AUTO_ROLLBACK')[0]).toMatch(/not a yes\/no value/);
    expect(byName('NATMIGRATE_TIMEZONE')[0]).toMatch(/IANA time zone such as UTC or Asia\/Tokyo/);
    expect(byName('SLACK_BOT_TOKEN')[0]).toMatch(/required/);
    expect(byName('SLACK_SIGNING_SECRET')[0]).toMatch(/required in HTTP mode/);
    expect(byName('NATMIGRATE_ADMIN_USER')[0]).toMatch(/set both/);
    expect(byName('ALIBABA_CLOUD_ACCESS_KEY_ID')[0]).toMatch(/set both/);
    for (const p of r.problems) expect(p).not.toContain('\n');
  });

  it('NATMIGRATE_NOTIFY_APPROVERS: mention, dm, off or a user-group id', () => {
    for (const v of ['mention', 'dm', 'off', 'S0ONCALL']) {
      const r = loadConfig({ NATMIGRATE_NOTIFY_APPROVERS: v }, 'worker');
      expect(r.ok && r.config.NATMIGRATE_NOTIFY_APPROVERS, v).toBe(v);
    }
    const bad = loadConfig({ NATMIGRATE_NOTIFY_APPROVERS: 'everyone' }, 'worker');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems).toEqual([expect.stringMatching(/^NATMIGRATE_NOTIFY_APPROVERS: .*mention, dm, off, or a user-group id/)]);
  });

  it('roles check only what they need; empty values count as unset', () => {
    expect(loadConfig({}, 'bot').ok).toBe(false);
    expect(loadConfig(GOOD_BOT, 'bot').ok).toBe(true);
    expect(loadConfig({ ...GOOD_BOT, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1' }, 'all').ok).toBe(true);
    expect(loadConfig({ PORT: '', NATMIGRATE_ECS_ENDPOINT: '', LOG_LEVEL: ' ' }, 'worker').ok).toBe(true);
  });

  it('never echoes a secret in a message', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token-zq81', SLACK_SIGNING_SECRET: 'k3y9', SLACK_APP_TOKEN: 'nope-zq82', NATMIGRATE_APPROVERS: 'U0BOB' }, 'bot');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(3);
    expect(r.problems.join('\n')).not.toMatch(/zq8|k3y9/);
  });

  it('the drift sweep needs its gateways and its channel together', () => {
    const half = loadConfig({ NATMIGRATE_DRIFT_CHANNEL: 'C0OPS' }, 'worker');
    expect(half).toEqual({ ok: false, problems: [expect.stringMatching(/^NATMIGRATE_DRIFT_NAT_GATEWAYS \/ NATMIGRATE_DRIFT_CHANNEL: set both/)] });
    const bad = loadConfig({ NATMIGRATE_DRIFT_CHANNEL: 'C0OPS', NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1abc, nat-1' }, 'worker');
    expect(bad).toEqual({ ok: false, problems: [`NATMIGRATE_DRIFT_NAT_GATEWAYS: 'nat-1' is not a NAT gateway id (ngw-…)`] });
    const ok = loadConfig({ NATMIGRATE_DRIFT_CHANNEL: 'C0OPS', NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1abc', NATMIGRATE_DRIFT_INTERVAL: '1h' }, 'worker');
    expect(ok.ok && ok.config.NATMIGRATE_DRIFT_INTERVAL).toBe(3_600_000);
  });

  it('checks freeze windows and that enough approvers exist', () => {
    const r = loadConfig({ ...GOOD_BOT, NATMIGRATE_APPROVERS: 'U0BOB', NATMIGRATE_MIN_APPROVALS: '2', NATMIGRATE_FREEZE_WINDOWS: 'someday' }, 'all');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => p.startsWith('NATMIGRATE_FREEZE_WINDOWS: '))).toBe(true);
    expect(r.problems.some((p) => p.startsWith('NATMIGRATE_MIN_APPROVALS: 2 approvals needed'))).toBe(true);
  });
});

// Each case is its own process: they run side by side.
describe.concurrent('natmigrate bot|worker|all at start-up', () => {
  it('bad configuration: exit 2, one line per problem on stderr, no stack trace', async () => {
    const r = await cli(['bot'], { PORT: 'http', SLACK_BOT_TOKEN: 'xoxp-nope', NATMIGRATE_VERIFY_TIMEOUT: '5 minutes please' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('natmigrate bot: 5 configuration problems:');
    expect(lines.slice(1, -1)).toEqual([
      `  - PORT: 'http' is not a whole number from 0 to 65535`,
      '  - SLACK_BOT_TOKEN: expected a bot token starting with xoxb-',
      expect.stringMatching(/^ {2}- NATMIGRATE_VERIFY_TIMEOUT: /),
      expect.stringMatching(/^ {2}- SLACK_SIGNING_SECRET: required in HTTP mode/),
      expect.stringMatching(/^ {2}- NATMIGRATE_APPROVERS: set at least one/),
    ]);
    expect(lines.at(-1)).toMatch(/README/);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(r.stderr).not.toContain('xoxp-nope');
  });

  it('each role checks its own needs: a worker does not need Slack', async () => {
    const r = await cli(['worker'], { NATMIGRATE_WORKER_CONCURRENCY: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`natmigrate worker: 1 configuration problem:\n  - NATMIGRATE_WORKER_CONCURRENCY: '0' is not a whole number from 1 to 500\nSee the configuration table in README.md.\n`);
  });

  it('Redis unreachable: exit 1 with one clear line and no password', async () => {
    const r = await cli(['worker'], { REDIS_URL: 'redis://:hunter2hunter2@127.0.0.1:1', LOG_LEVEL: 'silent' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^natmigrate worker: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(ECONNREFUSED\) within 5s; check REDIS_URL/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
  });

  it('usage and stray arguments', async () => {
    const [help, stray, list] = await Promise.all([cli(['all', '--help'], {}), cli(['worker', '--concurrency', '3'], {}), cli(['--help'], {})]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: natmigrate all/);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/unexpected argument '--concurrency'/);
    for (const c of ['bot', 'worker', 'all']) expect(list.stdout).toMatch(new RegExp(`^ {2}${c} +run `, 'm'));
  });
});
