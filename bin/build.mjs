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
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  // Bundled CommonJS dependencies call require(), which an ES module does not have: each file makes its own.
  banner: { js: "import { createRequire as __domsecCreateRequire } from 'node:module'; const require = __domsecCreateRequire(import.meta.url);" },
  // The sources' `import 'reflect-metadata'` lines are dropped here and the polyfill is imported, below, by
  // exactly the files that use Reflect metadata (see REFLECT).
  plugins: [{
    name: 'reflect-metadata-where-used',
    setup(b) {
      b.onResolve({ filter: /^reflect-metadata$/ }, () => ({ path: 'reflect-metadata', namespace: 'domsec-dropped' }));
      b.onLoad({ filter: /.*/, namespace: 'domsec-dropped' }, () => ({ contents: '', loader: 'js' }));
    },
  }],
  logLevel: 'warning',
  legalComments: 'none',
  minify: true,
  keepNames: true, // class and function names stay as written (error messages, instanceof-free checks by name in dependencies)
});

// REFLECT: @peculiar/x509 (through tsyringe and its decorators' design:paramtypes) needs the Reflect metadata
// polyfill installed before its modules run. Where the sources import it first, esbuild's shared chunks may
// still run in another order (a gateway worker thread failed to start), and loading it in every file cost
// `domsec --help` about 80 ms of CPU, half of Node's own start-up (the polyfill is CommonJS). So it is bundled
// once as dist/reflect.js, and each output file that uses Reflect metadata imports it first: a module's
// imports run in the order they are written, before its own code.
await build({ absWorkingDir: root, entryPoints: { reflect: 'reflect-metadata' }, outdir: 'dist', bundle: true, format: 'esm', platform: 'node', target: 'node20.19', minify: true, logLevel: 'warning', legalComments: 'none' });
const usesReflect = /Reflect\.(?:metadata|getMetadata|getOwnMetadata|defineMetadata)\b|requires a reflect polyfill/;
let patched = 0;
for (const f of readdirSync(dist)) {
  if (!f.endsWith('.js') || f === 'reflect.js') continue;
  const file = join(dist, f);
  const text = readFileSync(file, 'utf8');
  if (!usesReflect.test(text)) continue;
  writeFileSync(file, `import './reflect.js';\n${text}`);
  patched++;
}
if (patched === 0) {
  process.stderr.write('build: no output file uses Reflect metadata: @peculiar/x509 changed? (bin/build.mjs, REFLECT)\n');
  process.exit(1);
}

// Declarations for the exports map (types of dist/index.js and dist/harness-api.js).
const tsc = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve('typescript/bin/tsc')), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build: tsc (declarations) failed\n');
  process.exit(1);
}
