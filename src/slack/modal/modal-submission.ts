import { parseCommand, type CommandRefusal } from '../../domain/command.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Lang } from '../../i18n/lang.ts';
import { plain } from '../mrkdwn.ts';
import { B, CONFIGURE_GUEST, TARGET_ACTION, type ModalMeta } from './start-modal.ts';

/**
 * A submitted start modal as the command it stands for: the same words a person would type after `/natmigrate`,
 * checked by the same parser. Several instances with canary or concurrency are `run --all <target>` when every
 * listed instance is selected (the command allows those knobs only there); otherwise `run <ids…>`. What the parser
 * refuses is shown under the field it is about (response_action: errors).
 */

type StateValues = Record<string, Record<string, {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_conversation?: string | null;
}>>;

export type Submission = { ok: true; text: string; channelId: string; region: string } | { ok: false; errors: Record<string, string> };

const field = (v: StateValues, block: string, action: string = block) => v[block]?.[action];

const PORT_CODES: ReadonlySet<CommandRefusal['code']> = new Set(['ports_empty', 'port_range', 'not_a_port', 'port_out_of_range', 'too_many_ports']);

/** Which field a parser refusal is about: the flag it names, a port list, a region; otherwise the instances. */
function blockOf(r: CommandRefusal): string {
  const flag = 'flag' in r ? r.flag : undefined;
  if (PORT_CODES.has(r.code) || flag === 'ports') return B.ports;
  if (flag === 'canary') return B.canary;
  if (flag === 'concurrency') return B.concurrency;
  if (flag === 'region' || (r.code === 'bad_id' && r.id.kind === 'region')) return B.region;
  return B.instances;
}

export function readSubmission(values: StateValues, metaRaw: string | undefined, lang: Lang): Submission {
  const m = msg(lang);
  let meta: ModalMeta = {};
  try { meta = JSON.parse(metaRaw ?? '{}') as ModalMeta; } catch { meta = {}; }
  const channelId = field(values, B.channel)?.selected_conversation ?? '';
  const region = (field(values, B.region)?.value ?? '').trim();
  const target = field(values, B.target, TARGET_ACTION)?.selected_option?.value ?? meta.target;
  const picked = field(values, B.instances)?.selected_options?.map((o) => o.value);
  const ports = (field(values, B.ports)?.value ?? '').trim();
  const guest = (field(values, B.options)?.selected_options ?? []).some((o) => o.value === CONFIGURE_GUEST);
  const canary = (field(values, B.canary)?.value ?? '').trim();
  const concurrency = (field(values, B.concurrency)?.value ?? '').trim();

  const errors: Record<string, string> = {};
  if (picked === undefined) errors[B.target] = m.modalPickTargetFirst();
  else if (picked.length === 0) errors[B.instances] = m.modalNoInstance();
  const whole = picked !== undefined && target !== undefined && meta.listed !== undefined && meta.listed.length > 0 && meta.listed.every((id) => picked.includes(id)) && picked.length === meta.listed.length;
  if ((canary || concurrency) && picked && picked.length > 0 && !whole) errors[canary ? B.canary : B.concurrency] = m.modalWholeTargetOnly();
  if (Object.keys(errors).length) return { ok: false, errors };

  const words = (canary || concurrency) && whole ? ['run', '--all', target!] : ['run', ...picked!];
  if (region) words.push('--region', region);
  if (ports) words.push('--ports', ports);
  if (guest) words.push('--configure-guest');
  if (canary && whole) words.push('--canary', canary);
  if (concurrency && whole) words.push('--concurrency', concurrency);
  const text = words.join(' ');
  const parsed = parseCommand(text);
  if (!parsed.ok) return { ok: false, errors: { [blockOf(parsed.refusal)]: plain(m.commandRefusal({ refusal: parsed.refusal })).slice(0, 2000) } };
  return { ok: true, text, channelId, region };
}
