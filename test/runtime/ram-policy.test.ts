import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTIONS, requiredRamActions } from '../../src/cloud/alibaba/index.ts';

/** docs/ram-policy.json grants exactly the actions the adapter can call: no more (least privilege), no fewer. */

interface Statement { Effect: string; Action: string[] | string; Resource: string | string[]; Condition?: unknown }
const policy = JSON.parse(readFileSync(new URL('../../docs/ram-policy.json', import.meta.url), 'utf8')) as { Version: string; Statement: Statement[] };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('docs/ram-policy.json', () => {
  it('allows exactly requiredRamActions(), derived from the adapter\'s action table', () => {
    expect(policy.Version).toBe('1');
    const granted = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    expect(new Set(granted).size).toBe(granted.length);
    expect([...granted].sort()).toEqual(requiredRamActions());
    expect(requiredRamActions()).toHaveLength(Object.keys(ACTIONS).length);
  });

  it('has one statement per product, no wildcards and no Deny tricks', () => {
    expect(policy.Statement.map((s) => s.Effect)).toEqual(['Allow', 'Allow']);
    const products = policy.Statement.map((s) => [...new Set(actionsOf(s).map((a) => a.split(':')[0]))]);
    expect(products).toEqual([['ecs'], ['vpc']]);
    for (const s of policy.Statement) {
      for (const a of actionsOf(s)) expect(a).toMatch(/^(ecs|vpc):[A-Z][A-Za-z]+$/);
      expect(s.Resource).toBe('*');
      expect(Object.keys(s).sort()).toEqual(['Action', 'Effect', 'Resource']);
    }
  });
});
