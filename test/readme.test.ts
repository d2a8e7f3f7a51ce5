import { readFileSync } from 'node:fs';
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
});
