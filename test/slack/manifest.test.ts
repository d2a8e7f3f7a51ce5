import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { webApi } from '@slack/bolt';
import { SLACK_EVENTS_PATH } from '../../src/slack/app.ts';
import { SLASH_COMMAND } from '../../src/slack/listeners/commands/index.ts';

type Manifest = webApi.AppsManifestCreateArguments['manifest'];

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

  it('declares the slash command and interactivity on the path the bot serves', () => {
    const cmd = manifest.features?.slash_commands?.find((c) => c.command === SLASH_COMMAND);
    expect(cmd).toBeDefined();
    expect(new URL(cmd!.url!).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(new URL(manifest.settings!.interactivity!.request_url!).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings?.socket_mode_enabled).toBe(false);
  });

  it('asks for the scopes the code uses and no more', () => {
    expect([...(manifest.oauth_config?.scopes?.bot ?? [])].sort()).toEqual(['channels:read', 'chat:write', 'commands', 'files:write', 'groups:read', 'usergroups:read', 'users:read']);
  });
});
