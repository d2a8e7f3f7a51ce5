// The text utilities scripts pipe through: grep, head/tail, awk, cut, tr, sed (the subsets docs/sandbox.md lists),
// and how a command reads its input (named files, or stdin when there are none or the file is `-`).
import { fail, ok, type ExecResult, type InputStream, type ShellContext } from './shell-runtime.ts';

export function inputsOf(files: string[], stdin: InputStream, sh: ShellContext, cmd: string): { text: string; err: string; code: number } {
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
export const lines = (t: string): string[] => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
export const joinLines = (l: string[]): string => (l.length ? `${l.join('\n')}\n` : '');

export function grep(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
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

export function headTail(which: 'head' | 'tail') {
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

export function awk(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
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

export function cut(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
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

export function tr(args: string[], stdin: InputStream): ExecResult {
  const expandSet = (s: string) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\[:space:\]/g, ' \t\n').replace(/\[:upper:\]/g, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ').replace(/\[:lower:\]/g, 'abcdefghijklmnopqrstuvwxyz')
    .replace(/(.)-(.)/g, (_m, a: string, b: string) => { let r = ''; for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) r += String.fromCharCode(c); return r; });
  const text = stdin.readAll();
  if (args[0] === '-d') { const set = expandSet(args[1] ?? ''); return ok([...text].filter((c) => !set.includes(c)).join('')); }
  if (args[0] === '-s') { const set = expandSet(args[1] ?? ''); return ok(text.replace(/(.)\1+/gs, (m, c: string) => (set.includes(c) ? c : m))); }
  const a = expandSet(args[0] ?? '');
  const b = expandSet(args[1] ?? '');
  return ok([...text].map((c) => { const i = a.indexOf(c); return i < 0 ? c : (b[Math.min(i, b.length - 1)] ?? c); }).join(''));
}

export function sed(args: string[], stdin: InputStream, sh: ShellContext): ExecResult {
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
