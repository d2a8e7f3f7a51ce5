// The bot's own membership through the Events API: an /invite is noticed at once (member_joined_channel), a removal
// too (member_left_channel), with the channel check's default caching ("not a member" is otherwise trusted for 30 s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../src/slack-sim/index.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { SIGNING_SECRET } from './helpers.ts';
import { MIGRATABLE } from './scenario.ts';

let env: Env;
beforeAll(async () => { env = await startEnv('membership-events', {}, FASTER_SLACK); });
afterAll(async () => { await env?.close(); });

const textOf = (r: { json?: Record<string, unknown> }) => String(r.json?.text ?? '');

describe('bot membership events', () => {
  it('run right after /invite is queued (the cached "not a member" is forgotten); after a removal it asks for an invite again', async () => {
    const [instanceId] = MIGRATABLE[6]!;
    env.slack.setChannelMembers('C0PRIVATE', ['U0ALICE']);
    expect(textOf(await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`))).toMatch(/Invite me first/);

    const joined = await env.slack.inviteBot('C0PRIVATE', 'U0ALICE');
    expect(joined.sent).toBe(true);
    expect(joined.attempts.map((a) => a.status)).toEqual([200]);
    const queued = await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`);
    expect(textOf(queued)).toMatch(/queued/);
    const [rec] = await env.engine.service.status(instanceId);
    expect((await env.approvalCard(rec!.jobId)).channel).toBe('C0PRIVATE');
    await env.rejectAndWait(rec!.jobId);

    // Removed: the next command is refused at once, not after the cached "yes" (5 minutes) runs out.
    const left = await env.slack.removeBot('C0PRIVATE');
    expect(left.attempts.map((a) => a.status)).toEqual([200]);
    expect(textOf(await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`))).toMatch(/Invite me first/);
  });

  it('someone else joining changes nothing the bot knows', async () => {
    const [instanceId] = MIGRATABLE[7]!;
    env.slack.setChannelMembers('C0PRIVATE', ['U0ALICE']);
    expect(textOf(await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`))).toMatch(/Invite me first/);
    const ev = { type: 'member_joined_channel', user: 'U0BOB', channel: 'C0PRIVATE', channel_type: 'C', team: env.slack.teamId };
    const body = JSON.stringify({ type: 'event_callback', team_id: env.slack.teamId, api_app_id: 'A0FAKEAPP', event_id: 'Ev0OTHER', event_time: 1, event: { ...ev, event_ts: '1.0' } });
    const res = await fetch(env.bot.url, { method: 'POST', headers: { ...signedHeaders(SIGNING_SECRET, body), 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    // Still the cached verdict (the bot is not a member): refused, and conversations.info was not asked again.
    const infoCalls = env.slack.calls('conversations.info').length;
    expect(textOf(await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`))).toMatch(/Invite me first/);
    expect(env.slack.calls('conversations.info').length).toBe(infoCalls);
  });

  it("answers Slack's url_verification challenge on the events path (signed), as the manifest's request URL needs", async () => {
    const body = JSON.stringify({ token: 'fake-verification-token', challenge: 'c0ffee-challenge', type: 'url_verification' });
    const res = await fetch(env.bot.url, { method: 'POST', headers: { ...signedHeaders(SIGNING_SECRET, body), 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('c0ffee-challenge');
  });
});
