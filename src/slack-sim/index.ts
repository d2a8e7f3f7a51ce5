// The fake Slack workspace used by tests and the demo (never dials anything but the bot on loopback).
export { startFakeSlack } from './fake-slack.ts';
export type {
  BotReply, ClickOptions, EphemeralRecord, FakeFile, FakeMessage, FakeSlack, FakeSlackOptions, FakeUser, Fault, RecordedCall,
  EventDelivery, FakeView, ResponseUrlRecord, SlashOptions, ViewValue, ViewValues,
} from './workspace-types.ts';
export * from './signing.ts';
export * from './render.ts';
export { INSTALLED_SCOPES, SUBSCRIBED_BOT_EVENTS, type PlatformRule, type ConversationKind } from './platform-rules.ts';
