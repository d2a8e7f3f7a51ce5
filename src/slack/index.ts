// The Slack front end: the Bolt app, its listeners, the outbox that turns engine events into job threads.
export { createSlackBot, createSlackNotifier, slackBotOptionsFromConfig, SLACK_EVENTS_PATH, type SlackBot, type SlackBotOptions } from './app.ts';
export { createOutbox, outboxKeys, type Outbox, type OutboxOptions, type ThreadInfo, type MessageRef } from './outbox/index.ts';
export type { Log } from './slack-log.ts';
export { createAuthz, type Authz, type AuthzOptions } from './authz.ts';
export { routeCommand, SLASH_COMMAND } from './listeners/commands/index.ts';
export { handleApprovalClick } from './listeners/actions/approval-click.ts';
export { APPROVE_ACTION_ID, REJECT_ACTION_ID, APPROVAL_BLOCK_ID } from './blocks/approval-card.ts';
export { extractReplayInfo, replayGuard, REPLAY_WINDOW_SEC } from './replay.ts';
export type { SlackNote, ThreadEvent } from './thread-events.ts';
