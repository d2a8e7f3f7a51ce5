// Progress lines on stderr while the demo runs ("▶ starting sandbox cloud… ok (127.0.0.1:40123)"), so a person sees
// where it is; stdout stays for the transcript and the summary.

export interface Progress {
  /** "▶ label… ok (detail)" around an async stage; "failed" when it throws. */
  stage<T>(label: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T>;
  /** "▶ line": something a person does. */
  act(line: string): void;
  /** "… line… there (1.2 s)" around a wait. */
  wait<T>(label: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T>;
  /** A plain note line ("  " indented). */
  note(line: string): void;
}

/** The verdict words and how details follow them, in the demo's language (the catalog's progOk … progDetails). */
export interface ProgressWords { ok: string; done: string; failed: string; details: (p: { parts: string[] }) => string }
const ENGLISH: ProgressWords = { ok: 'ok', done: 'done', failed: 'failed', details: (p) => ` (${p.parts.join(', ')})` };

export function createProgress(opts: { quiet: boolean; write?: (s: string) => void; words?: ProgressWords }): Progress {
  const words = opts.words ?? ENGLISH;
  const write = opts.quiet ? () => {} : (opts.write ?? ((s: string) => void process.stderr.write(s)));
  // A stage prints its label first and its verdict later; anything printed in between starts a fresh line.
  let open = false;
  const line = (s: string) => {
    if (open) write('\n');
    open = false;
    write(`${s}\n`);
  };
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

  async function around<T>(head: string, okWord: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined, timed = false): Promise<T> {
    if (open) write('\n');
    write(`${head}… `);
    open = true;
    const t0 = Date.now();
    try {
      const v = await fn();
      const d = detail?.(v);
      const parts = [d, timed ? secs(Date.now() - t0) : undefined].filter((x): x is string => !!x);
      const tail = `${okWord}${parts.length ? words.details({ parts }) : ''}`;
      write(open ? `${tail}\n` : `  ${tail}\n`);
      open = false;
      return v;
    } catch (err) {
      if (open) write(`${words.failed}\n`);
      open = false;
      throw err;
    }
  }

  return {
    stage: (label, fn, detail) => around(`▶ ${label}`, words.ok, fn, detail),
    wait: (label, fn, detail) => around(`… ${label}`, words.done, fn, detail, true),
    act: (s) => line(`▶ ${s}`),
    note: (s) => line(`  ${s}`),
  };
}
