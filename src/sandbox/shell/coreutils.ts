// The generic commands every modelled guest has (echo, printf, test, cat, ls, sleep, …): coreutils and friends.
import { fail, ok, type Command, type ExecResult, type ShellContext } from './shell-runtime.ts';
import { awk, cut, grep, headTail, inputsOf, joinLines, lines, sed, tr } from './text-commands.ts';

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
