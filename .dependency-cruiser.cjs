// `npm run lint:deps`: the import rules of the architecture, checked on src/ and test/ (type-only imports count).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain is the pure core: it imports only itself and node:crypto (hashing), no I/O, no packages.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^(node:)?crypto$'] },
    },
    {
      name: 'alibaba-adapter-from-composition-roots',
      comment: 'Only src/runtime wires the Alibaba adapter (plus the bench and demo tools, and tests); the rest sees the cloud port.',
      severity: 'error',
      from: { pathNot: ['^src/(runtime|bench|demo|cloud/alibaba)/', '^test/'] },
      to: { path: '^src/cloud/alibaba/' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycle anywhere in src.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    // TypeScript 7's package has no JavaScript compiler API, so swc parses the sources.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
