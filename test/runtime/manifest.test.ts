import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { webApi } from '@slack/bolt';
import { SLACK_EVENTS_PATH } from '../../src/slack/app.ts';
import { SLASH_COMMAND } from '../../src/slack/listeners/commands/index.ts';
import { ROOT } from './helpers.ts';

/**
 * manifest.yml against Slack's own manifest type (`Manifest` of @slack/web-api, what apps.manifest.create takes):
 * - at run time, the required fields and the paths the code serves;
 * - at the type level, by compiling the parsed YAML as a literal of that type with tsc (a typo'd scope, a missing
 *   description or a wrong value type fails), with a negative control proving the check bites.
 */

type Manifest = webApi.AppsManifestCreateArguments['manifest'];

/** The typed door: runtime checks of what Slack requires, returning the value as Slack's type. */
function asManifest(raw: unknown): Manifest {
  const m = raw as Partial<Manifest> | null;
  const problems: string[] = [];
  if (!m || typeof m !== 'object') throw new Error('manifest.yml is not a mapping');
  const name = m.display_information?.name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 35) problems.push('display_information.name: required, ≤35 characters');
  if ((m.display_information?.description?.length ?? 0) > 140) problems.push('display_information.description: ≤140 characters');
  const bu = m.features?.bot_user;
  if (bu && (typeof bu.display_name !== 'string' || bu.display_name.length > 80)) problems.push('features.bot_user.display_name: required, ≤80 characters');
  for (const [i, c] of (m.features?.slash_commands ?? []).entries()) {
    if (typeof c.command !== 'string' || !c.command.startsWith('/') || c.command.length > 32) problems.push(`slash_commands[${i}].command: required, starts with /, ≤32`);
    if (typeof c.description !== 'string' || c.description.length === 0) problems.push(`slash_commands[${i}].description: required`);
    if (c.url !== undefined && !/^https:\/\//.test(c.url)) problems.push(`slash_commands[${i}].url: an https URL`);
  }
  if (m.settings?.interactivity && typeof m.settings.interactivity.is_enabled !== 'boolean') problems.push('settings.interactivity.is_enabled: required boolean');
  if (problems.length) throw new Error(`manifest.yml: ${problems.join('; ')}`);
  return m as Manifest;
}

const text = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');
const manifest: Manifest = asManifest(parse(text));

const work = mkdtempSync(join(ROOT, 'node_modules', '.cache-nm-manifest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** tsc over `const m: Manifest = <value>` in a scratch folder that resolves @slack/bolt from this repo. */
async function typecheck(value: unknown, file: string): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(work, `${file}.ts`), [
    "import type { webApi } from '@slack/bolt';",
    "type Manifest = webApi.AppsManifestCreateArguments['manifest'];",
    `export const manifest: Manifest = ${JSON.stringify(value, null, 2)};`,
    '',
  ].join('\n'));
  writeFileSync(join(work, `${file}.json`), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, types: [] },
    files: [`${file}.ts`],
  }));
  try {
    const r = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(work, `${file}.json`)], { cwd: ROOT });
    return { ok: true, output: r.stdout };
  } catch (e) {
    return { ok: false, output: String((e as { stdout?: string }).stdout ?? e) };
  }
}

describe('manifest.yml', () => {
  it('type-checks as @slack/web-api Manifest (tsc over the parsed YAML)', async () => {
    const res = await typecheck(manifest, 'manifest');
    expect(res.output).toBe('');
    expect(res.ok).toBe(true);
  });

  it('the type check is real: a typo\'d scope and a missing description fail it', async () => {
    const bad = structuredClone(manifest) as Record<string, any>;
    bad.oauth_config.scopes.bot.push('chat:writez');
    delete bad.features.slash_commands[0].description;
    const res = await typecheck(bad, 'negative');
    expect(res.ok).toBe(false);
    expect(res.output).toMatch(/chat:writez/);
    expect(res.output).toMatch(/description/);
  });

  it('declares the command and the request URLs the code serves', () => {
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    const cmd = commands[0]!;
    expect(new URL(cmd.url!).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(new URL(manifest.settings!.interactivity!.request_url!).pathname).toBe(SLACK_EVENTS_PATH);
    expect(new URL(cmd.url!).origin).toBe(new URL(manifest.settings!.interactivity!.request_url!).origin);
    expect(manifest.settings?.socket_mode_enabled).toBe(false);
    expect(manifest.features?.bot_user?.display_name).toBeTruthy();
    expect(manifest.oauth_config?.scopes?.bot).toContain('commands');
    expect(manifest.oauth_config?.scopes?.bot).toContain('chat:write');
  });

  it('the runtime door rejects what Slack would', () => {
    expect(() => asManifest({ display_information: {} })).toThrow(/display_information\.name/);
    expect(() => asManifest({ display_information: { name: 'x' }, features: { slash_commands: [{ command: 'natmigrate' }] } })).toThrow(/command: required, starts with \/.*description: required/);
  });
});
