// Loading a scenario: an object, JSON text, or a .json / .yaml file; validated with zod, then cross-checked so an
// inconsistent world is refused up front with one clear line per problem, instead of misbehaving later.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { crossCheck } from './scenario-cross-check.ts';
import { scenarioSchema, type Scenario } from './scenario-schema.ts';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(readonly problems: string[], readonly source = 'scenario') {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function pathOf(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/**
 * Validates a scenario. `input` is a scenario object, a JSON text, or the path of a .json / .yaml / .yml file.
 * Throws ScenarioError listing every problem found.
 */
export function loadScenario(input: unknown): Scenario {
  let source = 'scenario';
  let raw = input;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) {
      try { raw = JSON.parse(text); } catch (e) { throw new ScenarioError([`not valid JSON: ${(e as Error).message}`]); }
    } else {
      source = `scenario file ${input}`;
      let body: string;
      try { body = readFileSync(input, 'utf8'); } catch (e) {
        throw new ScenarioError([`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`], source);
      }
      const ext = extname(input).toLowerCase();
      try {
        raw = ext === '.yaml' || ext === '.yml' ? YAML.parse(body) : JSON.parse(body);
      } catch (e) {
        throw new ScenarioError([`not valid ${ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON'}: ${(e as Error).message}`], source);
      }
    }
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(parsed.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`), source);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length) throw new ScenarioError(problems, source);
  return parsed.data;
}
