import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, jobLogger } from '../../src/log.ts';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-botTokenValue',
  SLACK_APP_TOKEN: 'xapp-1-A0-appTokenValue',
  SLACK_SIGNING_SECRET: 'signingSecretValue8f3a9c',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tAccessKeyIdValue',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'accessKeySecretValueQ9x',
  ALIBABA_CLOUD_SECURITY_TOKEN: 'CAISstsSecurityTokenValue',
  NATMIGRATE_ADMIN_PASSWORD: 'adminPasswordValue!"\\',
};

function sink() {
  let out = '';
  const dest = new Writable({ write(c: Buffer, _e, cb) { out += c.toString('utf8'); cb(); } });
  return { dest, text: () => out };
}

describe('log redaction', () => {
  it('secret-bearing keys are redacted at any of the usual depths, even without knowing the values', () => {
    const s = sink();
    const log = createLogger({ destination: s.dest, level: 'info' });
    log.info({ ...SECRETS }, 'env at the top');
    log.info({ env: { ...SECRETS } }, 'env nested');
    log.info({ config: { slack: { botToken: SECRETS.SLACK_BOT_TOKEN, signingSecret: SECRETS.SLACK_SIGNING_SECRET, appToken: SECRETS.SLACK_APP_TOKEN } } }, 'options');
    log.info({ credentials: { accessKeyId: SECRETS.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: SECRETS.ALIBABA_CLOUD_ACCESS_KEY_SECRET, securityToken: SECRETS.ALIBABA_CLOUD_SECURITY_TOKEN } }, 'keys');
    log.info({ req: { headers: { authorization: `Bearer ${SECRETS.SLACK_BOT_TOKEN}`, 'x-slack-signature': 'v0=abcdef0123456789' } } }, 'request');
    const text = s.text();
    for (const [k, v] of Object.entries(SECRETS)) expect(text, k).not.toContain(JSON.stringify(v).slice(1, -1));
    expect(text).not.toContain('v0=abcdef0123456789');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(20);
    // Still useful: the lines are JSON with their messages.
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['env at the top', 'env nested', 'options', 'keys', 'request']);
  });

  it('configured secret values are scrubbed wherever they appear: messages, errors, unknown keys, deep nesting', () => {
    const s = sink();
    const log = createLogger({ destination: s.dest, level: 'info', secrets: Object.values(SECRETS) });
    log.error({ err: new Error(`invalid_auth for ${SECRETS.SLACK_BOT_TOKEN}`) }, 'slack said no');
    log.warn({ a: { b: { c: { d: SECRETS.ALIBABA_CLOUD_ACCESS_KEY_SECRET } } }, url: `https://x/?t=${SECRETS.SLACK_APP_TOKEN}` }, 'deep');
    log.info(`signing with ${SECRETS.SLACK_SIGNING_SECRET} and ${SECRETS.NATMIGRATE_ADMIN_PASSWORD}`);
    log.info({ odd: SECRETS.ALIBABA_CLOUD_SECURITY_TOKEN, id: SECRETS.ALIBABA_CLOUD_ACCESS_KEY_ID }, 'unknown keys');
    const text = s.text();
    for (const [k, v] of Object.entries(SECRETS)) {
      expect(text, k).not.toContain(v);
      expect(text, k).not.toContain(JSON.stringify(v).slice(1, -1));
    }
    for (const l of text.trim().split('\n')) expect(() => JSON.parse(l) as unknown).not.toThrow();
    expect(text).toContain('invalid_auth for [redacted]');
  });

  it('job lines carry the job id as a field', () => {
    const s = sink();
    const log = createLogger({ destination: s.dest, level: 'info' });
    jobLogger(log, 'migrate-cn-hangzhou-i-1-1').info({ step: 'create_eni' }, 'step');
    const line = JSON.parse(s.text()) as Record<string, unknown>;
    expect(line).toMatchObject({ jobId: 'migrate-cn-hangzhou-i-1-1', step: 'create_eni', level: 'info', name: 'natmigrate' });
  });
});
