#!/usr/bin/env node
// Runs the compiled program in dist/ (`npm run build`); the image ships dist/ only, with no tsx.
// A checkout keeps dist/ current: `prepare` builds on npm ci / npm install, and npm test, demo, bench and chaos build
// first. Whatever else starts this file (npx natmigrate, npm start, a test's spawn) after a source edit is refused,
// never run stale: when src/ is here, a source file newer than the build stops it with the command that fixes it.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const src = new URL('src/', root);
const built = new URL('dist/cli.js', root);

if (existsSync(src)) {
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : -Infinity;
  const newer = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .find((f) => /\.(ts|json)$/.test(f) && statSync(new URL(f, src)).mtimeMs > builtAt);
  if (newer !== undefined) {
    process.stderr.write(`natmigrate: ${builtAt === -Infinity ? 'dist/ is not built' : `src/${newer} changed after the last build`}; run \`npm run build\`\n`);
    process.exit(1);
  }
}

// Stack traces name the TypeScript sources (the build writes source maps).
process.setSourceMapsEnabled(true);
const { main } = await import('../dist/cli.js');
await main(process.argv.slice(2));
