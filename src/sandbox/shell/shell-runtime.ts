// What the interpreter and the commands share: the result of a command, its stdin, the modelled filesystem, the
// shell state a command may touch, the stream wiring of a running command, and the signal that ends the script.

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

export const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0 });
export const fail = (stderr: string, code = 1): ExecResult => ({ stdout: '', stderr, code });

/** Where a running command reads and writes (stdout and stderr can be redirected independently). */
export interface IO { stdin: InputStream; out: (s: string) => void; err: (s: string) => void }

/** `exit`, `set -e`, a step limit or a fatal expansion error: unwinds to the script's (or subshell's) top. */
export class ExitSignal { constructor(readonly code: number) {} }

/** An ExitSignal that first prints its reason on stderr (`${x:?msg}`, a bad substitution). */
export class ExitSignalWithMessage extends ExitSignal {
  constructor(msg: string, code: number, io: IO) { io.err(msg); super(code); }
}
