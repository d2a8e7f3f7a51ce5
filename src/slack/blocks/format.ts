import type { types } from '@slack/bolt';
import type { Actor, CallEvidence } from '../../domain/events.ts';
import type { DnatEntry, DnatSpec } from '../../domain/cloud-types.ts';

/** Small mrkdwn/Block Kit helpers shared by every card. Everything that reaches Slack is escaped here. */

export type Block = types.KnownBlock;

/** A message as the outbox and listeners post it: `text` is the notification fallback, blocks what people see. */
export interface SlackMessage {
  text: string;
  blocks?: Block[];
}

// Slack limits (https://docs.slack.dev/reference/block-kit/blocks): exceeding them makes the whole post fail.
export const LIMITS = { sectionText: 3000, field: 2000, header: 150, buttonText: 75, blocks: 50, fallbackText: 3900, contextElements: 10 } as const;

/** Escape the three characters Slack treats as markup in mrkdwn. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** Inline code, safe for any user-controlled content (backticks would end the span). */
export function code(s: string | number | undefined): string {
  return `\`${esc(String(s ?? '')).replace(/`/g, "'")}\``;
}

export function codeBlock(s: string, max = LIMITS.sectionText - 20): string {
  return `\`\`\`${truncate(esc(s).replace(/```/g, "'''"), max)}\`\`\``;
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : esc(userId);
}

export function actor(a: Actor | undefined): string {
  if (!a) return 'natmigrate';
  return a.kind === 'user' ? mention(a.userId) : 'natmigrate (bot)';
}

export function actors(list: Actor[]): string {
  return list.length ? list.map(actor).join(', ') : 'nobody';
}

/** "2024-05-01 12:03:04 UTC", shown in each reader's own time zone by Slack through <!date>. */
export function when(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return esc(String(iso));
  const fallback = new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<!date^${Math.floor(ms / 1000)}^{date_num} {time_secs}|${fallback}>`;
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

export function fields(items: string[]): Block {
  return { type: 'section', fields: items.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.field) })) };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.header), emoji: true } };
}

export function context(items: string[]): Block {
  return { type: 'context', elements: items.filter(Boolean).slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.field) })) };
}

export const divider: Block = { type: 'divider' };

/** Notification text for a mrkdwn line: dates as their fallback, no emoji codes or emphasis marks. */
export function plain(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/:[a-z0-9_+-]+:\s*/g, '')
    .replace(/[*`]/g, '')
    .trim();
}

/** A one-section message whose fallback text is the same line without markup (for short audit lines). */
export function line(text: string): SlackMessage {
  return { text: truncate(plain(text), LIMITS.fallbackText), blocks: [section(text)] };
}

/** "CreateNetworkInterface OK (RequestId `…`)" for each cloud call of a step. */
export function callsText(calls: CallEvidence[]): string {
  if (!calls.length) return '';
  return calls
    .map((c) => `${esc(c.action)} ${esc(c.code)}${c.requestId ? ` (RequestId ${code(c.requestId)})` : ''}`)
    .join('\n');
}

/** All fields of a DNAT entry, one line: what the thread must show before it is deleted. */
export function dnatEntryText(e: DnatEntry | (DnatSpec & { forwardEntryId?: string; status?: string })): string {
  const parts = [
    e.forwardEntryId ? `entry ${code(e.forwardEntryId)}` : undefined,
    `table ${code(e.forwardTableId)}`,
    `${code(`${e.externalIp}:${e.externalPort}`)} → ${code(`${e.internalIp}:${e.internalPort}`)}`,
    `protocol ${code(e.ipProtocol)}`,
    e.forwardEntryName ? `name ${code(e.forwardEntryName)}` : undefined,
    'status' in e && e.status ? `status ${code(e.status)}` : undefined,
    'natGatewayId' in e && e.natGatewayId ? `NAT gateway ${code(e.natGatewayId)}` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The CreateForwardEntry request that recreates an entry, as a person would re-issue it. */
export function restoreRecipeText(r: DnatSpec): string {
  const req: Record<string, string> = {
    ForwardTableId: r.forwardTableId,
    ExternalIp: r.externalIp,
    ExternalPort: r.externalPort,
    InternalIp: r.internalIp,
    InternalPort: r.internalPort,
    IpProtocol: r.ipProtocol,
  };
  if (r.forwardEntryName) req.ForwardEntryName = r.forwardEntryName;
  return `CreateForwardEntry ${JSON.stringify(req)}`;
}

/** Short, stable rendering of unknown detail values for audit lines. */
export function detailText(detail: Record<string, unknown> | undefined, max = 600): string {
  if (!detail) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(detail)) {
    if (v === undefined || v === null) continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${esc(k)}: ${code(truncate(s, 200))}`);
  }
  return truncate(parts.join(' · '), max);
}
