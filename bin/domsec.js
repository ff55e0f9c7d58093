#!/usr/bin/env node
// Launcher: loads the TypeScript CLI in this process through tsx's loader, so `npx domsec` and
// `npm link` work without a build step (one process, no child node).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
