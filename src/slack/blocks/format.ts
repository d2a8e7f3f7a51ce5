import type { types } from '@slack/bolt';
import type { Actor, CallEvidence } from '../../domain/events.ts';
import type { DnatEntry, DnatSpec } from '../../domain/cloud-types.ts';
import { code, esc, plain, plainText, truncate } from '../mrkdwn.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { formatDateTime } from '../../i18n/time.ts';
import type { EngineSummary, JobReason, StepFailureText } from '../../domain/job-text.ts';

export { code, codeBlock, codeWithin, esc, escCut, plain, plainText, truncate } from '../mrkdwn.ts';

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
  /**
   * The same reply as one entry of a list (mrkdwn, within a section's limit): replies that have one and wait together
   * go out as lines of shared sections rather than as blocks between dividers, and `note` (the same for every entry of
   * a kind) is shown once under them (merged-replies.ts).
   */
  entry?: { line: string; note: string };
  /** How many replies this message merges (merged-replies.ts); Slack refusing such a post is not met with its minimal form. */
  merged?: number;
}

// Slack limits (https://docs.slack.dev/reference/block-kit/blocks): exceeding them makes the whole post fail.
export const LIMITS = { sectionText: 3000, field: 2000, header: 150, buttonText: 75, blocks: 50, fallbackText: 3900, contextElements: 10 } as const;

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : esc(userId);
}

export function actor(a: Actor | undefined, lang: Lang = 'en'): string {
  if (!a) return 'natmigrate';
  return a.kind === 'user' ? mention(a.userId) : msg(lang).botActor();
}

export function actors(list: Actor[], lang: Lang = 'en'): string {
  const t = msg(lang);
  return list.length ? list.map((a) => actor(a, lang)).join(t.listJoin()) : t.nobody();
}

/**
 * A date and time as the reader's language writes it, with the time zone shown ("Dec 6, 2026, 20:01:02 UTC",
 * "2026/12/06 20:01:02 UTC"; i18n/time.ts). Plain text: Slack's <!date> token would show each reader's local time
 * but not which zone it is.
 */
export function when(iso: string | number, lang: Lang = 'en'): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return esc(String(iso));
  return formatDateTime(ms, lang);
}

/**
 * A finished job's summary in the reader's language: worded from its facts (src/domain/job-text.ts), or, for a record
 * or event from before the facts were kept, the stored English sentence shown as data. Plain text: escape it.
 */
export function summaryText(s: { summary?: string; text?: EngineSummary; outcomeText?: EngineSummary; summaryText?: EngineSummary }, lang: Lang): string {
  const facts = s.text ?? s.outcomeText ?? s.summaryText;
  return facts ? msg(lang).outcomeText({ text: facts }) : (s.summary ?? '');
}

/** A step error's message in the reader's language: the engine's own reason from its code, a cloud's as the cloud wrote it. Plain text. */
export function stepErrorText(e: { message: string; text?: StepFailureText }, lang: Lang): string {
  return e.text ? msg(lang).stepFailureText({ text: e.text }) : e.message;
}

/** Why a job is restoring, in the reader's language (its codes), else the engine's stored English as data. Plain text. */
export function reasonText(s: { reason: string; reasons?: JobReason[] }, lang: Lang): string {
  return s.reasons?.length ? msg(lang).jobReasons({ reasons: s.reasons }) : s.reason;
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
export function dnatEntryText(e: DnatEntry | (DnatSpec & { forwardEntryId?: string; status?: string }), lang: Lang = 'en'): string {
  const f = msg(lang).entryField;
  const parts = [
    e.forwardEntryId ? f({ field: 'entry', value: code(e.forwardEntryId) }) : undefined,
    f({ field: 'table', value: code(e.forwardTableId) }),
    `${code(`${e.externalIp}:${e.externalPort}`)} → ${code(`${e.internalIp}:${e.internalPort}`)}`,
    f({ field: 'protocol', value: code(e.ipProtocol) }),
    e.forwardEntryName ? f({ field: 'name', value: code(e.forwardEntryName) }) : undefined,
    'status' in e && e.status ? f({ field: 'status', value: code(e.status) }) : undefined,
    'natGatewayId' in e && e.natGatewayId ? f({ field: 'natGateway', value: code(e.natGatewayId) }) : undefined,
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
