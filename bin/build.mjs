#!/usr/bin/env node
// `npm run build` (issue 17): the package's run-time code in dist/, bundled by esbuild, and its type
// declarations in dist/types/, written by tsc (tsconfig.build.json). Run by `prepare` (npm ci, and npm's
// install from a git commit) and by `prepack` (npm pack, npm publish). Not shipped.
//
// Why a bundle and not tsc's one file per module: measured on the 2-core CI machine (user+sys CPU,
// median of 7, the README's Benchmark), `domsec verify` of a 6 KB message took 0.92 s compiled by tsc and
// 0.39 s bundled, against 0.17 s for `node -e 0`. Most of the difference is loading @peculiar/x509's
// CommonJS build and its many small dependency modules; the bundle takes its ES build (mainFields) and
// keeps only what is used. Dependencies stay in package.json: the declarations name their types.
//
// Layout: entry points dist/main.js (the CLI, bin/domsec.js), dist/index.js (the engine), dist/harness-api.js
// (the harness), dist/worker.js (a gateway worker thread, src/gateway/pool.ts finds it next to its own chunk);
// shared chunks beside them. Data files are not copied: src/paths.ts finds them from the package root.
import { existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist', import.meta.url));
rmSync(dist, { recursive: true, force: true });

const entryPoints = ['src/cli/main.ts', 'src/index.ts', 'src/harness-api.ts', 'src/gateway/worker.ts'].filter((f) => existsSync(new URL(`../${f}`, import.meta.url)));

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  mainFields: ['module', 'main'],
  // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded before it. The sources import
  // 'reflect-metadata' first, but esbuild orders the imports of shared chunks its own way (a gateway worker
  // thread failed to start), so every output file imports it, unbundled, before anything else: a module's
  // imports are evaluated in the order they are written. And bundled CommonJS dependencies call
  // require(), which an ES module does not have: each file makes its own.
  external: ['reflect-metadata'],
  banner: { js: "import 'reflect-metadata'; import { createRequire as __domsecCreateRequire } from 'node:module'; const require = __domsecCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  minify: true,
  keepNames: true, // class and function names stay as written (error messages, instanceof-free checks by name in dependencies)
});

// Declarations for the exports map (types of dist/index.js and dist/harness-api.js).
const tsc = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve('typescript/bin/tsc')), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build: tsc (declarations) failed\n');
  process.exit(1);
}
