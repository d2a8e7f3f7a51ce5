// The session as a person reads it: what people typed and clicked, what only they saw, what the bot posted in the
// channel, then the job's thread message by message (edits applied: the status card and the approval card read as
// they do at the end).
import type { FakeMessage, FakeSlack } from '../slack-sim/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { msg } from '../i18n/catalog.ts';

/** Something a person did (Slack does not show it as a message, but it is part of the story). */
export interface PersonAction {
  at: number;
  who: string;
  /** Typed command or "clicked [Approve] on the approval card". */
  what: string;
  /** Thread root ts when the action happened inside a thread. */
  threadTs?: string;
  /** The slash command's immediate answer, only visible to that person. */
  reply?: string;
}

interface Line {
  at: number;
  who: string;
  text: string;
  order: number;
}

const WHO_WIDTH = 11;
// "HH:MM:SS.mmm" + two spaces + who + one space.
const PAD = ' '.repeat(12 + 2 + WHO_WIDTH + 1);

// Slack shows these shortcodes as emoji; so does the transcript (unknown ones stay as typed).
const EMOJI: Record<string, string> = {
  white_check_mark: '✅', warning: '⚠️', no_entry: '⛔', inbox_tray: '📥', floppy_disk: '💾', mag: '🔍',
  checkered_flag: '🏁', rotating_light: '🚨', x: '❌', hourglass_flowing_sand: '⏳', lock: '🔒', closed_lock_with_key: '🔐',
  arrows_counterclockwise: '🔄', leftwards_arrow_with_hook: '↩️', no_entry_sign: '🚫', stopwatch: '⏱️', information_source: 'ℹ️',
  octagonal_sign: '🛑', heavy_check_mark: '✔️', clipboard: '📋', hourglass: '⌛', construction: '🚧', wastebasket: '🗑️', link: '🔗',
};

function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function tsMs(ts: string): number {
  return Math.floor(Number(ts) * 1000);
}

function format(l: Line): string {
  const [first = '', ...rest] = emojify(l.text).split('\n');
  const head = `${clock(l.at)}  ${l.who.padEnd(WHO_WIDTH)} ${first}`;
  return [head, ...rest.map((r) => `${PAD}${r}`)].join('\n');
}

function sortLines(lines: Line[]): Line[] {
  return lines.sort((a, b) => a.at - b.at || a.order - b.order);
}

function edited(m: FakeMessage, lang: Lang): string {
  return m.edits.length ? msg(lang).demoEdited({ n: m.edits.length }) : '';
}

/** The channel: commands, private answers, top-level posts (a thread root shows its reply count). */
export function channelTranscript(slack: FakeSlack, channel: string, actions: PersonAction[], people: Map<string, string>, lang: Lang = 'en'): string[] {
  const m0 = msg(lang);
  const lines: Line[] = [];
  let order = 0;
  for (const a of actions.filter((x) => !x.threadTs)) {
    lines.push({ at: a.at, who: a.who, text: a.what, order: order++ });
    if (a.reply) lines.push({ at: a.at + 1, who: 'natmigrate', text: `${m0.demoOnlyVisible({ who: a.who })} ${a.reply}`, order: order++ });
  }
  for (const e of slack.ephemerals()) {
    if (e.threadTs || e.channel !== channel) continue;
    lines.push({ at: e.at, who: 'natmigrate', text: `${m0.demoOnlyVisible({ who: people.get(e.user ?? '') ?? String(e.user) })} ${e.shown}`, order: order++ });
  }
  for (const m of slack.channelMessages(channel)) {
    const replies = slack.thread(channel, m.ts).length - 1;
    // A thread root is printed in full with its thread; here only its headline, as the channel list shows it.
    const text = replies > 0
      ? `${slack.render(m).split('\n')[0]}\n${m0.demoRepliesBelow({ n: replies })}`
      : `${slack.render(m)}${edited(m, lang)}`;
    lines.push({ at: tsMs(m.ts), who: people.get(m.user) ?? 'natmigrate', text, order: order++ });
  }
  return sortLines(lines).map(format);
}

/** One thread, root first, with the clicks and private answers that happened in it. */
export function threadTranscript(slack: FakeSlack, channel: string, threadTs: string, actions: PersonAction[], people: Map<string, string>, lang: Lang = 'en'): string[] {
  const lines: Line[] = [];
  let order = 0;
  const msgs = slack.thread(channel, threadTs);
  for (const m of msgs) lines.push({ at: tsMs(m.ts), who: people.get(m.user) ?? 'natmigrate', text: `${slack.render(m)}${edited(m, lang)}`, order: order++ });
  for (const a of actions.filter((x) => x.threadTs === threadTs)) lines.push({ at: a.at, who: a.who, text: a.what, order: order++ });
  for (const e of slack.ephemerals()) {
    if (e.threadTs !== threadTs) continue;
    lines.push({ at: e.at, who: 'natmigrate', text: `${msg(lang).demoOnlyVisible({ who: people.get(e.user ?? '') ?? String(e.user) })} ${e.shown}`, order: order++ });
  }
  const [root, ...rest] = lines;
  return [root, ...sortLines(rest)].filter((l): l is Line => l !== undefined).map(format);
}
