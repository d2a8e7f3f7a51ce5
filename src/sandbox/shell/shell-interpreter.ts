// A small, honest POSIX-shell subset for Cloud Assistant scripts run against a modelled guest.
// Supported: ; newlines && || | ! & (run in foreground), if/elif/else/fi, for/in/do/done, while/until, { } and ( ),
// quoting, $VAR ${VAR} ${VAR:-x} ${VAR%pat} ${VAR#pat} ${#VAR} $? $(...) `...` $((...)), globs on the modelled
// filesystem, redirections (> >> < 2> 2>&1 >&2 &> <<EOF <<'EOF'), set -e / -o pipefail, and a handful of text
// utilities. Anything else answers like bash: "bash: X: command not found", exit 127. See docs/sandbox.md.
// This file runs the syntax tree; words are expanded by shell-expansion.ts.
import { Expander } from './shell-expansion.ts';
import { ShellSyntaxError } from './shell-lexer.ts';
import { parseScript, type Redir, type ShellNode } from './shell-parser.ts';
import { ExitSignal, InputStream, type Command, type IO, type ShellContext, type VirtualFs } from './shell-runtime.ts';

const MAX_STEPS = 20_000;

interface RunShellOptions {
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
    const ast = parseScript(script);
    code = sh.exec(ast, io);
  } catch (e) {
    if (e instanceof ExitSignal) code = e.code;
    else if (e instanceof ShellSyntaxError) { out += `bash: ${e.message}\n`; code = 2; }
    else throw e;
  }
  return { output: out, exitCode: code, sleepMs: sh.ctx.sleepMs };
}

class Shell {
  readonly ctx: ShellContext;
  private readonly expander = new Expander(this);
  private errexit = false;
  /** Command substitutions run so far (an assignment-only command's status depends on them). */
  private substitutions = 0;
  private pipefail = false;
  /** `$?`. */
  status = 0;
  private condDepth = 0;
  private exempt = false;
  private steps = 0;

  constructor(private readonly commands: Record<string, Command>, fs: VirtualFs, vars: Map<string, string>) {
    this.ctx = { vars, fs, sleepMs: 0 };
  }

  exec(n: ShellNode, io: IO): number {
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
        const items = n.words === null ? [] : n.words.flatMap((w) => this.expander.expand(w, io2, true));
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
        const body = r.heredoc!.quoted ? r.heredoc!.body : this.expander.expandText(r.heredoc!.body, io, true);
        cur = { ...cur, stdin: new InputStream(body) };
        continue;
      }
      const target = this.expander.expand(r.target, io, false)[0] ?? '';
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

  private simple(n: Extract<ShellNode, { t: 'simple' }>, io: IO): number {
    const subsBefore = this.substitutions;
    const words = n.words.flatMap((w) => this.expander.expand(w, io, true));
    const assigns = n.assigns.map((a) => { const k = a.indexOf('='); return [a.slice(0, k), this.expander.expand(a.slice(k + 1), io, false).join(' ')] as const; });
    if (!words.length) {
      for (const [k, v] of assigns) this.ctx.vars.set(k, v);
      // bash: the status of the last command substitution, or 0 when there was none.
      if (this.substitutions === subsBefore) this.status = 0;
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

  substitute(script: string, io: IO): string {
    let buf = '';
    const code = this.subshell(() => {
      const ast = parseScript(script);
      return this.exec(ast, { stdin: io.stdin, out: (s) => { buf += s; }, err: io.err });
    });
    this.status = code;
    this.substitutions++;
    return buf.replace(/\n+$/, '');
  }
}
