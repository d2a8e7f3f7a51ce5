// `npm run build`, second half (postbuild): after tsc has written dist/, esbuild bundles the modules that child
// processes load at start-up into one file each. A process loading ~900 files (resolutions, reads, CommonJS lexer
// passes) spends about 0.4 s more CPU starting than one loading their bundle, and the test suite, `npm run chaos` and
// a scaled-out deployment start many. The loaders prefer the bundle when it sits next to its module, else load the
// module as tsc emitted it:
//   dist/bench/harness-worker-main.bundle.js  the harness worker (src/bench/harness-worker.ts)
//   dist/runtime/start.bundle.js              the runtime of `natmigrate bot|worker|all` (src/runtime/run-role.ts)
// Left outside (loaded from node_modules as usual; only packages package.json declares, so that they resolve from
// dist/ as they do from their importers): the Alibaba SDK family (its model index is replaced lazily through the
// CommonJS cache, src/cloud/alibaba/sdk.ts, and one copy of openapi-core keeps its error classes one), and Bull Board
// (it serves its UI from files next to its own modules).
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
  external: ['@alicloud/*', '@darabonba/*', '@bull-board/*'],
};

await build({ ...common, entryPoints: ['dist/bench/harness-worker-main.js'], outfile: 'dist/bench/harness-worker-main.bundle.js' });
await build({ ...common, entryPoints: ['dist/runtime/start.js'], outfile: 'dist/runtime/start.bundle.js' });
