import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeArgsFor, sourceEntryArgs } from '../../src/util/node-entry.ts';

const entry = new URL('../../src/bench/ack-bot.ts', import.meta.url);

describe('how a child starts one of our entry modules (from source)', () => {
  it('with a stale (or missing) build: the .ts entry through the tsx loader, by absolute path', () => {
    const args = sourceEntryArgs(entry, false);
    expect(args).toEqual(['--import', 'tsx', fileURLToPath(entry)]);
    expect(existsSync(args[2]!)).toBe(true);
  });

  it('with a current build: the compiled sibling under dist/, when the build has it', () => {
    const built = fileURLToPath(new URL('../../dist/bench/ack-bot.js', import.meta.url));
    expect(sourceEntryArgs(entry, true)).toEqual(existsSync(built) ? [built] : ['--import', 'tsx', fileURLToPath(entry)]);
  });

  it('takes only the source URL of a .ts module', () => {
    expect(() => nodeArgsFor(new URL('../../src/bench/ack-bot.js', import.meta.url))).toThrow(/not a \.ts source URL/);
  });
});
