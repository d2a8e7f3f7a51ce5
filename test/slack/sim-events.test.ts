// The simulated workspace's Events API: signed JSON event_callback envelopes, only for subscribed events the app has a
// scope for, and retries with x-slack-retry-num while the app does not answer 2xx (docs.slack.dev/apis/events-api).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signSlackRequest, startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';

const SECRET = 'sim-events-secret';
let slack: FakeSlack | undefined;
let close: (() => void) | undefined;
afterEach(async () => { await slack?.close(); close?.(); slack = undefined; });

/** An app endpoint answering the given statuses in turn (then 200), recording each request. */
async function appEndpoint(statuses: number[]): Promise<{ url: string; got: { headers: IncomingHttpHeaders; body: string }[] }> {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  close = () => server.close();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, got };
}

describe('simulated Events API', () => {
  it('POSTs a signed JSON event_callback and retries with x-slack-retry-num until the app answers 2xx', async () => {
    const app = await appEndpoint([500, 503]);
    // The retry delays are shortened here by name (documented: about 0 s, 1 min, 5 min).
    slack = await startFakeSlack({ channels: { C0OPS: 'ops' }, botUrl: app.url, signingSecret: SECRET, eventRetryDelaysMs: [0, 20, 20] });
    const d = await slack.inviteBot('C0OPS', 'U0ALICE');
    expect(d.sent).toBe(true);
    expect(d.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(app.got.map((g) => g.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2']);
    expect(app.got[1]!.headers['x-slack-retry-reason']).toBe('http_timeout');
    for (const g of app.got) {
      expect(g.headers['content-type']).toBe('application/json');
      const ts = Number(g.headers['x-slack-request-timestamp']);
      expect(g.headers['x-slack-signature']).toBe(signSlackRequest(SECRET, g.body, ts));
      const payload = JSON.parse(g.body) as { type: string; event_id: string; event: Record<string, unknown> };
      expect(payload.type).toBe('event_callback');
      expect(payload.event).toMatchObject({ type: 'member_joined_channel', user: slack.botUserId, channel: 'C0OPS', channel_type: 'C', inviter: 'U0ALICE' });
    }
    // A retry is the same event (same event_id): that is how an app recognises it.
    expect(new Set(app.got.map((g) => (JSON.parse(g.body) as { event_id: string }).event_id)).size).toBe(1);
  }, 10_000);

  it('sends nothing for an event the app has no scope for', async () => {
    const app = await appEndpoint([]);
    slack = await startFakeSlack({ channels: { C0OPS: 'ops' }, botUrl: app.url, signingSecret: SECRET, scopes: ['commands', 'chat:write'] });
    const d = await slack.inviteBot('C0OPS', 'U0ALICE');
    expect(d).toEqual({ sent: false, attempts: [] });
    expect(app.got).toHaveLength(0);
  });
});
