// Word expansion: quotes, $VAR and ${VAR…} forms, $? and friends, $(…) and `…` (run by the interpreter), $((…)),
// field splitting and globbing against the modelled filesystem.
import { ExitSignalWithMessage, type IO, type ShellContext } from './shell-runtime.ts';

/** What expansion needs from the running shell. */
interface ExpansionHost {
  readonly ctx: ShellContext;
  /** `$?`. */
  readonly status: number;
  /** `$(…)` / `` `…` ``: runs the script in a subshell, returns its stdout without trailing newlines, sets `$?`. */
  substitute(script: string, io: IO): string;
}

export class Expander {
  constructor(private readonly sh: ExpansionHost) {}

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
        for (const name of this.sh.ctx.fs.list(p || '/') ?? []) if (re.test(name)) next.push(`${p}/${name}`);
      }
      paths = next;
    }
    const found = paths.filter((p) => this.sh.ctx.fs.kind(p)).sort();
    return found.length ? found : [pattern];
  }

  /** Expansion inside double quotes or heredocs: no splitting. */
  expandText(s: string, io: IO, dq: boolean): string {
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
      return [this.sh.substitute(s.slice(i + 1, e), io), e + 1];
    }
    if (s.startsWith('$((', i)) {
      const e = matchParen(s, i + 1);
      return [String(this.arith(s.slice(i + 3, e - 2))), e];
    }
    if (s[i + 1] === '(') {
      const e = matchParen(s, i + 1);
      return [this.sh.substitute(s.slice(i + 2, e - 1), io), e];
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
      if (k === '?') return String(this.sh.status);
      if (k === '$') return '4242';
      if (k === '#') return '0';
      if (k === '0') return 'bash';
      if (/^[1-9@*]$/.test(k)) return '';
      return this.sh.ctx.vars.get(k);
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
        case '=': if (unset) { this.sh.ctx.vars.set(name, w); return w; } return v!;
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

  private arith(expr: string): number {
    const toks = expr.match(/\d+|[A-Za-z_]\w*|\$\w+|[-+*/%()]/g) ?? [];
    let p = 0;
    const val = (t: string): number => Number(this.sh.ctx.vars.get(t.replace(/^\$/, '')) ?? 0) || 0;
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
function globRe(glob: string): RegExp {
  let re = '';
  for (const c of glob) re += c === '*' ? '.*' : c === '?' ? '.' : /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  return new RegExp(`^${re}$`, 's');
}
