import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../src/util/until.ts';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';
import { createAuthz } from '../../src/slack/authz.ts';
import { PEOPLE } from './helpers.ts';
import { silentLog } from '../../src/slack/slack-log.ts';

let slack: FakeSlack;
beforeAll(async () => {
  // About caching and failing closed: these tests read groups more often than Tier 2 allows, so they relax it.
  slack = await startFakeSlack({ users: PEOPLE, usergroups: { S0APPROVERS: ['U0CAROL'], S0OPS: ['U0DAVE'] }, relax: ['rate-limits'] });
});
afterAll(async () => {
  await slack.close();
});

describe('authz', () => {
  it('approvers are the listed users plus the members of listed user groups', async () => {
    const a = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: [], approvers: ['U0BOB', 'S0APPROVERS'] });
    expect(await a.isApprover('U0BOB')).toBe(true);
    expect(await a.isApprover('U0CAROL')).toBe(true);
    expect(await a.isApprover('U0EVE')).toBe(false);
    expect(a.describeApprovers('en')).toBe('<@U0BOB>, <!subteam^S0APPROVERS>');
    expect(a.describeApprovers('ja')).toBe('<@U0BOB>、<!subteam^S0APPROVERS>');
  });

  it('says "nobody" and "anyone" in the reader\'s language', () => {
    const open = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: [], approvers: [] });
    expect(open.describeApprovers('en')).toBe('nobody');
    expect(open.describeRequesters('en')).toBe('anyone');
    expect(open.describeApprovers('ja')).toBe('（なし）');
    expect(open.describeRequesters('ja')).toBe('全員');
  });

  it('an empty requester list means anyone; a configured one is enforced, groups included', async () => {
    const open = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: [], approvers: [] });
    expect(await open.canRequest('U0EVE')).toBe(true);
    const closed = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: ['U0ALICE', 'S0OPS'], approvers: [] });
    expect(await closed.canRequest('U0ALICE')).toBe(true);
    expect(await closed.canRequest('U0DAVE')).toBe(true);
    expect(await closed.canRequest('U0EVE')).toBe(false);
  });

  it('caches group members for the TTL (one usergroups.users.list per group and window)', async () => {
    let clock = 1_000_000;
    const a = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: [], approvers: ['S0APPROVERS'], cacheTtlMs: 60_000, now: () => clock });
    const before = slack.calls('usergroups.users.list').length;
    await Promise.all([a.isApprover('U0CAROL'), a.isApprover('U0EVE'), a.isApprover('U0BOB')]);
    expect(slack.calls('usergroups.users.list').length - before).toBe(1);
    slack.setUsergroup('S0APPROVERS', ['U0EVE']);
    expect(await a.isApprover('U0EVE')).toBe(false); // still cached
    clock += 61_000;
    // Past the TTL the old list still answers at once (no check waits on Slack), and a fresh one is read behind it.
    expect(await a.isApprover('U0EVE')).toBe(false);
    await until(() => a.isApprover('U0EVE'), { what: 'the refreshed member list', timeoutMs: 5000 });
    expect(await a.isApprover('U0CAROL')).toBe(false);
    expect(slack.calls('usergroups.users.list').length - before).toBe(2);
    slack.setUsergroup('S0APPROVERS', ['U0CAROL']);
  });

  it('fails closed when a group cannot be read, but keeps using a recent answer during an outage', async () => {
    let clock = 5_000_000;
    // The failures it logs tell the test when a read behind an answer has settled (the server having answered is
    // not enough: the client may not have seen the answer yet, and a read still in flight is joined, not repeated).
    const failures: string[] = [];
    const logger = { ...silentLog, warn: (o: object) => void failures.push(String((o as { err?: unknown }).err)) };
    const a = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: ['S0OPS'], approvers: ['S0APPROVERS'], cacheTtlMs: 1000, staleTtlMs: 60_000, now: () => clock, logger });
    slack.fail('usergroups.users.list', { kind: 'http', status: 503 }, 2);
    expect(await a.isApprover('U0CAROL')).toBe(false);
    expect(await a.canRequest('U0DAVE')).toBe(false); // configured requesters unreadable → nobody, not "anyone"
    expect(await a.isApprover('U0CAROL')).toBe(true); // Slack is back
    clock += 2000;
    slack.fail('usergroups.users.list', { kind: 'error', error: 'ratelimited' }, 1);
    const seen = failures.length;
    expect(await a.isApprover('U0CAROL')).toBe(true); // stale but recent
    await until(() => failures.slice(seen).some((e) => e.includes('ratelimited')), { what: 'the refresh behind the answer to fail', timeoutMs: 15_000 });
    slack.fail('usergroups.users.list', { kind: 'error', error: 'no_such_subteam' }, 1);
    clock += 120_000;
    expect(await a.isApprover('U0CAROL')).toBe(false); // too old to trust
    // The read behind the refusal has ended before the next test counts calls.
    await until(() => failures.slice(seen).some((e) => e.includes('no_such_subteam')), { what: 'the read behind the refusal to fail', timeoutMs: 15_000 });
  });

  it('warm reads every group before any check, so no check waits on Slack', async () => {
    const a = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: ['S0OPS'], approvers: ['S0APPROVERS'] });
    await a.warm();
    const before = slack.calls('usergroups.users.list').length;
    expect(await a.canRequest('U0DAVE')).toBe(true);
    expect(await a.isApprover('U0CAROL')).toBe(true);
    expect(slack.calls('usergroups.users.list').length).toBe(before);
  });

  it('a group never read is waited for only briefly: then this check is denied and the read fills the cache', async () => {
    slack.setLatency(1500, 'usergroups.users.list');
    try {
      const a = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: [], approvers: ['S0APPROVERS'], coldWaitMs: 200 });
      expect(await a.isApprover('U0CAROL')).toBe(false);
      await until(() => a.isApprover('U0CAROL'), { what: 'the member list read behind the denial', timeoutMs: 5000 });
    } finally {
      slack.setLatency(15, 'usergroups.users.list');
    }
  });

  it('requesterVerdict: unknown (not "no") while a requester group has never been read, yes for a listed user', async () => {
    const a = createAuthz({ botToken: slack.botToken, slackApiUrl: slack.apiUrl, requesters: ['U0ALICE', 'S0OPS'], approvers: [] });
    slack.fail('usergroups.users.list', { kind: 'http', status: 503 }, 2);
    expect(await a.requesterVerdict('U0DAVE')).toBeUndefined();
    expect(await a.requesterVerdict('U0ALICE')).toBe(true);
    expect(await a.requesterVerdict('U0EVE')).toBeUndefined();
    // Slack is back: the group is read and the answers are definite.
    expect(await a.requesterVerdict('U0DAVE')).toBe(true);
    expect(await a.requesterVerdict('U0EVE')).toBe(false);
  });
});
