// The guest's shell interpreter on its own: the POSIX subset scripts rely on, answered like bash would.
import { describe, expect, it } from 'vitest';
import { coreutils } from '../../src/sandbox/shell/coreutils.ts';
import { runShell } from '../../src/sandbox/shell/shell-interpreter.ts';
import type { VirtualFs } from '../../src/sandbox/shell/shell-runtime.ts';

function memFs(): VirtualFs {
  const files = new Map<string, string>([['/etc/hosts', '127.0.0.1 localhost\n']]);
  return {
    read: (p) => files.get(p),
    write: (p, c, append) => { files.set(p, (append ? files.get(p) ?? '' : '') + c); return undefined; },
    kind: (p) => (files.has(p) ? 'file' : p === '/etc' || p === '/' ? 'dir' : undefined),
    list: (d) => [...files.keys()].filter((k) => k.startsWith(`${d}/`)).map((k) => k.slice(d.length + 1)),
  };
}
const sh = (script: string, env: Record<string, string> = {}) => runShell(script, { commands: coreutils, fs: memFs(), env });

describe('guest shell', () => {
  it.each([
    ['echo hi; false; echo $?', 0, 'hi\n1\n'],
    ['set -e\necho a\nfalse\necho b', 1, 'a\n'],
    ['set -e; false || true; echo ok', 0, 'ok\n'],
    ['set -e; false && true; echo survived', 0, 'survived\n'],
    ['set -e; if false; then echo no; fi; echo after', 0, 'after\n'],
    ['set -e; ! true; echo negated-ok', 0, 'negated-ok\n'],
    // An assignment alone has the status of its last command substitution, else 0 (bash), also after a failed elif.
    ['set -e\nif false; then :\nelif false; then :\nelse\n  X=1\n  echo in-else\nfi', 0, 'in-else\n'],
    ['false; X=1; echo $?', 0, '0\n'],
    ['X=$(false); echo $?', 0, '1\n'],
    ['false; X=$?; echo $X', 0, '1\n'],
    ['set -eo pipefail; false | true; echo no', 1, ''],
    ['false | true; echo $?', 0, '0\n'],
    ['X=$(echo hello | tr a-z A-Z); echo "got $X"', 0, 'got HELLO\n'],
    ['for i in 1 2 3; do echo n$i; done | tail -n 1', 0, 'n3\n'],
    ['i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo $i', 0, '3\n'],
    ['M=00:16:3e:aa:bb:cc/; echo ${M%/} ${M#00:} ${#M} ${UNSET:-dflt}', 0, '00:16:3e:aa:bb:cc 16:3e:aa:bb:cc/ 18 dflt\n'],
    ["echo 'single $HOME' \"double $HOME\"", 0, 'single $HOME double /root\n'],
    ['cat > /tmp/f <<EOF\nhome=$HOME\nEOF\ncat /tmp/f', 0, 'home=/root\n'],
    ["cat <<'EOF'\nraw $HOME\nEOF", 0, 'raw $HOME\n'],
    ['echo a >/dev/null; echo b 2>&1; echo c >&2', 0, 'b\nc\n'],
    ['grep -c localhost /etc/hosts; grep -q nothing /etc/hosts || echo miss', 0, '1\nmiss\n'],
    ['echo "a b  c" | awk \'{print $2}\'; echo "k=v" | cut -d= -f2; echo x.y | sed \'s/\\./-/\'', 0, 'b\nv\nx-y\n'],
    ['( exit 4 ); echo $?; { echo g1; echo g2; } | wc -l', 0, '4\n2\n'],
    ['echo one; exit 3; echo two', 3, 'one\n'],
    ['frob', 127, 'bash: line 1: frob: command not found\n'],
    ['echo "unterminated', 2, 'bash: unexpected EOF while looking for matching `"\'\n'],
    ['if true; then echo x', 2, "bash: syntax error: expected `fi'\n"],
    ['echo a # a comment\n# whole line\necho b', 0, 'a\nb\n'],
  ])('%j → exit %i', (script, code, output) => {
    const r = sh(script, { HOME: '/root' });
    expect(r.output).toBe(output);
    expect(r.exitCode).toBe(code);
  });

  it('models time spent sleeping without waiting for it', () => {
    const t0 = Date.now();
    const r = sh('sleep 30; sleep 1.5');
    expect(r.sleepMs).toBe(31_500);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('stops runaway loops', () => {
    const r = sh('while true; do :; done');
    expect(r.exitCode).toBe(124);
    expect(r.output).toMatch(/limit exceeded/);
  });
});
