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
// Any unit `esc` replaces: most text has none and is returned as it is.
// eslint-disable-next-line no-control-regex
const ESCAPED = /[&<>\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** What `esc` puts for one UTF-16 unit, or undefined to keep it. */
function escUnit(c: number): string | undefined {
  if (c === 38) return '&amp;';
  if (c === 60) return '&lt;';
  if (c === 62) return '&gt;';
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return '\uFFFD';
  if (c <= 0x08 || (c >= 0x0b && c <= 0x1f) || (c >= 0x7f && c <= 0x9f)) return ' ';
  return undefined;
}

/**
 * Untrusted text as mrkdwn that shows exactly that text (no mention, link, or formatting control of Slack's).
 * One pass over the text (a hostile name can be tens of thousands of `&` and `<`, escaped once per field it is in).
 */
export function esc(s: string): string {
  if (!ESCAPED.test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const r = escUnit(s.charCodeAt(i));
    if (r === undefined) continue;
    out += s.slice(from, i) + r;
    from = i + 1;
  }
  return out + s.slice(from);
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
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  // An entity is at most 7 units long: only the tail can hold a cut one (anchored regexes would scan the whole cut).
  const tail = cut.slice(-7);
  const amp = tail.search(/&[a-z#0-9]{0,6}$/i);
  if (amp >= 0) cut = cut.slice(0, cut.length - tail.length + amp);
  // An unclosed `<` (alone, or opening one of ours) can only be the last `<`.
  const open = cut.lastIndexOf('<');
  const unclosed = open >= 0 && (open === cut.length - 1 || ('!@#'.includes(cut[open + 1]!) && !cut.includes('>', open)));
  return unclosed ? cut.slice(0, open) : cut;
}

/** Untrusted text on one line, as inline code: escaped, backticks (which would end the span) and newlines neutralised. */
export function code(s: string | number | undefined): string {
  const body = codeBody(String(s ?? ''));
  return body.trim() ? `\`${body}\`` : '`-`';
}

/**
 * `code(s)` for a line that is cut to `max` units right after: the same first `max` units, and longer than `max`
 * exactly when `code(s)` is. A value far longer than the cut is not escaped whole only to be thrown away.
 */
export function codeWithin(s: string, max: number): string {
  if (s.length > 2 * max + 2) {
    // codeBody maps each unit by itself and the one before it, so the body of a prefix is a prefix of the body.
    const head = codeBody(s.slice(0, 2 * max + 2));
    if (head.length > max && head.trim()) return `\`${head}`;
  }
  return code(s);
}

/** `esc`, then a backtick as `'` and each run of line feeds as one space (`esc` made every `\r` a space), in one pass. */
function codeBody(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const r = c === 10 ? (s.charCodeAt(i - 1) === 10 ? '' : ' ') : c === 96 ? "'" : escUnit(c);
    if (r === undefined) continue;
    out += s.slice(from, i) + r;
    from = i + 1;
  }
  return out + s.slice(from);
}

/** Untrusted text as a code block of at most `max` characters (the fences included). */
export function codeBlock(s: string, max = 2980): string {
  return `\`\`\`${truncate(esc(s).replace(/`{3,}/g, "'''"), Math.max(1, max - 6))}\`\`\``;
}

/** Untrusted text, escaped and cut to `max` (the cut counts the escaped form). */
export function escCut(s: string, max: number): string {
  // Escaping never shortens, so what lies past `max + 1` units of the raw text cannot reach the cut: not escaped at all.
  return truncate(esc(s.slice(0, max + 1)), max);
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
