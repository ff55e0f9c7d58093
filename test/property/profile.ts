/**
 * The two profiles of the property and robustness runs, and replay.
 *
 *   quick  (npm test)      a fixed number of runs per property, chosen to keep `npm test` well under a minute
 *   long   (npm run fuzz)  100,000 runs per property, or until a time budget runs out
 *
 * Environment variables (both profiles):
 *   DOMSEC_FC_SEED=<int>        seed of the run (default: fast-check picks one and reports it)
 *   DOMSEC_FC_PATH=<path>       with the seed: replay exactly that counterexample (fast-check's path; one run)
 *   DOMSEC_FC_PROPERTY=<name>   apply SEED/PATH to this property only (the others run normally)
 *   DOMSEC_FC_RUNS=<n>          number of runs per property
 *   DOMSEC_FUZZ_SECONDS=<s>     long profile: time budget per property (default: no budget, 100,000 runs)
 *
 * A failure message always ends with the command line that replays it.
 */
import fc from 'fast-check';

export type ProfileName = 'quick' | 'long';

export interface RunOptions {
  /** Property name, used by DOMSEC_FC_PROPERTY and in the replay line. */
  name: string;
  profile: ProfileName;
  /** Runs in the quick profile. */
  quickRuns: number;
  /** How to re-run just this property, without the env variables (e.g. "npx vitest run test/property/section5.property.test.ts"). */
  replayCommand: string;
}

export interface RunSummary {
  name: string;
  runs: number;
  skipped: number;
  seed: number;
  ms: number;
  interrupted: boolean;
}

const LONG_RUNS = 100_000;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name}=${v} is not an integer`);
  return n;
}

export function parameters<T>(o: RunOptions): fc.Parameters<T> {
  const mine = !process.env.DOMSEC_FC_PROPERTY || process.env.DOMSEC_FC_PROPERTY === o.name;
  const seed = mine ? envInt('DOMSEC_FC_SEED') : undefined;
  const path = mine ? process.env.DOMSEC_FC_PATH : undefined;
  // A replay (seed and path) runs the counterexample alone: fast-check starts the run at the path.
  const runs = envInt('DOMSEC_FC_RUNS') ?? (seed !== undefined && path ? 1 : o.profile === 'quick' ? o.quickRuns : LONG_RUNS);
  const seconds = o.profile === 'long' ? envInt('DOMSEC_FUZZ_SECONDS') : undefined;
  const p: fc.Parameters<T> = { numRuns: runs, endOnFailure: false };
  if (seed !== undefined) p.seed = seed;
  if (seed !== undefined && path) p.path = path;
  if (seconds !== undefined) {
    p.interruptAfterTimeLimit = seconds * 1000;
    p.markInterruptAsFailure = false;
  }
  return p;
}

export function replayLine(o: RunOptions, seed: number, path: string | undefined): string {
  const vars = [`DOMSEC_FC_PROPERTY=${o.name}`, `DOMSEC_FC_SEED=${seed}`];
  if (path) vars.push(`DOMSEC_FC_PATH=${path}`);
  return `Replay: ${vars.join(' ')} ${o.replayCommand}\n    or: ${vars.join(' ')} npm run fuzz -- ${o.name}`;
}

/**
 * Run one property (fc.check) and throw a readable error on failure: fast-check's report (seed, path,
 * counterexample, the error) followed by the replay line.
 */
export function runProperty<T>(o: RunOptions, property: fc.IProperty<T>): RunSummary {
  const started = Date.now();
  const params = parameters<T>(o);
  const details = fc.check(property, params);
  const ms = Date.now() - started;
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? 'property failed';
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const err = new Error(`${o.name}: property failed\n${report}\n\nError: ${cause}\n\n${replayLine(o, details.seed, details.counterexamplePath ?? undefined)}\n`);
    err.stack = err.message;
    throw err;
  }
  return { name: o.name, runs: details.numRuns, skipped: details.numSkips, seed: details.seed, ms, interrupted: details.interrupted };
}

/** Count outcomes during a run (for the coverage checks and the fuzz report). */
export class Tally {
  readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  toString(): string {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
  }
}
