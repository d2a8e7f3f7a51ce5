// `npm run build`, second half (postbuild): after tsc has written dist/, esbuild bundles the modules that child
// processes load at start-up into one file each. A process loading ~900 files (resolutions, reads, CommonJS lexer
// passes) spends about 0.4 s more CPU starting than one loading their bundle, and the test suite, `npm run chaos` and
// a scaled-out deployment start many. The loaders prefer the bundle when it sits next to its module, else load the
// module as tsc emitted it (src/util/bundled-import.ts):
//   dist/bench/harness-worker-main.bundle.js  the harness worker (src/bench/harness-worker.ts)
//   dist/runtime/start.bundle.js              the runtime of `natmigrate bot|worker|all` (src/runtime/run-role.ts)
//   dist/demo/run-demo.bundle.js              the whole system of `natmigrate demo` (src/demo/demo-command.ts)
// Left outside (loaded from node_modules as usual; only packages package.json declares, so that they resolve from
// dist/ as they do from their importers): the Alibaba SDK family (its model index is replaced lazily through the
// CommonJS cache, src/cloud/alibaba/sdk.ts, and one copy of openapi-core keeps its error classes one), and Bull Board
// (it serves its UI from files next to its own modules).
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

// CommonJS modules inside an ES module bundle still call require and read __dirname/__filename.
const banner = [
  "import { createRequire as __nmCreateRequire } from 'node:module';",
  "import { fileURLToPath as __nmFileURLToPath } from 'node:url';",
  'const require = __nmCreateRequire(import.meta.url);',
  'const __filename = __nmFileURLToPath(import.meta.url);',
  "const __dirname = __nmFileURLToPath(new URL('.', import.meta.url));",
].join(' ');

/**
 * Each of our modules keeps its own import.meta.url inside a bundle (a file it reads next to itself, a require it
 * creates, stay where they were): `import.meta.url` becomes the URL of the module's emitted file, from the bundle's.
 */
const DIST = resolve('dist') + sep;
const ownModuleUrls = (outfile) => ({
  name: 'own-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(DIST)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(dirname(resolve(outfile)), args.path).split('\\').join('/');
      const own = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'js' };
    });
  },
});

const common = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', banner: { js: banner },
  external: ['@alicloud/*', '@darabonba/*', '@bull-board/*'],
};

/** Bundles `module` (under dist/) into the .bundle.js next to it. */
const bundle = (module) => {
  const outfile = module.replace(/\.js$/, '.bundle.js');
  return build({ ...common, entryPoints: [module], outfile, plugins: [ownModuleUrls(outfile)] });
};

await bundle('dist/bench/harness-worker-main.js');
await bundle('dist/runtime/start.js');
await bundle('dist/demo/run-demo.js');
