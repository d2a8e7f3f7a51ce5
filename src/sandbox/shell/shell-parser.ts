// The shell's parser: tokens → a syntax tree of lists, and-or chains, pipelines, compound commands (if, for,
// while/until, { }, ( )) and simple commands with their assignments and redirections.
import { lex, ShellSyntaxError, type Heredoc, type Tok } from './shell-lexer.ts';

export interface Redir { fd: number; kind: '>' | '>>' | '<' | '>&' | '&>' | '<<'; target: string; heredoc?: Heredoc }
export type ShellNode =
  | { t: 'simple'; assigns: string[]; words: string[]; redirs: Redir[]; line: number }
  | { t: 'pipeline'; neg: boolean; cmds: ShellNode[] }
  | { t: 'andor'; first: ShellNode; rest: { op: '&&' | '||'; node: ShellNode }[] }
  | { t: 'list'; items: ShellNode[] }
  | { t: 'if'; clauses: { cond: ShellNode; body: ShellNode }[]; otherwise?: ShellNode; redirs: Redir[] }
  | { t: 'for'; name: string; words: string[] | null; body: ShellNode; redirs: Redir[] }
  | { t: 'while'; until: boolean; cond: ShellNode; body: ShellNode; redirs: Redir[] }
  | { t: 'group'; body: ShellNode; sub: boolean; redirs: Redir[] };

class Parser {
  private p = 0;
  line = 1;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok | undefined { return this.toks[this.p]; }
  private next(): Tok | undefined { const t = this.toks[this.p++]; if (t?.t === 'nl') this.line++; return t; }
  private isWord(w: string, t = this.peek()): boolean { return t?.t === 'word' && t.raw === w; }
  private isOp(...ops: string[]): boolean { const t = this.peek(); return t?.t === 'op' && ops.includes(t.op); }
  private skipNl(): void { while (this.peek()?.t === 'nl') this.next(); }
  private expectWord(w: string): void {
    this.skipNl();
    const t = this.next();
    if (!(t?.t === 'word' && t.raw === w)) throw new ShellSyntaxError(`syntax error: expected \`${w}'${t?.t === 'word' ? ` near \`${t.raw}'` : ''}`);
  }

  parseScript(): ShellNode {
    const n = this.parseList(new Set());
    if (this.p < this.toks.length) {
      const t = this.peek()!;
      throw new ShellSyntaxError(`syntax error near unexpected token \`${t.t === 'word' ? t.raw : t.t === 'op' ? t.op : 'newline'}'`);
    }
    return n;
  }

  /** A list ends at EOF, a closing `)`, or a reserved word in `stops` at command position. */
  private parseList(stops: Set<string>): ShellNode {
    const items: ShellNode[] = [];
    for (;;) {
      while (this.peek()?.t === 'nl' || this.isOp(';', '&')) this.next();
      const t = this.peek();
      if (!t) break;
      if (t.t === 'word' && stops.has(t.raw)) break;
      if (t.t === 'op' && t.op === ')') break;
      items.push(this.parseAndOr());
      const after = this.peek();
      if (after && !(after.t === 'nl' || (after.t === 'op' && (after.op === ';' || after.op === '&' || after.op === ')')) || (after.t === 'word' && stops.has(after.raw)))) {
        throw new ShellSyntaxError(`syntax error near unexpected token \`${after.t === 'word' ? after.raw : after.t === 'op' ? after.op : 'redirection'}'`);
      }
    }
    return { t: 'list', items };
  }

  private parseAndOr(): ShellNode {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; node: ShellNode }[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && (t.op === '&&' || t.op === '||')) {
        this.next(); this.skipNl();
        rest.push({ op: t.op, node: this.parsePipeline() });
      } else break;
    }
    return rest.length ? { t: 'andor', first, rest } : first;
  }

  private parsePipeline(): ShellNode {
    let neg = false;
    if (this.isWord('!')) { this.next(); neg = true; }
    const cmds = [this.parseCommand()];
    while (this.isOp('|')) { this.next(); this.skipNl(); cmds.push(this.parseCommand()); }
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
    if (w?.t !== 'word') throw new ShellSyntaxError('syntax error near unexpected token `newline\'');
    return { fd: r.fd, kind: r.kind, target: w.raw };
  }

  private parseCommand(): ShellNode {
    const t = this.peek();
    if (!t) throw new ShellSyntaxError('syntax error: unexpected end of file');
    if (t.t === 'op' && t.op === '(') {
      this.next();
      const body = this.parseList(new Set());
      const close = this.next();
      if (!(close?.t === 'op' && close.op === ')')) throw new ShellSyntaxError('syntax error: expected `)\'');
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
          const clauses: { cond: ShellNode; body: ShellNode }[] = [];
          let otherwise: ShellNode | undefined;
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
            else throw new ShellSyntaxError('syntax error: expected `fi\'');
          }
          return { t: 'if', clauses, otherwise, redirs: this.parseRedirs() };
        }
        case 'for': {
          this.next();
          const name = this.next();
          if (name?.t !== 'word' || !/^[A-Za-z_]\w*$/.test(name.raw)) throw new ShellSyntaxError('syntax error: bad for-loop variable');
          let words: string[] | null = null;
          this.skipNl();
          if (this.isWord('in')) {
            this.next();
            words = [];
            while (this.peek()?.t === 'word') words.push((this.next() as { raw: string }).raw);
          }
          if (this.isOp(';')) this.next();
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
          throw new ShellSyntaxError(`syntax error near unexpected token \`${t.raw}'`);
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
      throw new ShellSyntaxError(`syntax error near unexpected token \`${bad?.t === 'op' ? bad.op : 'newline'}'`);
    }
    return { t: 'simple', assigns, words, redirs, line };
  }
}

/** Parses a whole script; throws ShellSyntaxError. */
export function parseScript(src: string): ShellNode {
  return new Parser(lex(src)).parseScript();
}
