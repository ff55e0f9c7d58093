/**
 * Start-up cost of the built command (issue 17): CPU time (user + system, from GNU time) of
 * `domsec --help` and of `domsec verify` on a small message, run as the installed package runs them
 * (bin/domsec.js on dist/, DOMSEC_FROM_BUILD=1), side by side with `node -e 0`. CPU rather than wall
 * time: on a shared 2-core machine the wall time of a 0.1 s process mostly measures the neighbours.
 * Aims: --help within 1.5x and verify within 3x of `node -e 0`. The build is made first (npm run build),
 * so the figures are for the code in the checkout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GNU_TIME } from './processes.js';
import { median } from './primitives.js';

export interface StartupRow {
  what: string;
  argv: string[];
  cpuMs: number;
  runsCpuMs: number[];
  /** cpuMs / the cpuMs of `node -e 0`. */
  ratio: number;
  aim?: number;
}

export interface StartupReport {
  node: { cpuMs: number; runsCpuMs: number[] };
  rows: StartupRow[];
}

function cpuMs(argv: string[], cwd: string, scratch: string, env: NodeJS.ProcessEnv): number {
  const out = join(scratch, 'startup-time.txt');
  const r = spawnSync(GNU_TIME, ['-f', '%U %S', '-o', out, process.execPath, ...argv], { cwd, env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`bench startup: node ${argv.join(' ')} exited ${r.status}`);
  const [u, s] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(out, { force: true });
  return ((u ?? NaN) + (s ?? NaN)) * 1000;
}

function timed(argv: string[], cwd: string, scratch: string, env: NodeJS.ProcessEnv, warmup: number, runs: number): number[] {
  for (let i = 0; i < warmup; i++) cpuMs(argv, cwd, scratch, env);
  return Array.from({ length: runs }, () => cpuMs(argv, cwd, scratch, env));
}

export function measureStartup(repoRoot: string, scratch: string, iterations: { warmup: number; runs: number }, log: (l: string) => void): StartupReport | undefined {
  if (!existsSync(GNU_TIME)) {
    log(`start-up CPU: not measured (no ${GNU_TIME})`);
    return undefined;
  }
  log('start-up CPU: building dist/ (npm run build)');
  const b = spawnSync(process.execPath, [join(repoRoot, 'bin/build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('bench startup: npm run build failed');
  const env = { ...process.env, DOMSEC_FROM_BUILD: '1' };
  const bin = join(repoRoot, 'bin/domsec.js');
  const vectors = join(repoRoot, 'vectors');
  const { warmup, runs } = iterations;
  const nodeRuns = timed(['-e', '0'], repoRoot, scratch, env, warmup, runs);
  const node = { cpuMs: median(nodeRuns), runsCpuMs: nodeRuns };
  const cases: Array<Omit<StartupRow, 'cpuMs' | 'runsCpuMs' | 'ratio'>> = [
    { what: 'domsec --help', argv: [bin, '--help'], aim: 1.5 },
    {
      what: 'domsec verify (receive/domain-signed.eml, 6 KB)',
      argv: [bin, 'verify', join(vectors, 'receive/domain-signed.eml'), '--trust', join(vectors, 'keys/ca.crt'), '--at', '2026-03-01T12:00:00Z'],
      aim: 3,
    },
  ];
  const rows = cases.map((c) => {
    const r = timed(c.argv, repoRoot, scratch, env, warmup, runs);
    const m = median(r);
    return { ...c, cpuMs: m, runsCpuMs: r, ratio: m / node.cpuMs };
  });
  return { node, rows };
}

export function formatStartup(s: StartupReport): string[] {
  return [
    `Start-up, CPU (user + system, median) of the built command (bin/domsec.js on dist/) against node -e 0 (${s.node.cpuMs.toFixed(0)} ms):`,
    ...s.rows.map((r) => `  ${r.what.padEnd(50)} ${r.cpuMs.toFixed(0).padStart(5)} ms  ${r.ratio.toFixed(2)}x node -e 0${r.aim ? ` (aim ${r.aim}x)` : ''}`),
  ];
}
