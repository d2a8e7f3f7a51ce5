// The two official SDK packages, loaded with a lazy model index. Each package's dist/models/model.js requires every
// request/response class of the whole API up front (about 1,200 files per package; both together cost +98 MB RSS and
// +57 MB of heap, measured on ecs20140526 7.x / vpc20160428 7.x); natmigrate uses a few dozen. The lazy index
// exports the same names, as getters that load a model's own file on first use, so the SDK client code runs unchanged.
// If a future SDK lays out its index differently, nothing is replaced and the package loads as published.
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import type * as EcsSdk from '@alicloud/ecs20140526';
import type * as VpcSdk from '@alicloud/vpc20160428';

const require = createRequire(import.meta.url);

const REQUIRE_LINE = /^var (\w+) = require\("(\.\/[^"]+)"\);$/gm;
const EXPORT_LINE = /^Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return (\w+)\.(\w+); \} \}\);$/gm;

/** The lazy exports of one model index, or undefined when its source is not the shape tsc emits for re-exports. */
export function lazyModelExports(indexPath: string, load: (file: string) => Record<string, unknown> = require): object | undefined {
  const source = readFileSync(indexPath, 'utf8');
  const dir = dirname(indexPath);
  // The relative specifier of each model file; joined onto `dir` only when a model is first used (a path join for
  // each of the ~1,200 lines was a measurable share of a process's start-up).
  const files = new Map<string, string>();
  for (const m of source.matchAll(REQUIRE_LINE)) files.set(m[1]!, m[2]!);
  const exports: Record<string, unknown> = {};
  Object.defineProperty(exports, '__esModule', { value: true });
  let bound = 0;
  for (const m of source.matchAll(EXPORT_LINE)) {
    const file = files.get(m[2]!);
    if (!file) return undefined;
    const prop = m[3]!;
    let value: unknown;
    Object.defineProperty(exports, m[1]!, { enumerable: true, get: () => (value ??= load(join(dir, file))[prop]) });
    bound++;
  }
  // Every require line must be re-exported, or the index does something we did not read.
  return bound > 0 && bound >= files.size ? exports : undefined;
}

function installLazyModelIndex(pkg: string): void {
  const indexPath = require.resolve(`${pkg}/dist/models/model.js`);
  if (require.cache[indexPath]) return; // already loaded (whole) by someone else: keep it
  const exports = lazyModelExports(indexPath);
  if (!exports) return;
  const mod = new Module(indexPath);
  mod.filename = indexPath;
  mod.exports = exports;
  mod.loaded = true;
  require.cache[indexPath] = mod;
}

installLazyModelIndex('@alicloud/ecs20140526');
installLazyModelIndex('@alicloud/vpc20160428');

/** @alicloud/ecs20140526: the Client as `.default`, the request models by name. */
export const ecsSdk = require('@alicloud/ecs20140526') as typeof EcsSdk.default;
/** @alicloud/vpc20160428: the Client as `.default`, the request models by name. */
export const vpcSdk = require('@alicloud/vpc20160428') as typeof VpcSdk.default;
