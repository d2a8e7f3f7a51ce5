import type { MappedInstance } from '../../engine/ports.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Lang } from '../../i18n/lang.ts';
import { code, escCut, plainText, truncate } from '../mrkdwn.ts';

/**
 * The modal that starts a migration (https://docs.slack.dev/surfaces/modals): the channel for the job's thread, the
 * region, the NAT gateway or VPC (an external select: its options are read from the cloud when the person types,
 * https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select), then — once one is
 * picked — its instances still on a DNAT IP mapping, all pre-selected, with their EIP; ports, --configure-guest, and
 * canary and concurrency for a whole gateway. It opens with no cloud read at all, so it is on screen inside the
 * trigger_id's 3 seconds.
 */

export const START_MODAL_CALLBACK = 'natmigrate_start_modal';
export const START_SHORTCUT_CALLBACK = 'natmigrate_start';
export const TARGET_ACTION = 'natmigrate_target';
export const B = { channel: 'channel', region: 'region', target: 'target', instances: 'instances', ports: 'ports', options: 'options', canary: 'canary', concurrency: 'concurrency' } as const;
export const CONFIGURE_GUEST = 'configure-guest';
/** A multi_static_select takes at most 100 options. */
export const MAX_INSTANCE_OPTIONS = 100;

export interface ModalState {
  channelId?: string;
  region: string;
  target?: string;
  /** Undefined until the target's instances were read; 'loading' while they are. */
  instances?: MappedInstance[] | 'loading' | { failed: string };
}

export interface ModalMeta {
  /** The region the modal opened with (block_suggestion payloads may not carry what was typed). */
  region?: string;
  /** The IP-mapped instances listed when the target was read (to tell "all of them" from a subset). */
  listed?: string[];
  target?: string;
}

// plainText maps unit for unit, so only the units the cut can keep are escaped (an option shows 75 of a long name).
const pt = (text: string, max = 150) => ({ type: 'plain_text' as const, text: truncate(plainText(text.slice(0, max + 1)), max) });
const option = (text: string, value: string) => ({ text: pt(text, 75), value });

function instanceOption(i: MappedInstance, lang: Lang) {
  const m = msg(lang);
  const eip = i.eip ?? '–';
  return option(i.ready ? m.modalInstanceOption({ id: i.instanceId, eip, name: i.name && i.name !== i.instanceId ? i.name : '' }) : m.modalInstanceRefused({ id: i.instanceId, eip, code: i.refusal ?? '' }), i.instanceId);
}

export function startModal(s: ModalState, lang: Lang): Record<string, unknown> {
  const m = msg(lang);
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: m.modalIntro() } },
    {
      type: 'input', block_id: B.channel, label: pt(m.modalChannel()),
      element: { type: 'conversations_select', action_id: B.channel, filter: { include: ['public', 'private'], exclude_bot_users: true }, ...(s.channelId ? { initial_conversation: s.channelId } : { default_to_current_conversation: true }) },
    },
    { type: 'input', block_id: B.region, label: pt(m.modalRegion()), element: { type: 'plain_text_input', action_id: B.region, initial_value: s.region, max_length: 40 } },
    {
      type: 'input', block_id: B.target, label: pt(m.modalTarget()), dispatch_action: true, hint: pt(m.modalTargetHint(), 2000),
      element: {
        type: 'external_select', action_id: TARGET_ACTION, min_query_length: 0, placeholder: pt(m.modalTargetPlaceholder()),
        ...(s.target ? { initial_option: option(s.target, s.target) } : {}),
      },
    },
  ];
  const meta: ModalMeta = { region: s.region };
  if (s.target) meta.target = s.target;
  const list = s.instances;
  if (list === 'loading') blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.modalLoading({ target: code(s.target ?? '') }) }] });
  else if (list && 'failed' in list) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.modalLoadFailed({ target: code(s.target ?? ''), reason: escCut(list.failed, 500) }) }] });
  else if (list && list.length === 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.modalNoneMapped({ target: code(s.target ?? '') }) }] });
  else if (list) {
    const shown = list.slice(0, MAX_INSTANCE_OPTIONS);
    const options = shown.map((i) => instanceOption(i, lang));
    const initial = shown.filter((i) => i.ready).map((i) => instanceOption(i, lang));
    meta.listed = shown.filter((i) => i.ready).map((i) => i.instanceId);
    blocks.push({
      type: 'input', block_id: B.instances, label: pt(m.modalInstances()),
      element: { type: 'multi_static_select', action_id: B.instances, options, ...(initial.length ? { initial_options: initial } : {}) },
    });
  }
  blocks.push(
    { type: 'input', block_id: B.ports, optional: true, label: pt(m.modalPorts()), hint: pt(m.modalPortsHint(), 2000), element: { type: 'plain_text_input', action_id: B.ports, initial_value: 'any', max_length: 200 } },
    {
      type: 'input', block_id: B.options, optional: true, label: pt(m.modalOptions()),
      element: { type: 'checkboxes', action_id: B.options, options: [{ text: pt(m.modalConfigureGuest(), 75), description: pt(m.modalConfigureGuestHint()), value: CONFIGURE_GUEST }] },
    },
    { type: 'input', block_id: B.canary, optional: true, label: pt(m.modalCanary()), hint: pt(m.modalCanaryHint(), 2000), element: { type: 'plain_text_input', action_id: B.canary, max_length: 4 } },
    { type: 'input', block_id: B.concurrency, optional: true, label: pt(m.modalConcurrency()), element: { type: 'plain_text_input', action_id: B.concurrency, max_length: 4 } },
  );
  return {
    type: 'modal', callback_id: START_MODAL_CALLBACK, title: pt(m.modalTitle(), 24), submit: pt(m.modalSubmit(), 24), close: pt(m.modalClose(), 24),
    private_metadata: JSON.stringify(meta).slice(0, 3000), blocks,
  };
}
