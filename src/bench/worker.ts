/**
 * Child process for everything that runs the engine in-process: every engine row (then its primitive
 * plan), the suite run and the vector regeneration, and also the input files and the output checks (so
 * that the driver stays small: see peakRss()). Each in a fresh
 * `node --expose-gc --import tsx src/bench/worker.ts JOB-JSON`, so that its peak RSS
 * (process.resourceUsage().maxRSS) belongs to that job alone. Prints one line `BENCH_RESULT {json}`.
 *
 * Engine jobs: load the parties, collect garbage and note the idle RSS; warm-up runs (the first one's
 * outcome is checked); then the timed runs, each after a full GC outside the timing, so that no run
 * pays for the previous one's garbage.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadParties } from './parties.js';
import { isEngineOp, runEngineOp, type OpOutcome } from './engine-ops.js';
import { primitivePlan, timePlan, type PlanItem } from './primitives.js';
import { runFullSuite, timeVectorRegeneration } from './suite-run.js';
import { makeFixture } from './fixtures.js';
import { parseMessage, shapeOf } from '../message/layers.js';
import { RESULT_PREFIX, type EngineJobResult, type WorkerJob, type WorkerResult } from './protocol.js';

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * This process's own peak RSS (bytes): VmHWM of /proc/self/status where there is one (Linux), else
 * process.resourceUsage().maxRSS. Not maxRSS on Linux, because getrusage's ru_maxrss survives exec and
 * so starts at the RSS the driver had when it forked this process (measured: a child of a 1.5 GB parent
 * reports 1.4 GB maxRSS against a 39 MB VmHWM); VmHWM belongs to the address space exec created.
 */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS * 1024;
}

function collect(): void {
  if (gc) {
    gc();
    gc();
  }
}

function engineJob(job: Extract<WorkerJob, { kind: 'engine' }>): EngineJobResult {
  const p = loadParties(job.keysDir);
  collect();
  const idleRss = process.memoryUsage.rss();
  let outcome: OpOutcome | undefined;
  for (let i = 0; i < Math.max(1, job.warmup); i++) outcome = runEngineOp(job.op, p, job.input, job.output);
  const times: number[] = [];
  for (let i = 0; i < job.runs; i++) {
    collect();
    const t0 = performance.now();
    runEngineOp(job.op, p, job.input, job.output);
    times.push(performance.now() - t0);
  }
  const result: EngineJobResult = { kind: 'engine', times, outcome: outcome!, idleRss, peakRss: peakRss(), maxRss: process.resourceUsage().maxRSS * 1024 };
  if (job.primitives) {
    const plan: PlanItem[] = primitivePlan(job.op, p, job.input, job.output);
    collect();
    const keys = { priv: p.originator.key, pub: createPublicKey(p.originator.key) };
    result.primitives = timePlan(plan, keys, job.primitives.warmup, job.primitives.runs, collect);
  }
  return result;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
  let result: WorkerResult;
  switch (job.kind) {
    case 'engine':
      if (!isEngineOp(job.op)) throw new Error(`bench worker: unknown op ${String(job.op)}`);
      result = engineJob(job);
      break;
    case 'fixture':
      result = { kind: 'fixture', fixture: makeFixture(job.root, job.size, loadParties(job.keysDir)) };
      break;
    case 'shapes': {
      const p = loadParties(job.keysDir);
      const keys = [{ certDer: p.remoteDca.certDer, key: p.remoteDca.key }];
      const shapes: Record<string, string> = {};
      for (const f of job.files) shapes[f] = shapeOf(parseMessage(readFileSync(f), { keys }));
      result = { kind: 'shapes', shapes };
      break;
    }
    case 'suite': {
      collect();
      const idleRss = process.memoryUsage.rss();
      const r = await runFullSuite(job.keysDir, job.encryptOutbound, job.limit);
      result = { kind: 'suite', idleRss, peakRss: peakRss(), ...r };
      break;
    }
    case 'vectors': {
      const r = await timeVectorRegeneration(job.keysDir, job.again);
      result = { kind: 'vectors', peakRss: peakRss(), ...r };
      break;
    }
    default:
      throw new Error(`bench worker: unknown job ${JSON.stringify(job)}`);
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

await main();
// Nothing may keep the process alive after the result (a socket of the suite run, a timer).
process.exit(0);
