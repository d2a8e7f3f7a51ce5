import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { INSTALLED_SCOPES, SUBSCRIBED_BOT_EVENTS } from '../../src/slack-sim/index.ts';
import { requiredScope } from '../../src/slack-sim/platform-rules.ts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { webApi } from '@slack/bolt';
import { SLACK_EVENTS_PATH } from '../../src/slack/app.ts';
import { SLASH_COMMAND } from '../../src/slack/listeners/commands/index.ts';
import { START_SHORTCUT_CALLBACK } from '../../src/slack/modal/start-modal.ts';

type Manifest = webApi.AppsManifestCreateArguments['manifest'];

function sourceFiles(dir: URL): string[] {
  const root = fileURLToPath(dir);
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, f));
}

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

  it('declares the Home tab, the global shortcut the bot listens to, and where select options are asked for', () => {
    expect(manifest.features?.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    const shortcuts = new Set<string>();
    for (const file of sourceFiles(new URL('../../src/slack/', import.meta.url))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/app\.shortcut\(([A-Z_]+)/g)) shortcuts.add(m[1]!);
    }
    expect([...shortcuts]).toEqual(['START_SHORTCUT_CALLBACK']);
    expect(manifest.features?.shortcuts).toEqual([expect.objectContaining({ type: 'global', callback_id: START_SHORTCUT_CALLBACK })]);
    expect(new URL(manifest.settings!.interactivity!.message_menu_options_url!).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings?.event_subscriptions?.bot_events).toContain('app_home_opened');
  });

  it('asks for exactly the scopes the code uses: every Web API method called in src/slack, in public and private channels', () => {
    // The calls the product makes: `client.<family>.<method>(` anywhere in src/slack (files.uploadV2 is
    // files.getUploadURLExternal + files.completeUploadExternal), plus auth.test (identity, health).
    const methods = new Set<string>();
    for (const file of sourceFiles(new URL('../../src/slack/', import.meta.url))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/client\.([a-z]+(?:\.[a-zA-Z0-9]+)+)\(/g)) methods.add(m[1]!);
    }
    if (methods.delete('files.uploadV2')) ['files.getUploadURLExternal', 'files.completeUploadExternal'].forEach((m) => methods.add(m));
    expect([...methods].sort()).toEqual([
      'chat.postEphemeral', 'chat.postMessage', 'chat.update', 'conversations.history', 'conversations.info', 'conversations.open', 'conversations.replies',
      'files.completeUploadExternal', 'files.getUploadURLExternal', 'usergroups.users.list', 'users.info', 'users.list', 'views.open', 'views.publish', 'views.update',
    ]);
    const needed = new Set(['commands']); // the slash command
    for (const m of methods) for (const kind of ['public', 'private'] as const) {
      const scope = requiredScope(m, kind);
      if (scope) needed.add(scope);
    }
    const asked = [...(manifest.oauth_config?.scopes?.bot ?? [])].sort();
    expect(asked).toEqual([...needed].sort());
    // users.info and users.list (with include_locale): each person's language for the answers only they see.
    expect(asked).toContain('users:read');
    // The simulated workspace is installed with the manifest's scopes.
    expect([...INSTALLED_SCOPES].sort()).toEqual(asked);
  });

  it('subscribes to exactly the bot events the bot listens to, on its path, with a scope for each', () => {
    const sub = manifest.settings?.event_subscriptions;
    expect(new URL(sub!.request_url!).pathname).toBe(SLACK_EVENTS_PATH);
    const listened = new Set<string>();
    for (const file of sourceFiles(new URL('../../src/slack/', import.meta.url))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/app\.event\('([a-z_]+)'/g)) listened.add(m[1]!);
    }
    expect([...(sub?.bot_events ?? [])].sort()).toEqual([...listened].sort());
    // The simulated workspace sends exactly these.
    expect(Object.keys(SUBSCRIBED_BOT_EVENTS).sort()).toEqual([...listened].sort());
    const asked: readonly string[] = manifest.oauth_config?.scopes?.bot ?? [];
    for (const e of listened) expect(SUBSCRIBED_BOT_EVENTS[e]!.every((scope) => asked.includes(scope)), e).toBe(true);
  });
});
