#!/usr/bin/env node
// Launcher (issue 17). The installed package runs the built CLI, dist/main.js (`npm run build`,
// run by `prepare` and `prepack`): no TypeScript compiler at run time, tsx is a dev dependency only.
// A source checkout (src/cli/main.ts present and tsx installed) runs the TypeScript sources through tsx's
// loader instead, so that tests and `npm link` never run a stale build; DOMSEC_FROM_BUILD=1 makes a
// checkout run its build too (the benchmark's start-up rows, src/bench).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/main.js', import.meta.url);

async function load() {
  if (process.env.DOMSEC_FROM_BUILD !== '1' && existsSync(source)) {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      tsx = undefined; // sources without dev dependencies (npm install --omit=dev in a clone): use the build
    }
    if (tsx) {
      tsx.register();
      return import(source.href);
    }
  }
  if (!existsSync(built)) {
    process.stderr.write('domsec: dist/ is missing: run `npm run build` (or `npm ci`, whose prepare step builds it)\n');
    process.exit(3);
  }
  return import(built.href);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
