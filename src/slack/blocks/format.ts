import type { types } from '@slack/bolt';
import type { Actor, CallEvidence } from '../../domain/events.ts';
import type { DnatEntry, DnatSpec } from '../../domain/cloud-types.ts';
import { code, esc, plain, plainText, truncate } from '../mrkdwn.ts';

export { code, codeBlock, esc, escCut, plain, plainText, truncate } from '../mrkdwn.ts';

/**
 * Small Block Kit helpers shared by every card. Untrusted text is escaped with ../mrkdwn.ts (re-exported here) before
 * it reaches these helpers; they only cut to Slack's limits.
 */

export type Block = types.KnownBlock;

/** A file shared in a message's thread (files.uploadV2), for what is too long for any message. */
export interface SlackFile {
  filename: string;
  title: string;
  content: string;
}

/**
 * A message as the outbox and listeners post it: `text` is the notification fallback, blocks what people see. What
 * does not fit one message travels with it: numbered continuation replies, or one file, both for its thread.
 */
export interface SlackMessage {
  text: string;
  blocks?: Block[];
  /** Posted right after this message, in order, in its thread ("… (continued 2/3)"). */
  continuations?: SlackMessage[];
  /** Shared in this message's thread once it is posted (the whole list the message only summarises). */
  file?: SlackFile;
}

// Slack limits (https://docs.slack.dev/reference/block-kit/blocks): exceeding them makes the whole post fail.
export const LIMITS = { sectionText: 3000, field: 2000, header: 150, buttonText: 75, blocks: 50, fallbackText: 3900, contextElements: 10 } as const;

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

/** A header is plain_text (no mentions or links), but a `<…>` from elsewhere is still shown as a look-alike. */
export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(plainText(text), LIMITS.header), emoji: true } };
}

export function context(items: string[]): Block {
  return { type: 'context', elements: items.filter(Boolean).slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.field) })) };
}

export const divider: Block = { type: 'divider' };

/** A one-section message whose fallback text is the same line without markup (for short audit lines). */
export function line(text: string): SlackMessage {
  return { text: truncate(plain(text), LIMITS.fallbackText), blocks: [section(truncate(text, LIMITS.sectionText))] };
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
