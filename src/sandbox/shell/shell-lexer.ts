// The shell's lexer: script text → words (raw, quotes and substitutions kept for the expander), operators,
// newlines and redirections. Here-document bodies are read at the newline after their operator, as bash does.

export interface Heredoc { delim: string; quoted: boolean; strip: boolean; body: string }
export type Tok =
  | { t: 'word'; raw: string }
  | { t: 'op'; op: string }
  | { t: 'nl' }
  | { t: 'redir'; fd: number; kind: '>' | '>>' | '<' | '>&' | '&>' | '<<'; heredoc?: Heredoc };

/** A script bash would refuse to run (reported as `bash: <message>`, exit 2). */
export class ShellSyntaxError extends Error {}

export function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  const pendingDocs: Heredoc[] = [];
  let i = 0;
  let word = '';
  let inWord = false;
  /** Index just after the quote closing the single-quoted string that opens at `from`. */
  const afterSingleQuote = (from: number): number => {
    const e = src.indexOf("'", from + 1);
    if (e < 0) throw new ShellSyntaxError('unexpected EOF while looking for matching `\'\'');
    return e + 1;
  };
  const endWord = () => { if (inWord) toks.push({ t: 'word', raw: word }); word = ''; inWord = false; };
  const scanBalanced = (open: string, close: string): number => {
    // i points just after the opening sequence; returns index after the matching close
    let depth = 1;
    let j = i;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '\\') { j += 2; continue; }
      if (c === "'") { j = afterSingleQuote(j); continue; }
      if (c === '"') { j = scanDq(j + 1); continue; }
      if (src.startsWith(open, j) && open !== close) { depth++; j += open.length; continue; }
      if (src.startsWith(close, j)) { depth--; j += close.length; if (depth === 0) return j; continue; }
      j++;
    }
    throw new ShellSyntaxError(`unexpected EOF while looking for matching \`${close}'`);
  };
  const scanDq = (from: number): number => {
    let j = from;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '\\') { j += 2; continue; }
      if (c === '"') return j + 1;
      if (c === '$' && src[j + 1] === '(') { const save = i; i = j + 2; j = scanBalanced('(', ')'); i = save; continue; }
      if (c === '`') { const e = src.indexOf('`', j + 1); if (e < 0) break; j = e + 1; continue; }
      j++;
    }
    throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
  };
  const readHeredocs = () => {
    for (const d of pendingDocs.splice(0)) {
      const lines: string[] = [];
      for (;;) {
        if (i >= src.length) break;
        const nl = src.indexOf('\n', i);
        let line = src.slice(i, nl < 0 ? src.length : nl);
        i = nl < 0 ? src.length : nl + 1;
        if (d.strip) line = line.replace(/^\t+/, '');
        if (line === d.delim) break;
        lines.push(line);
      }
      d.body = lines.length ? `${lines.join('\n')}\n` : '';
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && src[i + 1] === '\n') { i += 2; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { endWord(); i++; continue; }
    if (c === '\n') { endWord(); toks.push({ t: 'nl' }); i++; readHeredocs(); continue; }
    if (c === '#' && !inWord) { while (i < src.length && src[i] !== '\n') i++; continue; }
    // redirections: [n]> [n]>> [n]< << <<- >& &>
    const redir = /^(\d?)(>>|>&|<<-|<<|>|<)|^(&>)/.exec(src.slice(i, i + 4));
    // A digit only starts an fd redirection at the start of a word (eth1>x is `eth1` > x).
    if (redir && (!redir[1] || !inWord)) {
      endWord();
      i += redir[0].length;
      if (redir[3]) { toks.push({ t: 'redir', fd: 1, kind: '&>' }); continue; }
      const op = redir[2]!;
      const fd = redir[1] ? Number(redir[1]) : op.startsWith('<') ? 0 : 1;
      if (op === '<<' || op === '<<-') {
        while (src[i] === ' ' || src[i] === '\t') i++;
        const m = /^(['"]?)([A-Za-z0-9_\-]+)\1/.exec(src.slice(i));
        if (!m) throw new ShellSyntaxError('syntax error near unexpected token `newline\'');
        i += m[0].length;
        const doc: Heredoc = { delim: m[2]!, quoted: !!m[1], strip: op === '<<-', body: '' };
        pendingDocs.push(doc);
        toks.push({ t: 'redir', fd, kind: '<<', heredoc: doc });
      } else {
        toks.push({ t: 'redir', fd, kind: op as '>' | '>>' | '<' | '>&' });
      }
      continue;
    }
    if (c === '&' && src[i + 1] === '&') { endWord(); toks.push({ t: 'op', op: '&&' }); i += 2; continue; }
    if (c === '|' && src[i + 1] === '|') { endWord(); toks.push({ t: 'op', op: '||' }); i += 2; continue; }
    if (c === ';' && src[i + 1] === ';') throw new ShellSyntaxError('syntax error near unexpected token `;;\' (case is not supported)');
    if ('|;&()'.includes(c)) {
      if (c === '(' && inWord) { word += c; i++; continue; }
      endWord(); toks.push({ t: 'op', op: c }); i++; continue;
    }
    inWord = true;
    if (c === '\\') { word += src.slice(i, i + 2); i += 2; continue; }
    if (c === "'") { const e = afterSingleQuote(i); word += src.slice(i, e); i = e; continue; }
    if (c === '"') { const e = scanDq(i + 1); word += src.slice(i, e); i = e; continue; }
    if (c === '$' && src.startsWith('$((', i)) { i += 3; const e = scanBalanced('((', '))'); word += src.slice(i - 3, e); i = e; continue; }
    if (c === '$' && src[i + 1] === '(') { i += 2; const e = scanBalanced('(', ')'); word += src.slice(i - 2, e); i = e; continue; }
    if (c === '$' && src[i + 1] === '{') { const e = src.indexOf('}', i); if (e < 0) throw new ShellSyntaxError('bad substitution'); word += src.slice(i, e + 1); i = e + 1; continue; }
    if (c === '`') { const e = src.indexOf('`', i + 1); if (e < 0) throw new ShellSyntaxError('unexpected EOF while looking for matching ``\''); word += src.slice(i, e + 1); i = e + 1; continue; }
    word += c; i++;
  }
  endWord();
  if (pendingDocs.length) readHeredocs();
  return toks;
}
