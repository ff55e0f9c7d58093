/** The messages between the benchmark driver (run.ts) and its worker processes (worker.ts). */
import type { EngineOp, OpOutcome } from './engine-ops.js';
import type { PrimitiveTiming } from './primitives.js';
import type { SuiteRunResult, VectorsRunResult } from './suite-run.js';
import type { SizeFixture } from './fixtures.js';

export type WorkerJob =
  | {
      kind: 'engine';
      op: EngineOp;
      input: string;
      output: string;
      keysDir: string;
      warmup: number;
      runs: number;
      /** Then time the row's primitive plan (src/bench/primitives.ts) in the same process, after peakRss was taken. */
      primitives?: { warmup: number; runs: number };
    }
  | { kind: 'fixture'; root: string; size: number; keysDir: string }
  | { kind: 'shapes'; files: string[]; keysDir: string }
  | { kind: 'suite'; keysDir: string; encryptOutbound: boolean; limit?: number }
  | { kind: 'vectors'; keysDir: string; again: number };

export interface EngineJobResult {
  kind: 'engine';
  times: number[];
  outcome: OpOutcome;
  /** RSS after start-up, modules, keys and a full GC, before the first run (bytes). */
  idleRss: number;
  /** Peak RSS of this process after the engine runs (bytes), before any primitive was timed: see peakRss(). */
  peakRss: number;
  /** process.resourceUsage().maxRSS at the same moment (bytes): on Linux it includes the parent's RSS at fork. */
  maxRss: number;
  primitives?: PrimitiveTiming[];
}

export type WorkerResult =
  | EngineJobResult
  | { kind: 'fixture'; fixture: SizeFixture }
  | { kind: 'shapes'; shapes: Record<string, string> }
  | ({ kind: 'suite'; idleRss: number; peakRss: number } & SuiteRunResult)
  | ({ kind: 'vectors'; peakRss: number } & VectorsRunResult);

export const RESULT_PREFIX = 'BENCH_RESULT ';

