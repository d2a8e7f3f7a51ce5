/**
 * Renders a Slack message the way a person reads it in the client: blocks win over `text` (Slack shows `text`
 * only as the notification fallback when blocks are present), mentions become @names, dates their fallback.
 */

export interface NameLookup {
  user(id: string): string | undefined;
  group(id: string): string | undefined;
  channel(id: string): string | undefined;
}

const noNames: NameLookup = { user: () => undefined, group: () => undefined, channel: () => undefined };

/** Slack's "<…>" tokens and HTML entities, resolved as the client shows them. */
export function renderMrkdwn(text: string, names: NameLookup = noNames): string {
  const out = text.replace(/<([^<>]+)>/g, (_m, inner: string) => {
    const [head, label] = splitOnce(inner, '|');
    if (head.startsWith('@')) return `@${label ?? names.user(head.slice(1)) ?? head.slice(1)}`;
    if (head.startsWith('#')) return `#${label ?? names.channel(head.slice(1)) ?? head.slice(1)}`;
    if (head.startsWith('!subteam^')) return `@${label ?? names.group(head.slice(9)) ?? head.slice(9)}`;
    if (head.startsWith('!date^')) return label ?? head;
    if (head.startsWith('!')) return `@${head.slice(1)}`;
    return label ?? head;
  });
  return out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function textOf(t: unknown, names: NameLookup): string {
  if (!isObj(t)) return '';
  const s = typeof t.text === 'string' ? t.text : '';
  return t.type === 'mrkdwn' ? renderMrkdwn(s, names) : s;
}

/** One block → the lines a person sees. */
function renderBlock(block: unknown, names: NameLookup = noNames): string[] {
  if (!isObj(block)) return [];
  switch (block.type) {
    case 'header':
      return [textOf(block.text, names)];
    case 'divider':
      return ['———'];
    case 'section': {
      const lines: string[] = [];
      if (block.text) lines.push(textOf(block.text, names));
      if (Array.isArray(block.fields)) lines.push(block.fields.map((f) => textOf(f, names)).join(' | '));
      if (isObj(block.accessory) && block.accessory.type === 'button') lines.push(`[${textOf(block.accessory.text, names)}]`);
      return lines;
    }
    case 'context':
      return Array.isArray(block.elements) ? [block.elements.map((e) => textOf(e, names)).filter(Boolean).join(' · ')] : [];
    case 'actions':
      return Array.isArray(block.elements)
        ? [block.elements.map((e) => (isObj(e) && e.type === 'button' ? `[${textOf(e.text, names)}]` : '[…]')).join(' ')]
        : [];
    case 'rich_text':
      return ['(rich text)'];
    default:
      return [];
  }
}

/** The whole message as displayed: blocks if any, else the text. */
export function renderMessage(msg: { text?: string; blocks?: unknown }, names: NameLookup = noNames): string {
  if (Array.isArray(msg.blocks) && msg.blocks.length > 0) {
    return msg.blocks.flatMap((b) => renderBlock(b, names)).join('\n');
  }
  return renderMrkdwn(msg.text ?? '', names);
}
