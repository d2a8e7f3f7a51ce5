// How a child process starts one of our own entry modules. Compiled (dist/, which bin/natmigrate.js runs) the entry
// is the sibling .js that `npm run build` emitted. From source (vitest, tsx) it is that same compiled file when the
// build is newer than every source file (it starts in a third of the time and memory), else the .ts file through
// tsx's loader, a dev dependency: a child never runs code older than the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = import.meta.url.endsWith('.js');
const SRC = new URL('../', import.meta.url);
const DIST = new URL('../../dist/', import.meta.url);

let buildIsCurrent: boolean | undefined;

/** dist/ was built after the last change to any file under src/. */
function isBuildCurrent(): boolean {
  if (buildIsCurrent !== undefined) return buildIsCurrent;
  const cli = new URL('cli.js', DIST);
  if (!existsSync(cli)) return (buildIsCurrent = false);
  const builtAt = statSync(cli).mtimeMs;
  buildIsCurrent = !readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .some((f) => /\.(ts|json)$/.test(f) && statSync(new URL(f, SRC)).mtimeMs > builtAt);
  return buildIsCurrent;
}

/**
 * Node arguments that run `entry`, given as the source URL `new URL('./x.ts', import.meta.url)`.
 * `--import tsx` resolves from the child's working directory, so spawn it with cwd at the repository root.
 */
export function nodeArgsFor(entry: URL): string[] {
  if (compiled) {
    if (!entry.pathname.endsWith('.ts')) throw new Error(`nodeArgsFor: ${entry.href} is not a .ts source URL`);
    return [fileURLToPath(new URL(entry.href.replace(/\.ts$/, '.js')))];
  }
  return sourceEntryArgs(entry, isBuildCurrent());
}

/** From source: the compiled sibling under dist/ when the build is current and has it, else the .ts through tsx. */
export function sourceEntryArgs(entry: URL, buildCurrent: boolean): string[] {
  if (!entry.pathname.endsWith('.ts')) throw new Error(`nodeArgsFor: ${entry.href} is not a .ts source URL`);
  const built = new URL(entry.href.slice(SRC.href.length).replace(/\.ts$/, '.js'), DIST);
  if (buildCurrent && entry.href.startsWith(SRC.href) && existsSync(built)) return [fileURLToPath(built)];
  return ['--import', 'tsx', fileURLToPath(entry)];
}

/**
 * The module a worker thread of this process runs, given as the source URL `new URL('./x.ts', import.meta.url)`: the
 * compiled sibling when this process runs compiled code, else the source (a thread inherits tsx's loader).
 */
export function threadEntry(entry: URL): URL {
  if (!entry.pathname.endsWith('.ts')) throw new Error(`threadEntry: ${entry.href} is not a .ts source URL`);
  return compiled ? new URL(entry.href.replace(/\.ts$/, '.js')) : entry;
}
