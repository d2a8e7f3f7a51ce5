import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigTable } from '../src/config.ts';
import { commandNames } from '../src/cli.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README stays true to the code', () => {
  it('shows the configuration table generated from the config schema', () => {
    const m = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme);
    expect(m, 'README needs the config-table markers').not.toBeNull();
    expect(m![1]).toBe(renderConfigTable());
  });

  it('gives the exact test command that CI runs', () => {
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
    const testCommand = /^npm ci && (npm test)\b/m.exec(readme);
    expect(testCommand).not.toBeNull();
    expect(ci).toMatch(/^npm test$/m);
  });

  it('documents every CLI command', () => {
    for (const name of commandNames()) expect(readme).toContain(`natmigrate ${name}`);
  });

  it('shows the folder tree as it is: every folder of src/ once, and no folder that is not there', () => {
    const block = /```\nsrc\/\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README needs the src/ tree').not.toBeNull();
    const listed: string[] = [];
    const stack: { indent: number; name: string }[] = [];
    for (const line of block![1]!.split('\n')) {
      const m = /^( +)([a-z0-9-]+)\/ /.exec(line);
      if (!m) continue;
      const indent = m[1]!.length;
      while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, name: m[2]! });
      listed.push(stack.map((x) => x.name).join('/'));
    }
    const actual: string[] = [];
    const walk = (dir: string, rel: string) => {
      for (const e of readdirSync(dir)) {
        if (!statSync(`${dir}/${e}`).isDirectory()) continue;
        actual.push(rel ? `${rel}/${e}` : e);
        walk(`${dir}/${e}`, rel ? `${rel}/${e}` : e);
      }
    };
    walk(new URL('../src', import.meta.url).pathname, '');
    expect([...listed].sort()).toEqual([...actual].sort());
  });
});
