import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyModelExports } from '../../src/cloud/alibaba/sdk.ts';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..', '..');

/** Runs a CommonJS snippet in a fresh node process (a clean module cache) and parses its JSON answer. */
function inFreshNode<T>(code: string, type: 'commonjs' | 'module' = 'commonjs'): T {
  return JSON.parse(execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: ROOT, encoding: 'utf8' })) as T;
}

describe('the SDK packages load with a lazy model index', () => {
  for (const pkg of ['@alicloud/ecs20140526', '@alicloud/vpc20160428']) {
    const indexPath = require.resolve(`${pkg}/dist/models/model.js`);

    it(`${pkg}: the lazy index exports exactly the names the published index does`, () => {
      const eager = inFreshNode<string[]>(`console.log(JSON.stringify(Object.keys(require(${JSON.stringify(indexPath)}))))`);
      const lazy = lazyModelExports(indexPath);
      expect(lazy).toBeDefined();
      expect(Object.keys(lazy!).sort()).toEqual([...eager].sort());
    });

    it(`${pkg}: a name resolves to the class its own file exports, loading only that file`, () => {
      const loaded: string[] = [];
      const lazy = lazyModelExports(indexPath, (file) => { loaded.push(file); return require(file) as Record<string, unknown>; }) as Record<string, unknown>;
      expect(loaded).toEqual([]);
      const name = pkg.includes('vpc') ? 'ModifyForwardEntryRequest' : 'AttachNetworkInterfaceRequest';
      const cls = lazy[name];
      expect(typeof cls).toBe('function');
      expect(loaded).toHaveLength(1);
      expect(cls).toBe((require(loaded[0]!) as Record<string, unknown>)[name]);
      void lazy[name];
      expect(loaded).toHaveLength(1); // the second read is cached
    });
  }

  it('leaves an index it does not recognise alone (the package then loads as published)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'natmigrate-sdk-'));
    const odd = join(dir, 'model.js');
    writeFileSync(odd, 'var A_1 = require("./A");\nvar B_1 = require("./B");\nObject.defineProperty(exports, "A", { enumerable: true, get: function () { return A_1.A; } });\nexports.B = B_1.B;\n');
    expect(lazyModelExports(odd)).toBeUndefined();
  });

  it('the compiled adapter loads a few dozen model files, not the whole API, and its clients work', () => {
    const r = inFreshNode<{ vpcModels: number; ecsModels: number; request: string }>(`
      const { vpcSdk, ecsSdk } = await import('./dist/cloud/alibaba/sdk.js');
      const { createRequire } = await import('node:module');
      const require = createRequire(process.cwd() + '/');
      const req = new vpcSdk.ModifyForwardEntryRequest({ forwardEntryId: 'fwd-1', internalIp: '192.168.0.9' });
      new vpcSdk.default({ regionId: 'cn-hangzhou', endpoint: 'vpc.example.test', accessKeyId: 'a', accessKeySecret: 'b' });
      const count = (p) => Object.keys(require.cache).filter((k) => k.includes(p + '/dist/models/')).length;
      console.log(JSON.stringify({ vpcModels: count('vpc20160428'), ecsModels: count('ecs20140526'), request: req.internalIp }));
    `, 'module');
    expect(r.request).toBe('192.168.0.9');
    expect(r.vpcModels).toBeGreaterThan(0);
    expect(r.vpcModels).toBeLessThan(50);
    expect(r.ecsModels).toBeLessThan(50);
  });
});
