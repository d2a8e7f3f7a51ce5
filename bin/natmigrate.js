#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so `npx natmigrate` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
