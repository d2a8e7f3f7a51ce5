/**
 * Where each needle first appears in a thread, in order: one string per message (a message may hold several replies
 * merged by the outbox, in order), each needle searched after the previous one, later in the same message or in a
 * later one. Returns the message index of each; throws with the transcript when one is missing.
 */
export function assertOrder(lines: string[], needles: (string | RegExp)[]): number[] {
  const idx: number[] = [];
  let line = 0;
  let offset = 0;
  for (const n of needles) {
    let found = false;
    for (let k = line; k < lines.length && !found; k++) {
      const at = indexIn(lines[k]!, n, k === line ? offset : 0);
      if (at < 0) continue;
      idx.push(k);
      line = k;
      offset = at + 1;
      found = true;
    }
    if (!found) throw new Error(`missing (in order) ${String(n)} after line ${line} in:\n${lines.map((l, k) => `[${k}] ${l}`).join('\n')}`);
  }
  return idx;
}

function indexIn(s: string, n: string | RegExp, from: number): number {
  if (typeof n === 'string') return s.indexOf(n, from);
  const re = new RegExp(n.source, `${n.flags.replace('g', '')}g`);
  re.lastIndex = from;
  return re.exec(s)?.index ?? -1;
}
