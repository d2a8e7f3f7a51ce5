// `npm run build`, second half (postbuild): after tsc has written dist/, esbuild bundles the modules that child
// processes load at start-up into one file each. A process loading ~900 files (resolutions, reads, CommonJS lexer
// passes) spends about 0.4 s more CPU starting than one loading their bundle, and the test suite, `npm run chaos` and
// a scaled-out deployment start many. The loaders prefer the bundle when it sits next to its module, else load the
// module as tsc emitted it:
//   dist/bench/harness-worker-main.bundle.js  the harness worker (src/bench/harness-worker.ts)
//   dist/runtime/start.bundle.js              the runtime of `natmigrate bot|worker|all` (src/runtime/run-role.ts)
// Left outside (loaded from node_modules as usual): the Alibaba SDK family (its model index is replaced lazily through
// the CommonJS cache, src/cloud/alibaba/sdk.ts, and one copy of openapi-core keeps its error classes one), and Bull
// Board and Express (they serve files found next to their own modules).
import { build } from 'esbuild';

// CommonJS modules inside an ES module bundle still call require and read __dirname/__filename.
const banner = [
  "import { createRequire as __nmCreateRequire } from 'node:module';",
  "import { fileURLToPath as __nmFileURLToPath } from 'node:url';",
  'const require = __nmCreateRequire(import.meta.url);',
  'const __filename = __nmFileURLToPath(import.meta.url);',
  "const __dirname = __nmFileURLToPath(new URL('.', import.meta.url));",
].join(' ');

const common = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', banner: { js: banner },
  external: ['@alicloud/*', '@darabonba/*', '@bull-board/*', 'express'],
};

await build({ ...common, entryPoints: ['dist/bench/harness-worker-main.js'], outfile: 'dist/bench/harness-worker-main.bundle.js' });
await build({ ...common, entryPoints: ['dist/runtime/start.js'], outfile: 'dist/runtime/start.bundle.js' });
