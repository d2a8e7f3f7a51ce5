import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import type { FakeView } from '../../src/slack-sim/index.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { MIGRATABLE, NO_SNAT, slackScenario } from './scenario.ts';

/**
 * The start modal through the real Bolt receiver and the simulated workspace: `/natmigrate` alone and the global
 * shortcut open it inside the trigger_id's 3 seconds; its NAT gateway select is loaded from the sandbox cloud
 * (block_suggestion); picking one lists the IP-mapped instances with their EIP, pre-selected; bad input is refused
 * under its field; a good submission queues exactly what the typed command queues.
 */

const GW = 'ngw-modalgw0001';
const VPC = 'vpc-modalvpc001';
let env: Env;

beforeAll(async () => {
  const scenario = JSON.parse(JSON.stringify(slackScenario()).replaceAll('"ngw-1"', `"${GW}"`).replaceAll('"vpc-1"', `"${VPC}"`));
  env = await startEnv('e2e-modal', {}, {
    ...FASTER_SLACK,
    scenario,
    bot: ({ slack, service, redis, prefix, outbox, inventory }) => startBot(slack, service, redis, prefix, { outbox, inventory }),
  });
});
afterAll(async () => {
  await env?.close();
});

type Block = { type: string; block_id?: string; element?: { type: string; options?: { text: { text: string }; value: string }[]; initial_options?: { value: string }[] } };
const blocks = (v: FakeView) => v.view.blocks as Block[];
const opt = (text: string, value: string) => ({ text: { type: 'plain_text' as const, text }, value });
const lastModal = (user: string) => env.slack.modals(user).at(-1);

describe('the start modal', () => {
  it('opens from `/natmigrate` alone within the trigger deadline, lists gateways and IP-mapped instances from the cloud, refuses bad input inline, and queues what `run` queues', async () => {
    const before = env.slack.modals('U0ALICE').length;
    const res = await env.slack.slash('U0ALICE', env.channel, '');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const open = env.slack.calls('views.open').at(-1)!;
    expect(open.response).toMatchObject({ ok: true });
    expect(env.slack.modals('U0ALICE')).toHaveLength(before + 1);
    const modal = lastModal('U0ALICE')!;
    expect(modal.view.callback_id).toBe('natmigrate_start_modal');
    // Nothing was read from the cloud to open it.
    expect(blocks(modal).find((b) => b.block_id === 'instances')).toBeUndefined();

    // Typing in the NAT gateway select: options come from DescribeNatGateways, within Slack's 3 s.
    const sug = await env.slack.suggest('U0ALICE', modal.id, 'target', 'natmigrate_target', 'modal');
    const options = (sug.json?.options as { text: { text: string }; value: string }[]).map((o) => o.value);
    expect(options).toEqual([GW, VPC]);
    expect(env.sandbox.requests.some((r) => r.action === 'DescribeNatGateways')).toBe(true);

    // Picking the gateway lists its IP-mapped instances with their EIP, the ones the planner would migrate pre-selected.
    await env.slack.selectInView('U0ALICE', modal.id, 'target', 'natmigrate_target', { text: GW, value: GW });
    const listed = await env.slack.waitFor(() => {
      const v = env.slack.view(modal.id)!;
      return blocks(v).find((b) => b.block_id === 'instances') ? v : undefined;
    }, { what: 'the instances listed', timeoutMs: 15_000 });
    const el = blocks(listed).find((b) => b.block_id === 'instances')!.element!;
    expect(el.options!.map((o) => o.value).sort()).toEqual([...MIGRATABLE.map((m) => m[0]), NO_SNAT].sort());
    expect(el.options!.find((o) => o.value === MIGRATABLE[0]![0])!.text.text).toBe(`${MIGRATABLE[0]![0]} · ${MIGRATABLE[0]![2]}`);
    expect(el.options!.find((o) => o.value === NO_SNAT)!.text.text).toContain('refused: NoSnatCoverage');
    expect(el.initial_options!.map((o) => o.value).sort()).toEqual(MIGRATABLE.map((m) => m[0]).sort());

    // Inline validation: bad ports, canary for a subset, nothing selected.
    const [one] = MIGRATABLE[7]!;
    const bad = await env.slack.submitView('U0ALICE', modal.id, { ports: { ports: { type: 'plain_text_input', value: '22,abc' } } });
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { ports: expect.stringMatching(/port/i) } });
    const subset = { instances: { instances: { type: 'multi_static_select' as const, selected_options: [opt(one, one)] } } };
    const canary = await env.slack.submitView('U0ALICE', modal.id, { ...subset, canary: { canary: { type: 'plain_text_input', value: '2' } } });
    expect(canary.json).toMatchObject({ response_action: 'errors', errors: { canary: expect.stringContaining('whole NAT gateway or VPC') } });
    const none = await env.slack.submitView('U0ALICE', modal.id, { instances: { instances: { type: 'multi_static_select', selected_options: [] } } });
    expect(none.json).toMatchObject({ response_action: 'errors', errors: { instances: 'Select at least one instance.' } });
    expect(env.slack.view(modal.id)!.open).toBe(true);
    expect(await env.jobIds()).toEqual([]);

    // A good submission closes the modal and queues exactly what `/natmigrate run <id> --ports any` queues.
    const ok = await env.slack.submitView('U0ALICE', modal.id, subset);
    expect(ok.status).toBe(200);
    expect(ok.json?.response_action).toBeUndefined();
    expect(env.slack.view(modal.id)!.open).toBe(false);
    const told = await env.slack.waitFor(() => env.slack.ephemerals('U0ALICE').find((e) => e.text.includes('From the form')), { what: 'the answer' });
    expect(told.text).toContain(`\`/natmigrate run ${one} --region cn-hangzhou --ports any\``);
    const jobId = /queued as `([^`]+)`/.exec(told.text)![1]!;
    const [rec] = await env.engine.service.status(jobId);
    expect(rec).toMatchObject({ kind: 'migrate', instanceId: one, requestedBy: 'U0ALICE', options: { ports: { kind: 'all' }, configureGuest: false }, audience: { channelId: env.channel, userId: 'U0ALICE' } });
    await env.approvalCard(jobId);
    await env.rejectAndWait(jobId);
  });

  it('opens from the global shortcut too; a trigger_id opens one view only', async () => {
    const before = env.slack.modals('U0BOB').length;
    const res = await env.slack.shortcut('U0BOB', 'natmigrate_start');
    expect(res.status).toBe(200);
    expect(env.slack.modals('U0BOB')).toHaveLength(before + 1);
    const modal = lastModal('U0BOB')!;
    const channel = (modal.view.blocks as Block[]).find((b) => b.block_id === 'channel')!.element as unknown as { default_to_current_conversation?: boolean };
    expect(channel.default_to_current_conversation).toBe(true);
    // The simulated workspace holds the bot to Slack's rules: a used trigger_id, or an unknown one, opens nothing.
    const used = String(env.slack.calls('views.open').at(-1)!.params.trigger_id);
    const client = new webApi.WebClient(env.slack.botToken, { slackApiUrl: env.slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(client.views.open({ trigger_id: used, view: modal.view as never })).rejects.toMatchObject({ data: { error: 'exchanged_trigger_id' } });
    await expect(client.views.open({ trigger_id: '1.2.nosuch', view: modal.view as never })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
    expect(env.slack.modals('U0BOB')).toHaveLength(before + 1);
  });
});
