// The fake Slack workspace used by tests and the demo (never dials anything but the bot on loopback).
export * from './fake-slack.ts';
export * from './signing.ts';
export * from './render.ts';
