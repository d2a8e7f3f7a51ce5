// A small, honest POSIX-shell subset for Cloud Assistant scripts run against a modelled guest.
// Supported: ; newlines && || | ! & (run in foreground), if/elif/else/fi, for/in/do/done, while/until, { } and ( ),
// quoting, $VAR ${VAR} ${VAR:-x} ${VAR%pat} ${VAR#pat} ${#VAR} $? $(...) `...` $((...)), globs on the modelled
// filesystem, redirections (> >> < 2> 2>&1 >&2 &> <<EOF <<'EOF'), set -e / -o pipefail, and a handful of text
// utilities. Anything else answers like bash: "bash: X: command not found", exit 127. See docs/sandbox.md.

export interface ExecResult { stdout: string; stderr: string; code: number }

export class InputStream {
  pos = 0;
  constructor(readonly data: string) {}
  readAll(): string { const s = this.data.slice(this.pos); this.pos = this.data.length; return s; }
  readLine(): string | undefined {
    if (this.pos >= this.data.length) return undefined;
    const nl = this.data.indexOf('\n', this.pos);
    const end = nl < 0 ? this.data.length : nl;
    const line = this.data.slice(this.pos, end);
    this.pos = nl < 0 ? this.data.length : nl + 1;
    return line;
  }
}

export interface VirtualFs {
  read(path: string): string | undefined;
  /** Returns an error message when the path cannot be written. */
  write(path: string, content: string, append: boolean): string | undefined;
  kind(path: string): 'file' | 'dir' | undefined;
  list(dir: string): string[] | undefined;
}

export interface ShellContext {
  vars: Map<string, string>;
  fs: VirtualFs;
  /** Modelled wall time spent (sleep). */
  sleepMs: number;
}

export type Command = (args: string[], stdin: InputStream, sh: ShellContext) => ExecResult;

const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0 });
const fail = (stderr: string, code = 1): ExecResult => ({ stdout: '', stderr, code });

// ── lexer ────────────────────────────────────────────────────────────────
interface Heredoc { delim: string; quoted: boolean; strip: boolean; body: string }
type Tok =
  | { t: 'word'; raw: string }
  | { t: 'op'; op: string }
  | { t: 'nl' }
  | { t: 'redir'; fd: number; kind: '>' | '>>' | '<' | '>&' | '&>' | '<<'; heredoc?: Heredoc };

class SyntaxError_ extends Error {}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  const pendingDocs: Heredoc[] = [];
  let i = 0;
  let word = '';
  let inWord = false;
  const endWord = () => { if (inWord) toks.push({ t: 'word', raw: word }); word = ''; inWord = false; };
  const scanBalanced = (open: string, close: string): number => {
    // i points just after the opening sequence; returns index after the matching close
    let depth = 1;
    let j = i;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '\\') { j += 2; continue; }
      if (c === "'") { const e = src.indexOf("'", j + 1); if (e < 0) throw new SyntaxError_('unexpected EOF while looking for matching `\'\''); j = e + 1; continue; }
      if (c === '"') { j = scanDq(j + 1); continue; }
      if (src.startsWith(open, j) && open !== close) { depth++; j += open.length; continue; }
      if (src.startsWith(close, j)) { depth--; j += close.length; if (depth === 0) return j; continue; }
      j++;
    }
    throw new SyntaxError_(`unexpected EOF while looking for matching \`${close}'`);
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
    throw new SyntaxError_('unexpected EOF while looking for matching `"\'');
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
        if (!m) throw new SyntaxError_('syntax error near unexpected token `newline\'');
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
    if (c === ';' && src[i + 1] === ';') throw new SyntaxError_('syntax error near unexpected token `;;\' (case is not supported)');
    if ('|;&()'.includes(c)) {
      if (c === '(' && inWord) { word += c; i++; continue; }
      endWord(); toks.push({ t: 'op', op: c }); i++; continue;
    }
    inWord = true;
    if (c === '\\') { word += src.slice(i, i + 2); i += 2; continue; }
    if (c === "'") {
      const e = src.indexOf("'", i + 1);
      if (e < 0) throw new SyntaxError_('unexpected EOF while looking for matching `\'\'');
      word += src.slice(i, e + 1); i = e + 1; continue;
    }
    if (c === '"') { const e = scanDq(i + 1); word += src.slice(i, e); i = e; continue; }
    if (c === '$' && src.startsWith('$((', i)) { i += 3; const e = scanBalanced('((', '))'); word += src.slice(i - 3, e); i = e; continue; }
    if (c === '$' && src[i + 1] === '(') { i += 2; const e = scanBalanced('(', ')'); word += src.slice(i - 2, e); i = e; continue; }
    if (c === '$' && src[i + 1] === '{') { const e = src.indexOf('}', i); if (e < 0) throw new SyntaxError_('bad substitution'); word += src.slice(i, e + 1); i = e + 1; continue; }
    if (c === '`') { const e = src.indexOf('`', i + 1); if (e < 0) throw new SyntaxError_('unexpected EOF while looking for matching ``\''); word += src.slice(i, e + 1); i = e + 1; continue; }
    word += c; i++;
  }
  endWord();
  if (pendingDocs.length) readHeredocs();
  return toks;
}

// ── parser ───────────────────────────────────────────────────────────────
interface Redir { fd: number; kind: '>' | '>>' | '<' | '>&' | '&>' | '<<'; target: string; heredoc?: Heredoc }
type Node =
  | { t: 'simple'; assigns: string[]; words: string[]; redirs: Redir[]; line: number }
  | { t: 'pipeline'; neg: boolean; cmds: Node[] }
  | { t: 'andor'; first: Node; rest: { op: '&&' | '||'; node: Node }[] }
  | { t: 'list'; items: Node[] }
  | { t: 'if'; clauses: { cond: Node; body: Node }[]; otherwise?: Node; redirs: Redir[] }
  | { t: 'for'; name: string; words: string[] | null; body: Node; redirs: Redir[] }
  | { t: 'while'; until: boolean; cond: Node; body: Node; redirs: Redir[] }
  | { t: 'group'; body: Node; sub: boolean; redirs: Redir[] };

class Parser {
  private p = 0;
  line = 1;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok | undefined { return this.toks[this.p]; }
  private next(): Tok | undefined { const t = this.toks[this.p++]; if (t?.t === 'nl') this.line++; return t; }
  private isWord(w: string, t = this.peek()): boolean { return t?.t === 'word' && t.raw === w; }
  private skipNl(): void { while (this.peek()?.t === 'nl') this.next(); }
  private expectWord(w: string): void {
    this.skipNl();
    const t = this.next();
    if (!(t?.t === 'word' && t.raw === w)) throw new SyntaxError_(`syntax error: expected \`${w}'${t?.t === 'word' ? ` near \`${t.raw}'` : ''}`);
  }

  parseScript(): Node {
    const n = this.parseList(new Set());
    if (this.p < this.toks.length) {
      const t = this.peek()!;
      throw new SyntaxError_(`syntax error near unexpected token \`${t.t === 'word' ? t.raw : t.t === 'op' ? t.op : 'newline'}'`);
    }
    return n;
  }

  /** A list ends at EOF, a closing `)`, or a reserved word in `stops` at command position. */
  private parseList(stops: Set<string>): Node {
    const items: Node[] = [];
    for (;;) {
      while (this.peek()?.t === 'nl' || (this.peek()?.t === 'op' && [';', '&'].includes((this.peek() as { op: string }).op))) this.next();
      const t = this.peek();
      if (!t) break;
      if (t.t === 'word' && stops.has(t.raw)) break;
      if (t.t === 'op' && t.op === ')') break;
      items.push(this.parseAndOr());
      const after = this.peek();
      if (after && !(after.t === 'nl' || (after.t === 'op' && (after.op === ';' || after.op === '&' || after.op === ')')) || (after.t === 'word' && stops.has(after.raw)))) {
        throw new SyntaxError_(`syntax error near unexpected token \`${after.t === 'word' ? after.raw : after.t === 'op' ? after.op : 'redirection'}'`);
      }
    }
    return { t: 'list', items };
  }

  private parseAndOr(): Node {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; node: Node }[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && (t.op === '&&' || t.op === '||')) {
        this.next(); this.skipNl();
        rest.push({ op: t.op, node: this.parsePipeline() });
      } else break;
    }
    return rest.length ? { t: 'andor', first, rest } : first;
  }

  private parsePipeline(): Node {
    let neg = false;
    if (this.isWord('!')) { this.next(); neg = true; }
    const cmds = [this.parseCommand()];
    while (this.peek()?.t === 'op' && (this.peek() as { op: string }).op === '|') { this.next(); this.skipNl(); cmds.push(this.parseCommand()); }
    return { t: 'pipeline', neg, cmds };
  }

  private parseRedirs(): Redir[] {
    const out: Redir[] = [];
    while (this.peek()?.t === 'redir') out.push(this.parseRedir());
    return out;
  }
  private parseRedir(): Redir {
    const r = this.next() as Extract<Tok, { t: 'redir' }>;
    if (r.kind === '<<') return { fd: r.fd, kind: '<<', target: '', heredoc: r.heredoc };
    const w = this.next();
    if (w?.t !== 'word') throw new SyntaxError_('syntax error near unexpected token `newline\'');
    return { fd: r.fd, kind: r.kind, target: w.raw };
  }

  private parseCommand(): Node {
    const t = this.peek();
    if (!t) throw new SyntaxError_('syntax error: unexpected end of file');
    if (t.t === 'op' && t.op === '(') {
      this.next();
      const body = this.parseList(new Set());
      const close = this.next();
      if (!(close?.t === 'op' && close.op === ')')) throw new SyntaxError_('syntax error: expected `)\'');
      return { t: 'group', body, sub: true, redirs: this.parseRedirs() };
    }
    if (t.t === 'word') {
      switch (t.raw) {
        case '{': {
          this.next();
          const body = this.parseList(new Set(['}']));
          this.expectWord('}');
          return { t: 'group', body, sub: false, redirs: this.parseRedirs() };
        }
        case 'if': {
          this.next();
          const clauses: { cond: Node; body: Node }[] = [];
          let otherwise: Node | undefined;
          const cond = this.parseList(new Set(['then']));
          this.expectWord('then');
          clauses.push({ cond, body: this.parseList(new Set(['elif', 'else', 'fi'])) });
          for (;;) {
            this.skipNl();
            const k = this.next();
            if (k?.t === 'word' && k.raw === 'elif') {
              const c = this.parseList(new Set(['then']));
              this.expectWord('then');
              clauses.push({ cond: c, body: this.parseList(new Set(['elif', 'else', 'fi'])) });
            } else if (k?.t === 'word' && k.raw === 'else') {
              otherwise = this.parseList(new Set(['fi']));
              this.expectWord('fi');
              break;
            } else if (k?.t === 'word' && k.raw === 'fi') break;
            else throw new SyntaxError_('syntax error: expected `fi\'');
          }
          return { t: 'if', clauses, otherwise, redirs: this.parseRedirs() };
        }
        case 'for': {
          this.next();
          const name = this.next();
          if (name?.t !== 'word' || !/^[A-Za-z_]\w*$/.test(name.raw)) throw new SyntaxError_('syntax error: bad for-loop variable');
          let words: string[] | null = null;
          this.skipNl();
          if (this.isWord('in')) {
            this.next();
            words = [];
            while (this.peek()?.t === 'word') words.push((this.next() as { raw: string }).raw);
          }
          if (this.peek()?.t === 'op' && (this.peek() as { op: string }).op === ';') this.next();
          this.expectWord('do');
          const body = this.parseList(new Set(['done']));
          this.expectWord('done');
          return { t: 'for', name: name.raw, words, body, redirs: this.parseRedirs() };
        }
        case 'while':
        case 'until': {
          this.next();
          const cond = this.parseList(new Set(['do']));
          this.expectWord('do');
          const body = this.parseList(new Set(['done']));
          this.expectWord('done');
          return { t: 'while', until: t.raw === 'until', cond, body, redirs: this.parseRedirs() };
        }
        case 'then': case 'elif': case 'else': case 'fi': case 'do': case 'done': case '}': case 'in':
          throw new SyntaxError_(`syntax error near unexpected token \`${t.raw}'`);
      }
    }
    const line = this.line;
    const assigns: string[] = [];
    const words: string[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const n = this.peek();
      if (n?.t === 'redir') { redirs.push(this.parseRedir()); continue; }
      if (n?.t !== 'word') break;
      if (!words.length && /^[A-Za-z_]\w*=/.test(n.raw)) { assigns.push(n.raw); this.next(); continue; }
      words.push(n.raw);
      this.next();
    }
    if (!assigns.length && !words.length && !redirs.length) {
      const bad = this.peek();
      throw new SyntaxError_(`syntax error near unexpected token \`${bad?.t === 'op' ? bad.op : 'newline'}'`);
    }
    return { t: 'simple', assigns, words, redirs, line };
  }
}

// ── executor ─────────────────────────────────────────────────────────────
class ExitSignal { constructor(readonly code: number) {} }
interface IO { stdin: InputStream; out: (s: string) => void; err: (s: string) => void }
const MAX_STEPS = 20_000;

export interface RunShellOptions {
  commands: Record<string, Command>;
  fs: VirtualFs;
  env?: Record<string, string>;
}

export interface ShellRun { output: string; exitCode: number; sleepMs: number }

/** Runs a script; stdout and stderr are merged in order, as Cloud Assistant reports them. */
export function runShell(script: string, opts: RunShellOptions): ShellRun {
  const sh = new Shell(opts.commands, opts.fs, new Map(Object.entries(opts.env ?? {})));
  let out = '';
  const io: IO = { stdin: new InputStream(''), out: (s) => { out += s; }, err: (s) => { out += s; } };
  let code: number;
  try {
    const ast = new Parser(lex(script)).parseScript();
    code = sh.exec(ast, io);
  } catch (e) {
    if (e instanceof ExitSignal) code = e.code;
    else if (e instanceof SyntaxError_) { out += `bash: ${e.message}\n`; code = 2; }
    else throw e;
  }
  return { output: out, exitCode: code, sleepMs: sh.ctx.sleepMs };
}

class Shell {
  readonly ctx: ShellContext;
  private errexit = false;
  private pipefail = false;
  private status = 0;
  private condDepth = 0;
  private exempt = false;
  private steps = 0;

  constructor(private readonly commands: Record<string, Command>, fs: VirtualFs, vars: Map<string, string>) {
    this.ctx = { vars, fs, sleepMs: 0 };
  }

  exec(n: Node, io: IO): number {
    if (++this.steps > MAX_STEPS) { io.err('bash: sandbox step limit exceeded\n'); throw new ExitSignal(124); }
    switch (n.t) {
      case 'list': {
        let s = 0;
        for (const item of n.items) s = this.exec(item, io);
        return s;
      }
      case 'andor': {
        const all = [n.first, ...n.rest.map((r) => r.node)];
        let s = 0;
        let ranIdx = 0;
        for (let k = 0; k < all.length; k++) {
          if (k > 0) {
            const op = n.rest[k - 1]!.op;
            if ((op === '&&' && s !== 0) || (op === '||' && s === 0)) continue;
          }
          const last = k === all.length - 1;
          if (!last) this.condDepth++;
          try { s = this.exec(all[k]!, io); } finally { if (!last) this.condDepth--; }
          ranIdx = k;
        }
        this.status = s;
        this.exempt = ranIdx !== all.length - 1;
        return s;
      }
      case 'pipeline': {
        this.exempt = false;
        let s: number;
        if (n.cmds.length === 1) {
          if (n.neg) this.condDepth++;
          try { s = this.exec(n.cmds[0]!, io); } finally { if (n.neg) this.condDepth--; }
        } else {
          let input = io.stdin;
          const statuses: number[] = [];
          this.condDepth++;
          try {
            n.cmds.forEach((c, k) => {
              let buf = '';
              const last = k === n.cmds.length - 1;
              statuses.push(this.exec(c, { stdin: input, out: last ? io.out : (x) => { buf += x; }, err: io.err }));
              input = new InputStream(buf);
            });
          } finally { this.condDepth--; }
          s = this.pipefail ? ([...statuses].reverse().find((x) => x !== 0) ?? 0) : statuses[statuses.length - 1]!;
        }
        if (n.neg) { s = s === 0 ? 1 : 0; this.exempt = true; }
        this.status = s;
        if (s !== 0 && this.errexit && this.condDepth === 0 && !this.exempt) throw new ExitSignal(s);
        return s;
      }
      case 'if': return this.withRedirs(n.redirs, io, (io2) => {
        for (const c of n.clauses) {
          this.condDepth++;
          let cs: number;
          try { cs = this.exec(c.cond, io2); } finally { this.condDepth--; }
          if (cs === 0) return this.exec(c.body, io2);
        }
        return n.otherwise ? this.exec(n.otherwise, io2) : (this.status = 0);
      });
      case 'for': return this.withRedirs(n.redirs, io, (io2) => {
        const items = n.words === null ? [] : n.words.flatMap((w) => this.expand(w, io2, true));
        let s = 0;
        for (const it of items) { this.ctx.vars.set(n.name, it); s = this.exec(n.body, io2); }
        return (this.status = s);
      });
      case 'while': return this.withRedirs(n.redirs, io, (io2) => {
        let s = 0;
        for (let k = 0; ; k++) {
          if (k > 1000) { io2.err('bash: sandbox loop limit exceeded\n'); throw new ExitSignal(124); }
          this.condDepth++;
          let cs: number;
          try { cs = this.exec(n.cond, io2); } finally { this.condDepth--; }
          if ((cs === 0) === n.until) break;
          s = this.exec(n.body, io2);
        }
        return (this.status = s);
      });
      case 'group': return this.withRedirs(n.redirs, io, (io2) => {
        if (!n.sub) return this.exec(n.body, io2);
        return this.subshell(() => this.exec(n.body, io2));
      });
      case 'simple': return this.simple(n, io);
    }
  }

  private subshell(fn: () => number): number {
    const saved = { vars: new Map(this.ctx.vars), errexit: this.errexit, pipefail: this.pipefail };
    try { return fn(); } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    } finally {
      this.ctx.vars.clear();
      for (const [k, v] of saved.vars) this.ctx.vars.set(k, v);
      this.errexit = saved.errexit;
      this.pipefail = saved.pipefail;
    }
  }

  /** Applies redirections for the duration of fn. Files are written when fn returns. */
  private withRedirs(redirs: Redir[], io: IO, fn: (io: IO) => number): number {
    if (!redirs.length) return fn(io);
    let cur: IO = { ...io };
    const files: { path: string; append: boolean; buf: string[] }[] = [];
    for (const r of redirs) {
      if (r.kind === '<<') {
        const body = r.heredoc!.quoted ? r.heredoc!.body : this.expandHeredoc(r.heredoc!.body, io);
        cur = { ...cur, stdin: new InputStream(body) };
        continue;
      }
      const target = this.expand(r.target, io, false)[0] ?? '';
      if (r.kind === '>&') {
        const to = target === '1' ? cur.out : target === '2' ? cur.err : undefined;
        if (!to) { io.err(`bash: ${target}: ambiguous redirect\n`); return (this.status = 1); }
        cur = r.fd === 2 ? { ...cur, err: to } : { ...cur, out: to };
        continue;
      }
      if (r.kind === '<') {
        const data = this.ctx.fs.read(target);
        if (data === undefined) { io.err(`bash: ${target}: No such file or directory\n`); return (this.status = 1); }
        cur = { ...cur, stdin: new InputStream(data) };
        continue;
      }
      let sink: (s: string) => void;
      if (target === '/dev/null') sink = () => {};
      else if (target === '/dev/stderr') sink = io.err;
      else if (target === '/dev/stdout') sink = io.out;
      else {
        const f = { path: target, append: r.kind === '>>', buf: [] as string[] };
        files.push(f);
        sink = (s) => { f.buf.push(s); };
      }
      if (r.kind === '&>') cur = { ...cur, out: sink, err: sink };
      else if (r.fd === 2) cur = { ...cur, err: sink };
      else cur = { ...cur, out: sink };
    }
    for (const f of files) {
      // Truncation happens when the redirection opens, before the command runs.
      const e = this.ctx.fs.write(f.path, '', f.append);
      if (e) { io.err(`bash: ${f.path}: ${e}\n`); return (this.status = 1); }
    }
    try { return fn(cur); } finally {
      for (const f of files) this.ctx.fs.write(f.path, f.buf.join(''), true);
    }
  }

  private simple(n: Extract<Node, { t: 'simple' }>, io: IO): number {
    const words = n.words.flatMap((w) => this.expand(w, io, true));
    const assigns = n.assigns.map((a) => { const k = a.indexOf('='); return [a.slice(0, k), this.expand(a.slice(k + 1), io, false).join(' ')] as const; });
    if (!words.length) {
      for (const [k, v] of assigns) this.ctx.vars.set(k, v);
      return this.withRedirs(n.redirs, io, () => this.status);
    }
    const saved = assigns.map(([k]) => [k, this.ctx.vars.get(k)] as const);
    for (const [k, v] of assigns) this.ctx.vars.set(k, v);
    try {
      return this.withRedirs(n.redirs, io, (io2) => (this.status = this.run(words, io2, n.line)));
    } finally {
      for (const [k, v] of saved) { if (v === undefined) this.ctx.vars.delete(k); else this.ctx.vars.set(k, v); }
    }
  }

  private run(words: string[], io: IO, line: number): number {
    const [name, ...args] = words as [string, ...string[]];
    switch (name) {
      case ':': case 'true': return 0;
      case 'false': return 1;
      case 'exit': {
        const c = args[0] === undefined ? this.status : Number(args[0]);
        throw new ExitSignal(Number.isInteger(c) ? c & 255 : 2);
      }
      case 'set': {
        for (let k = 0; k < args.length; k++) {
          const a = args[k]!;
          if (!/^[-+][a-zA-Z]+$/.test(a)) continue;
          const on = a[0] === '-';
          for (const f of a.slice(1)) {
            if (f === 'e') this.errexit = on;
            if (f === 'o') {
              const opt = args[++k];
              if (opt === 'pipefail') this.pipefail = on;
              if (opt === 'errexit') this.errexit = on;
            }
          }
        }
        return 0;
      }
      case 'export': case 'readonly': case 'local': {
        for (const a of args) { const k = a.indexOf('='); if (k > 0) this.ctx.vars.set(a.slice(0, k), a.slice(k + 1)); }
        return 0;
      }
      case 'unset': { for (const a of args) this.ctx.vars.delete(a); return 0; }
      case 'cd': return 0;
      case 'read': {
        const names = args.filter((a) => !a.startsWith('-'));
        const l = io.stdin.readLine();
        if (l === undefined) return 1;
        const parts = l.trim().split(/\s+/);
        names.forEach((nm, k) => this.ctx.vars.set(nm, k === names.length - 1 ? parts.slice(k).join(' ') : (parts[k] ?? '')));
        if (!names.length) this.ctx.vars.set('REPLY', l);
        return 0;
      }
    }
    const impl = this.commands[name] ?? (name.includes('/') ? this.commands[name.split('/').pop()!] : undefined);
    if (!impl) { io.err(`bash: line ${line}: ${name}: command not found\n`); return 127; }
    const r = impl(args, io.stdin, this.ctx);
    if (r.stdout) io.out(r.stdout);
    if (r.stderr) io.err(r.stderr);
    return r.code;
  }

  // ── expansion ──────────────────────────────────────────────────────────
  private expandHeredoc(body: string, io: IO): string {
    return this.expandText(body, io, true);
  }

  /** Expands one raw word into fields (split = field splitting and globbing on unquoted text). */
  expand(raw: string, io: IO, split: boolean): string[] {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    let glob = false;
    const pushSplit = (s: string) => {
      if (!split) { cur += s; has = true; return; }
      const parts = s.split(/[ \t\n]+/);
      parts.forEach((p, k) => {
        if (k > 0) { if (has || cur) fields.push(cur); cur = ''; has = false; }
        if (p) { cur += p; has = true; }
      });
    };
    let i = 0;
    while (i < raw.length) {
      const c = raw[i]!;
      if (c === "'") { const e = raw.indexOf("'", i + 1); cur += raw.slice(i + 1, e); has = true; i = e + 1; continue; }
      if (c === '"') {
        let j = i + 1;
        let inner = '';
        while (j < raw.length && raw[j] !== '"') {
          if (raw[j] === '\\' && '$`"\\\n'.includes(raw[j + 1] ?? '')) { inner += raw.slice(j, j + 2); j += 2; continue; }
          if (raw[j] === '$' && raw[j + 1] === '(') { const e = matchParen(raw, j + 1); inner += raw.slice(j, e); j = e; continue; }
          inner += raw[j]; j++;
        }
        cur += this.expandText(inner, io, true); has = true; i = j + 1; continue;
      }
      if (c === '\\') { cur += raw[i + 1] ?? ''; has = true; i += 2; continue; }
      if (c === '$' || c === '`') {
        const [val, e] = this.expandDollar(raw, i, io);
        pushSplit(val); i = e; continue;
      }
      if ((c === '*' || c === '?') && split) glob = true;
      cur += c; has = true; i++;
    }
    if (has || cur) fields.push(cur);
    if (glob && split) return fields.flatMap((f) => (/[*?]/.test(f) ? this.glob(f) : [f]));
    return fields;
  }

  private glob(pattern: string): string[] {
    if (!pattern.startsWith('/')) return [pattern];
    const segs = pattern.split('/').slice(1);
    let paths = [''];
    for (const seg of segs) {
      const next: string[] = [];
      for (const p of paths) {
        if (!/[*?]/.test(seg)) { next.push(`${p}/${seg}`); continue; }
        const re = globRe(seg);
        for (const name of this.ctx.fs.list(p || '/') ?? []) if (re.test(name)) next.push(`${p}/${name}`);
      }
      paths = next;
    }
    const found = paths.filter((p) => this.ctx.fs.kind(p)).sort();
    return found.length ? found : [pattern];
  }

  /** Expansion inside double quotes or heredocs: no splitting. */
  private expandText(s: string, io: IO, dq: boolean): string {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\' && dq && '$`"\\'.includes(s[i + 1] ?? '')) { out += s[i + 1]; i += 2; continue; }
      if (c === '$' || c === '`') { const [v, e] = this.expandDollar(s, i, io); out += v; i = e; continue; }
      out += c; i++;
    }
    return out;
  }

  /** Expands the $-construct (or backquote) at s[i]; returns [value, index after it]. */
  private expandDollar(s: string, i: number, io: IO): [string, number] {
    if (s[i] === '`') {
      const e = s.indexOf('`', i + 1);
      return [this.substitute(s.slice(i + 1, e), io), e + 1];
    }
    if (s.startsWith('$((', i)) {
      const e = matchParen(s, i + 1);
      return [String(this.arith(s.slice(i + 3, e - 2))), e];
    }
    if (s[i + 1] === '(') {
      const e = matchParen(s, i + 1);
      return [this.substitute(s.slice(i + 2, e - 1), io), e];
    }
    if (s[i + 1] === '{') {
      const e = s.indexOf('}', i);
      return [this.param(s.slice(i + 2, e), io), e + 1];
    }
    const m = /^[A-Za-z_]\w*|^[?$#@*0-9]/.exec(s.slice(i + 1));
    if (!m) return ['$', i + 1];
    return [this.param(m[0], io), i + 1 + m[0].length];
  }

  private param(expr: string, io: IO): string {
    const get = (k: string): string | undefined => {
      if (k === '?') return String(this.status);
      if (k === '$') return '4242';
      if (k === '#') return '0';
      if (k === '0') return 'bash';
      if (/^[1-9@*]$/.test(k)) return '';
      return this.ctx.vars.get(k);
    };
    if (expr.startsWith('#') && expr.length > 1) return String((get(expr.slice(1)) ?? '').length);
    const m = /^([A-Za-z_]\w*|[?$#@*0-9])(?:(:?[-=+?])(.*)|(%%|%|##|#)(.*))?$/s.exec(expr);
    if (!m) throw new ExitSignalWithMessage(`bash: \${${expr}}: bad substitution\n`, 1, io);
    const [, name, op, word, cut, pat] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined, string | undefined];
    const v = get(name);
    if (op) {
      const unset = op.startsWith(':') ? !v : v === undefined;
      const w = this.expandText(word ?? '', io, true);
      switch (op.replace(':', '')) {
        case '-': return unset ? w : v!;
        case '=': if (unset) { this.ctx.vars.set(name, w); return w; } return v!;
        case '+': return unset ? '' : w;
        case '?': if (unset) throw new ExitSignalWithMessage(`bash: ${name}: ${w || 'parameter null or not set'}\n`, 1, io); return v!;
      }
    }
    if (cut) {
      const val = v ?? '';
      const re = globRe(this.expandText(pat ?? '', io, true));
      if (cut.startsWith('%')) {
        const order = cut === '%' ? [...Array(val.length + 1).keys()].reverse() : [...Array(val.length + 1).keys()];
        for (const k of order) if (re.test(val.slice(k))) return val.slice(0, k);
      } else {
        const order = cut === '#' ? [...Array(val.length + 1).keys()] : [...Array(val.length + 1).keys()].reverse();
        for (const k of order) if (re.test(val.slice(0, k))) return val.slice(k);
      }
      return val;
    }
    return v ?? '';
  }

  private substitute(script: string, io: IO): string {
    let buf = '';
    const code = this.subshell(() => {
      const ast = new Parser(lex(script)).parseScript();
      return this.exec(ast, { stdin: io.stdin, out: (s) => { buf += s; }, err: io.err });
    });
    this.status = code;
    return buf.replace(/\n+$/, '');
  }

  private arith(expr: string): number {
    const toks = expr.match(/\d+|[A-Za-z_]\w*|\$\w+|[-+*/%()]/g) ?? [];
    let p = 0;
    const val = (t: string): number => Number(this.ctx.vars.get(t.replace(/^\$/, '')) ?? 0) || 0;
    const primary = (): number => {
      const t = toks[p++];
      if (t === '(') { const v = sum(); p++; return v; }
      if (t === '-') return -primary();
      if (t === undefined) return 0;
      return /^\d+$/.test(t) ? Number(t) : val(t);
    };
    const prod = (): number => {
      let v = primary();
      while (toks[p] === '*' || toks[p] === '/' || toks[p] === '%') {
        const op = toks[p++];
        const r = primary();
        v = op === '*' ? v * r : r === 0 ? 0 : op === '/' ? Math.trunc(v / r) : v % r;
      }
      return v;
    };
    const sum = (): number => {
      let v = prod();
      while (toks[p] === '+' || toks[p] === '-') { const op = toks[p++]; const r = prod(); v = op === '+' ? v + r : v - r; }
      return v;
    };
    return sum();
  }
}

class ExitSignalWithMessage extends ExitSignal {
  constructor(msg: string, code: number, io: IO) { io.err(msg); super(code); }
}

function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (c === "'") { j = s.indexOf("'", j + 1); if (j < 0) break; continue; }
    if (c === '\\') { j++; continue; }
    if (c === '(') depth++;
    else if (c === ')') { depth--; if (depth === 0) return j + 1; }
  }
  return s.length;
}

/** Shell glob → anchored RegExp (* ? [..]). */
export function globRe(glob: string): RegExp {
  let re = '';
  for (const c of glob) re += c === '*' ? '.*' : c === '?' ? '.' : /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  return new RegExp(`^${re}$`, 's');
}

// ── text utilities ───────────────────────────────────────────────────────
function inputsOf(files: string[], stdin: InputStream, sh: ShellContext, cmd: string): { text: string; err: string; code: number } {
  if (!files.length || (files.length === 1 && files[0] === '-')) return { text: stdin.readAll(), err: '', code: 0 };
  let text = '';
  let err = '';
  let code = 0;
  for (const f of files) {
    const k = sh.fs.kind(f);
    if (k === 'dir') { err += `${cmd}: ${f}: Is a directory\n`; code = 1; continue; }
    const d = sh.fs.read(f);
    if (d === undefined) { err += `${cmd}: ${f}: No such file or directory\n`; code = 1; continue; }
    text += d;
  }
  return { text, err, code };
}
const lines = (t: string): string[] => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
const joinLines = (l: string[]): string => (l.length ? `${l.join('\n')}\n` : '');

function echo(args: string[]): ExecResult {
  let nl = true;
  let esc = false;
  let k = 0;
  for (; k < args.length && /^-[neE]+$/.test(args[k]!); k++) { if (args[k]!.includes('n')) nl = false; if (args[k]!.includes('e')) esc = true; }
  let s = args.slice(k).join(' ');
  if (esc) s = s.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
  return ok(nl ? `${s}\n` : s);
}

function printf(args: string[]): ExecResult {
  const [fmt = '', ...rest] = args;
  let out = '';
  let ai = 0;
  do {
    out += fmt.replace(/%([-0-9]*)([sdq%])|\\n|\\t|\\\\/g, (m, _w, conv) => {
      if (m === '\\n') return '\n';
      if (m === '\\t') return '\t';
      if (m === '\\\\') return '\\';
      if (conv === '%') return '%';
      const a = rest[ai++] ?? '';
      return conv === 'd' ? String(parseInt(a, 10) || 0) : a;
    });
  } while (ai < rest.length && ai > 0);
  return ok(out);
}

function test(argsIn: string[], sh: ShellContext): number {
  const args = [...argsIn];
  const evalExpr = (a: string[]): boolean => {
    if (a[0] === '!') return !evalExpr(a.slice(1));
    const oa = a.indexOf('-a');
    if (oa > 0) return evalExpr(a.slice(0, oa)) && evalExpr(a.slice(oa + 1));
    const oo = a.indexOf('-o');
    if (oo > 0) return evalExpr(a.slice(0, oo)) || evalExpr(a.slice(oo + 1));
    if (a.length === 0) return false;
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const [op, v = ''] = a;
      switch (op) {
        case '-z': return v === '';
        case '-n': return v !== '';
        case '-e': return !!sh.fs.kind(v);
        case '-f': return sh.fs.kind(v) === 'file';
        case '-d': return sh.fs.kind(v) === 'dir';
        case '-s': return (sh.fs.read(v) ?? '') !== '';
        case '-x': case '-r': case '-w': return !!sh.fs.kind(v);
      }
      return false;
    }
    const [l = '', op, r = ''] = a;
    switch (op) {
      case '=': case '==': return l === r;
      case '!=': return l !== r;
      case '-eq': return Number(l) === Number(r);
      case '-ne': return Number(l) !== Number(r);
      case '-lt': return Number(l) < Number(r);
      case '-le': return Number(l) <= Number(r);
      case '-gt': return Number(l) > Number(r);
      case '-ge': return Number(l) >= Number(r);
    }
    return false;
  };
  return evalExpr(args) ? 0 : 1;
}

function grep(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
  const flags = new Set<string>();
  let pattern: string | undefined;
  const files: string[] = [];
  let max = Infinity;
  const patterns: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-e') { patterns.push(args[++k] ?? ''); continue; }
    if (a === '-m') { max = Number(args[++k]); continue; }
    if (/^-[A-Za-z]+$/.test(a)) { for (const f of a.slice(1)) flags.add(f); continue; }
    if (a === '--') continue;
    if (pattern === undefined && !patterns.length) pattern = a; else files.push(a);
  }
  if (pattern !== undefined) patterns.push(pattern);
  if (!patterns.length) return fail('Usage: grep [OPTION]... PATTERNS [FILE]...\n', 2);
  const toRe = (p: string): string => {
    if (flags.has('F')) return p.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    if (flags.has('E') || flags.has('P')) return p;
    // basic regex: \( \) \| \{ \} \+ \? are special; bare ( ) | { } + ? are literal
    return p.replace(/\\([(){}|+?])|([(){}|+?])/g, (_m, esc, lit) => (esc ? esc : `\\${lit}`));
  };
  let src = patterns.map(toRe).join('|');
  if (flags.has('w')) src = `\\b(?:${src})\\b`;
  if (flags.has('x')) src = `^(?:${src})$`;
  let re: RegExp;
  try { re = new RegExp(src, flags.has('i') ? 'gi' : 'g'); } catch { return fail(`grep: Invalid regular expression\n`, 2); }
  const input = inputsOf(files, stdin, sh, 'grep');
  const out: string[] = [];
  let count = 0;
  for (const l of lines(input.text)) {
    if (count >= max) break;
    re.lastIndex = 0;
    const hit = re.test(l);
    if (hit === flags.has('v')) continue;
    count++;
    if (flags.has('o') && !flags.has('v')) { re.lastIndex = 0; for (const m of l.matchAll(re)) if (m[0]) out.push(m[0]); }
    else out.push(l);
  }
  const code = input.code && !count ? 2 : count ? 0 : 1;
  if (flags.has('q')) return { stdout: '', stderr: input.err, code };
  return { stdout: flags.has('c') ? `${count}\n` : joinLines(out), stderr: input.err, code };
}

function headTail(which: 'head' | 'tail') {
  return (args: string[], stdin: InputStream, sh: ShellContext): ExecResult => {
    let n = 10;
    let fromStart = false;
    const files: string[] = [];
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a === '-n') { const v = args[++k] ?? '10'; fromStart = v.startsWith('+'); n = Math.abs(parseInt(v, 10)); continue; }
      if (/^-n[+\d]/.test(a)) { fromStart = a[2] === '+'; n = Math.abs(parseInt(a.slice(2), 10)); continue; }
      if (/^-\d+$/.test(a)) { n = Number(a.slice(1)); continue; }
      files.push(a);
    }
    const input = inputsOf(files, stdin, sh, which);
    const l = lines(input.text);
    const sel = which === 'head' ? l.slice(0, n) : fromStart ? l.slice(Math.max(0, n - 1)) : l.slice(Math.max(0, l.length - n));
    return { stdout: joinLines(sel), stderr: input.err, code: input.code };
  };
}

function awk(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
  let fs: string | undefined;
  const rest: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-F') { fs = args[++k]; continue; }
    if (a.startsWith('-F')) { fs = a.slice(2); continue; }
    rest.push(a);
  }
  const [prog = '', ...files] = rest;
  const m = /^\s*(?:\/((?:[^/\\]|\\.)*)\/|NR\s*==\s*(\d+)|(\$\d+)\s*==\s*"([^"]*)")?\s*\{\s*print\s*([^;}]*?)\s*;?\s*\}\s*$/.exec(prog);
  if (!m) return fail(`awk: this sandbox only supports programs like '{print $2}', '/re/ {print $1}', 'NR==1 {print $4}'\n`, 2);
  const [, reSrc, nr, fieldRef, fieldVal, printList] = m;
  const input = inputsOf(files, stdin, sh, 'awk');
  const out: string[] = [];
  lines(input.text).forEach((l, idx) => {
    const fields = fs === undefined ? l.trim().split(/\s+/).filter(Boolean) : l.split(fs.length === 1 ? fs : new RegExp(fs));
    const f = (n: number) => (n === 0 ? l : fields[n - 1] ?? '');
    if (reSrc !== undefined && !new RegExp(reSrc).test(l)) return;
    if (nr !== undefined && idx + 1 !== Number(nr)) return;
    if (fieldRef !== undefined && f(Number(fieldRef.slice(1))) !== fieldVal) return;
    const items = (printList ?? '').trim() === '' ? ['$0'] : (printList ?? '').match(/\$\d+|"[^"]*"|NF|NR|,/g) ?? [];
    let s = '';
    for (const it of items) {
      if (it === ',') { s += ' '; continue; }
      s += it.startsWith('$') ? f(Number(it.slice(1))) : it === 'NF' ? String(fields.length) : it === 'NR' ? String(idx + 1) : it.slice(1, -1);
    }
    out.push(s);
  });
  return { stdout: joinLines(out), stderr: input.err, code: input.code };
}

function cut(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
  let d = '\t';
  let spec = '';
  let chars = '';
  const files: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-d') { d = args[++k] ?? '\t'; continue; }
    if (a.startsWith('-d')) { d = a.slice(2); continue; }
    if (a === '-f') { spec = args[++k] ?? ''; continue; }
    if (a.startsWith('-f')) { spec = a.slice(2); continue; }
    if (a === '-c') { chars = args[++k] ?? ''; continue; }
    if (a.startsWith('-c')) { chars = a.slice(2); continue; }
    files.push(a);
  }
  const sel = (spec || chars).split(',').flatMap((r) => {
    const [a, b] = r.split('-');
    const from = a ? Number(a) : 1;
    const to = b === undefined ? from : b ? Number(b) : 10_000;
    return Array.from({ length: Math.max(0, Math.min(to, 10_000) - from + 1) }, (_, i) => from + i);
  });
  const input = inputsOf(files, stdin, sh, 'cut');
  const out = lines(input.text).map((l) => {
    if (chars) return sel.map((i) => l[i - 1] ?? '').join('');
    if (!l.includes(d)) return l;
    const parts = l.split(d);
    return sel.filter((i) => i <= parts.length).map((i) => parts[i - 1]).join(d);
  });
  return { stdout: joinLines(out), stderr: input.err, code: input.code };
}

function tr(args: string[], stdin: InputStream): ExecResult {
  const expandSet = (s: string) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\[:space:\]/g, ' \t\n').replace(/\[:upper:\]/g, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ').replace(/\[:lower:\]/g, 'abcdefghijklmnopqrstuvwxyz')
    .replace(/(.)-(.)/g, (_m, a: string, b: string) => { let r = ''; for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) r += String.fromCharCode(c); return r; });
  const text = stdin.readAll();
  if (args[0] === '-d') { const set = expandSet(args[1] ?? ''); return ok([...text].filter((c) => !set.includes(c)).join('')); }
  if (args[0] === '-s') { const set = expandSet(args[1] ?? ''); return ok(text.replace(/(.)\1+/gs, (m, c: string) => (set.includes(c) ? c : m))); }
  const a = expandSet(args[0] ?? '');
  const b = expandSet(args[1] ?? '');
  return ok([...text].map((c) => { const i = a.indexOf(c); return i < 0 ? c : (b[Math.min(i, b.length - 1)] ?? c); }).join(''));
}

function sed(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
  let quiet = false;
  const scripts: string[] = [];
  const files: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-n') { quiet = true; continue; }
    if (a === '-e') { scripts.push(args[++k] ?? ''); continue; }
    if (a === '-E' || a === '-r') continue;
    if (!scripts.length) scripts.push(a); else files.push(a);
  }
  const cmds = scripts.flatMap((s) => s.split(';')).map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^s(.)(.*?)\1(.*?)\1([gp]*)$/.exec(s);
    if (!m) return undefined;
    return { re: new RegExp(m[2]!, m[4]!.includes('g') ? 'g' : ''), rep: m[3]!.replace(/\\(\d)/g, '$$$1').replace(/&/g, '$$&'), print: m[4]!.includes('p') };
  });
  if (cmds.some((c) => !c)) return fail(`sed: this sandbox only supports s/re/replacement/[gp]\n`, 1);
  const input = inputsOf(files, stdin, sh, 'sed');
  const out: string[] = [];
  for (let l of lines(input.text)) {
    for (const c of cmds) {
      c!.re.lastIndex = 0;
      if (c!.re.test(l)) { c!.re.lastIndex = 0; l = l.replace(c!.re, c!.rep); if (c!.print) out.push(l); }
    }
    if (!quiet) out.push(l);
  }
  return { stdout: joinLines(out), stderr: input.err, code: input.code };
}

/** Generic commands available on every modelled guest. */
export const coreutils: Record<string, Command> = {
  echo: (a) => echo(a),
  printf: (a) => printf(a),
  test: (a, _i, sh) => ({ stdout: '', stderr: '', code: test(a, sh) }),
  '[': (a, _i, sh) => (a[a.length - 1] !== ']' ? fail('bash: [: missing `]\'\n', 2) : { stdout: '', stderr: '', code: test(a.slice(0, -1), sh) }),
  sleep: (a, _i, sh) => {
    const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(a[0] ?? '');
    if (!m) return fail(`sleep: invalid time interval '${a[0] ?? ''}'\n`);
    sh.sleepMs += Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 1000);
    return ok();
  },
  cat: (a, stdin, sh) => { const r = inputsOf(a.filter((x) => x !== '-s'), stdin, sh, 'cat'); return { stdout: r.text, stderr: r.err, code: r.code }; },
  grep, egrep: (a, s, sh) => grep(['-E', ...a], s, sh),
  head: headTail('head'), tail: headTail('tail'),
  awk, cut, tr, sed,
  wc: (a, stdin, sh) => {
    const files = a.filter((x) => !x.startsWith('-'));
    const r = inputsOf(files, stdin, sh, 'wc');
    const n = a.includes('-c') ? r.text.length : a.includes('-w') ? r.text.split(/\s+/).filter(Boolean).length : (r.text.match(/\n/g) ?? []).length;
    return { stdout: `${n}\n`, stderr: r.err, code: r.code };
  },
  sort: (a, stdin, sh) => {
    const r = inputsOf(a.filter((x) => !x.startsWith('-')), stdin, sh, 'sort');
    let l = lines(r.text).sort();
    if (a.includes('-n')) l = l.sort((x, y) => parseFloat(x) - parseFloat(y));
    if (a.includes('-r')) l.reverse();
    if (a.includes('-u')) l = [...new Set(l)];
    return { stdout: joinLines(l), stderr: r.err, code: r.code };
  },
  uniq: (_a, stdin) => ok(joinLines(lines(stdin.readAll()).filter((l, i, all) => i === 0 || all[i - 1] !== l))),
  tee: (a, stdin, sh) => {
    const text = stdin.readAll();
    const append = a.includes('-a');
    for (const f of a.filter((x) => !x.startsWith('-'))) { const e = sh.fs.write(f, text, append); if (e) return { stdout: text, stderr: `tee: ${f}: ${e}\n`, code: 1 }; }
    return ok(text);
  },
  ls: (a, _i, sh) => {
    const targets = a.filter((x) => !x.startsWith('-'));
    let out = '';
    let err = '';
    for (const t of targets.length ? targets : ['/root']) {
      const k = sh.fs.kind(t);
      if (!k) { err += `ls: cannot access '${t}': No such file or directory\n`; continue; }
      out += k === 'dir' ? joinLines(sh.fs.list(t) ?? []) : `${t}\n`;
    }
    return { stdout: out, stderr: err, code: err ? 2 : 0 };
  },
  touch: (a, _i, sh) => { for (const f of a.filter((x) => !x.startsWith('-'))) if (sh.fs.read(f) === undefined) { const e = sh.fs.write(f, '', true); if (e) return fail(`touch: cannot touch '${f}': ${e}\n`); } return ok(); },
  rm: (a, _i, sh) => { for (const f of a.filter((x) => !x.startsWith('-'))) if (!sh.fs.kind(f) && !a.some((x) => x.startsWith('-') && x.includes('f'))) return fail(`rm: cannot remove '${f}': No such file or directory\n`); return ok(); },
  mkdir: () => ok(),
  chmod: () => ok(),
  chown: () => ok(),
  logger: () => ok(),
  sync: () => ok(),
  whoami: () => ok('root\n'),
  id: (a) => ok(a.includes('-u') ? '0\n' : 'uid=0(root) gid=0(root) groups=0(root)\n'),
  uname: (a) => ok(a.includes('-r') ? '5.10.134-16.al8.x86_64\n' : a.includes('-a') ? 'Linux sandbox 5.10.134-16.al8.x86_64 #1 SMP x86_64 GNU/Linux\n' : 'Linux\n'),
  date: () => ok(`${new Date().toUTCString()}\n`),
  basename: (a) => ok(`${(a[0] ?? '').replace(/\/+$/, '').split('/').pop()}\n`),
  dirname: (a) => { const p = (a[0] ?? '').replace(/\/+$/, ''); const i = p.lastIndexOf('/'); return ok(`${i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i)}\n`); },
  seq: (a) => { const [from, to] = a.length === 1 ? [1, Number(a[0])] : [Number(a[0]), Number(a[1])]; const l: string[] = []; for (let i = from; i <= to && l.length < 10_000; i++) l.push(String(i)); return ok(joinLines(l)); },
};
