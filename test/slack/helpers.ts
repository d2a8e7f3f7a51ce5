import type { Redis } from 'ioredis';
import { createSlackBot, type SlackBot, type SlackBotOptions } from '../../src/slack/app.ts';
import type { FakeSlack } from '../../src/slack-sim/index.ts';
import type { MigrationService } from '../../src/engine/ports.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export const PEOPLE = [
  { id: 'U0ALICE', name: 'alice' }, // requester
  { id: 'U0BOB', name: 'bob' }, // approver
  { id: 'U0CAROL', name: 'carol' }, // approver through the user group
  { id: 'U0DAVE', name: 'dave' }, // approver
  { id: 'U0EVE', name: 'eve' }, // nobody
];

export interface RunningBot {
  bot: SlackBot;
  url: string;
  stop(): Promise<void>;
}

/** The real Bolt app on a loopback port, wired to the fake workspace; its signed requests come from `slack`. */
export async function startBot(
  slack: FakeSlack,
  service: MigrationService,
  redis: Redis,
  prefix: string,
  extra: Partial<SlackBotOptions> = {},
): Promise<RunningBot> {
  const bot = createSlackBot({
    botToken: slack.botToken,
    signingSecret: SIGNING_SECRET,
    slackApiUrl: slack.apiUrl,
    port: 0,
    botId: slack.botId,
    botUserId: slack.botUserId,
    service,
    redis,
    prefix: `${prefix}:slack`,
    requesters: ['U0ALICE', 'U0BOB', 'U0DAVE', 'S0OPS'],
    approvers: ['U0BOB', 'U0DAVE', 'S0APPROVERS'],
    defaultRegion: 'cn-hangzhou',
    processBeforeResponse: true,
    outboxOptions: { pollMs: 20, ...(extra.outboxOptions ?? {}) },
    ...extra,
  });
  const { port } = await bot.start();
  const url = `http://127.0.0.1:${port}/slack/events`;
  slack.connectBot({ url, signingSecret: SIGNING_SECRET });
  return { bot, url, stop: () => bot.stop() };
}
