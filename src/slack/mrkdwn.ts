/**
 * The one escaping discipline for everything natmigrate shows in Slack (blocks, top-level `text`, fallbacks,
 * ephemeral answers): any string that does not come from our own code goes through `esc` (or `code`/`codeBlock`)
 * before it is put into mrkdwn, and every cut goes through `truncate`.
 *
 * Slack treats `&`, `<` and `>` as control characters in text and wants them as `&amp;`, `&lt;`, `&gt;`
 * (https://api.slack.com/reference/surfaces/formatting#escaping); with `<` escaped, no `<!channel>`, `<!here>`,
 * `<@U…>`, `<#C…>`, `<!subteam^…>` or `<https://…|label>` written by someone else can become live. On top of that,
 * bidirectional overrides (U+202A–U+202E, U+2066–U+2069) are shown as a visible mark so they cannot reorder what
 * people read, and other control characters become spaces.
 */

const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
// Control characters except tab and newline (C0, DEL, C1).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Untrusted text as mrkdwn that shows exactly that text (no mention, link, or formatting control of Slack's). */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BIDI, '\uFFFD')
    .replace(CONTROL, ' ');
}

/**
 * Untrusted text for a plain_text field (headers, button labels): Slack parses no mentions or links there, but a
 * `<…>` is still shown as a look-alike, and bidi overrides and control characters are neutralised as in `esc`.
 */
export function plainText(s: string): string {
  return s.replace(/</g, '‹').replace(/>/g, '›').replace(BIDI, '\uFFFD').replace(CONTROL, ' ');
}

/**
 * Cut to at most `max` UTF-16 units (an ellipsis included). Never splits a surrogate pair, an entity such as
 * `&amp;`, or a `<…>` control sequence of our own (a date, a mention): the cut moves back before it.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return max === 1 ? '…' : '';
  const cut = cleanCut(s, max - 1);
  // An unclosed code block would swallow the ellipsis and what follows into code formatting: close it.
  if (!oddFences(cut)) return `${cut}…`;
  const shorter = cleanCut(cut, Math.max(0, max - 4));
  return oddFences(shorter) ? `${shorter}…\`\`\`` : `${shorter}…`;
}

const oddFences = (s: string) => (s.match(/```/g) ?? []).length % 2 === 1;

/** The first `n` units of `s`, moved back before a split surrogate pair, entity or control sequence of ours. */
function cleanCut(s: string, n: number): string {
  let cut = s.slice(0, n);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z#0-9]{0,6}$/i, '');
  const open = cut.search(/<([!@#][^<>]*)?$/);
  return open >= 0 ? cut.slice(0, open) : cut;
}

/** Untrusted text on one line, as inline code: escaped, backticks (which would end the span) and newlines neutralised. */
export function code(s: string | number | undefined): string {
  const body = esc(String(s ?? '')).replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
  return body.trim() ? `\`${body}\`` : '`-`';
}

/** Untrusted text as a code block of at most `max` characters (the fences included). */
export function codeBlock(s: string, max = 2980): string {
  return `\`\`\`${truncate(esc(s).replace(/`{3,}/g, "'''"), Math.max(1, max - 6))}\`\`\``;
}

/** Untrusted text, escaped and cut to `max` (the cut counts the escaped form). */
export function escCut(s: string, max: number): string {
  return truncate(esc(s), max);
}

/**
 * Notification text for mrkdwn we built (already escaped): dates as their fallback, no emoji codes or emphasis
 * marks; what stays escaped stays escaped.
 */
export function plain(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/:[a-z0-9_+-]+:\s*/g, '')
    .replace(/[*`]/g, '')
    .trim();
}
