/**
 * `npm run fuzz [-- section5 model robustness]`: the long profile of the property and robustness runs.
 *
 * Each property runs 100,000 cases (DOMSEC_FC_RUNS to change), or until its time budget
 * (DOMSEC_FUZZ_SECONDS, per property) runs out, in a worker thread of its own so that:
 *  - a case that hangs is caught: a watchdog in the main thread stops the worker when one case runs
 *    longer than WATCHDOG_SECONDS, and prints the seed and the run index, which replay it;
 *  - memory is bounded: the worker's heap is capped (HEAP_CAP_MB), and running out is reported the same way.
 * Replay any failure with the line it prints (DOMSEC_FC_SEED, DOMSEC_FC_PATH, DOMSEC_FC_PROPERTY).
 *
 * Example: DOMSEC_FUZZ_SECONDS=120 npm run fuzz -- section5 robustness   (npm run fuzz -- --help for the options)
 */
import 'reflect-metadata';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';

const PROPERTIES = ['model', 'section5', 'robustness'] as const;
type PropertyName = (typeof PROPERTIES)[number];

/** One case running longer than this is a hang (the robustness budget per case is 5 s; section5 cases take ~0.2 s). */
const WATCHDOG_SECONDS = Number(process.env.DOMSEC_FUZZ_WATCHDOG_SECONDS ?? 120);
/** Old-generation heap of each worker. A case needs well under 100 MB; more means memory grows without bound. */
const HEAP_CAP_MB = 2048;

interface WorkerIn {
  property: PropertyName;
  seed: number;
  heartbeat: SharedArrayBuffer;
}
type WorkerOut = { kind: 'done'; summary: string } | { kind: 'failed'; message: string };

// heartbeat: [0] cases started, [1] seconds since the epoch when the current case started (0: none running).
const STARTED = 0;
const CASE_T0 = 1;

async function workerMain(input: WorkerIn): Promise<void> {
  const fc = (await import('fast-check')).default;
  const { runProperty, Tally } = await import('./profile.js');
  const beat = new Int32Array(input.heartbeat);
  const enter = (): void => {
    Atomics.add(beat, STARTED, 1);
    Atomics.store(beat, CASE_T0, Math.floor(Date.now() / 1000));
  };
  const leave = (): void => {
    Atomics.store(beat, CASE_T0, 0);
  };
  const tally = new Tally();
  const extra = new Tally();
  const common = { profile: 'long' as const, quickRuns: 0, replayCommand: `npm run fuzz -- ${input.property}` };
  if (!process.env.DOMSEC_FC_SEED || (process.env.DOMSEC_FC_PROPERTY && process.env.DOMSEC_FC_PROPERTY !== input.property)) {
    process.env.DOMSEC_FC_SEED = String(input.seed);
    delete process.env.DOMSEC_FC_PATH;
    process.env.DOMSEC_FC_PROPERTY = input.property;
  }
  let summary;
  if (input.property === 'model') {
    const { applyModel } = await import('../../src/model/index.js');
    const { section5Case } = await import('./arbitraries.js');
    summary = runProperty({ name: 'model', ...common }, fc.property(section5Case, (c) => {
      enter();
      const r = applyModel(c.message, c.options);
      tally.add(r.ok ? r.branch : `refused:${r.refusal}`);
      leave();
    }));
  } else if (input.property === 'section5') {
    const { propertyEnv } = await import('./env.js');
    const { section5Case } = await import('./arbitraries.js');
    const { checkSection5Case } = await import('./check.js');
    const env = await propertyEnv();
    summary = runProperty({ name: 'section5', ...common }, fc.property(section5Case, (c) => {
      enter();
      const r = checkSection5Case(env, c);
      tally.add(r.outcome);
      extra.add(`again ${r.reapply}`);
      extra.add(`depth ${r.depth}`);
      leave();
    }));
  } else {
    const { propertyEnv } = await import('./env.js');
    const { corpus } = await import('../robustness/corpus.js');
    const { checkInput, RobustnessViolation } = await import('../robustness/check.js');
    const { inputOf, robustnessSpec } = await import('../robustness/arbitraries.js');
    const env = await propertyEnv();
    const seeds = corpus(env);
    const slowest: Array<{ ms: number; what: string }> = [];
    summary = runProperty({ name: 'robustness', ...common }, fc.property(robustnessSpec, (spec) => {
      enter();
      const { input, from } = inputOf(spec, seeds);
      const t0 = performance.now();
      try {
        const o = checkInput(env, spec.operation, input);
        tally.add(`${spec.operation}:${o.ok ? 'ok' : o.code}`);
        const ms = performance.now() - t0;
        if (slowest.length < 5 || ms > slowest[slowest.length - 1]!.ms) {
          slowest.push({ ms, what: `${spec.operation} ${input.length} bytes from ${from.slice(0, 120)} -> ${o.ok ? 'ok' : o.code}` });
          slowest.sort((a, b) => b.ms - a.ms).splice(5);
        }
      } catch (e) {
        if (e instanceof RobustnessViolation) e.message += `\n  made from ${from}`;
        throw e;
      } finally {
        leave();
      }
    }));
    for (const x of slowest) extra.add(`slowest ${x.ms.toFixed(0)} ms: ${x.what}`);
  }
  const rate = summary.runs / Math.max(1, summary.ms / 1000);
  const lines = [
    `${summary.name}: ${summary.runs} runs in ${(summary.ms / 1000).toFixed(1)} s (${rate.toFixed(1)} runs/s), seed ${summary.seed}${summary.interrupted ? ', stopped by the time budget' : ''}`,
    `  outcomes: ${tally}`,
  ];
  if (extra.counts.size) lines.push(`  also: ${[...extra.counts.keys()].some((k) => k.startsWith('slowest')) ? [...extra.counts.keys()].join('\n    ') : String(extra)}`);
  parentPort!.postMessage({ kind: 'done', summary: lines.join('\n') } satisfies WorkerOut);
}

function runInWorker(property: PropertyName): Promise<boolean> {
  const seed = process.env.DOMSEC_FC_SEED && (!process.env.DOMSEC_FC_PROPERTY || process.env.DOMSEC_FC_PROPERTY === property)
    ? Number(process.env.DOMSEC_FC_SEED)
    : (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
  const heartbeat = new SharedArrayBuffer(8);
  const beat = new Int32Array(heartbeat);
  // The worker runs this TypeScript file too; tsx's hooks do not carry over to workers, so a small
  // bootstrap registers them first (tsx/esm/api) and then imports this file.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.register()).then(() => import(${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { property, seed, heartbeat } satisfies WorkerIn,
    resourceLimits: { maxOldGenerationSizeMb: HEAP_CAP_MB, maxYoungGenerationSizeMb: 64 },
  });
  const started = Date.now();
  console.log(`[${property}] started, seed ${seed}`);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, text: string): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      console.log(text);
      void worker.terminate();
      resolve(ok);
    };
    const where = (): string => {
      const k = Atomics.load(beat, STARTED) - 1;
      return `run index ${k} (seed ${seed}); replay: DOMSEC_FC_PROPERTY=${property} DOMSEC_FC_SEED=${seed} DOMSEC_FC_PATH=${k} npm run fuzz -- ${property}`;
    };
    let lastReport = Date.now();
    const timer = setInterval(() => {
      const t0 = Atomics.load(beat, CASE_T0);
      if (t0 && Date.now() / 1000 - t0 > WATCHDOG_SECONDS) finish(false, `[${property}] FAILED: one case ran over ${WATCHDOG_SECONDS} s (a hang): ${where()}`);
      else if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        console.log(`[${property}] ${Atomics.load(beat, STARTED)} cases in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    }, 1000);
    worker.on('message', (m: WorkerOut) => finish(m.kind === 'done', m.kind === 'done' ? `[${property}] ${m.summary}` : `[${property}] FAILED\n${m.message}`));
    worker.on('error', (e) => finish(false, `[${property}] FAILED: the worker died: ${e.message}${(e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? ` (heap over ${HEAP_CAP_MB} MB)` : ''} at ${where()}`));
    worker.on('exit', (code) => finish(code === 0, `[${property}] worker exited with code ${code} at ${where()}`));
  });
}

const USAGE = `Usage: npm run fuzz [-- [--help] [PROPERTY ...]]

The long profile of the property and robustness runs, one worker thread per property (in parallel).
PROPERTY: ${PROPERTIES.join(', ')} (default: all).

Environment:
  DOMSEC_FUZZ_SECONDS            time budget per property (default: none; stop after the runs)
  DOMSEC_FC_RUNS                 runs per property at most (default 100000)
  DOMSEC_FUZZ_WATCHDOG_SECONDS   one case running longer is reported as a hang (default 120)
  DOMSEC_FC_SEED, DOMSEC_FC_PATH, DOMSEC_FC_PROPERTY
                                 replay a failure: a failure prints the line to run

Exit status: 0 every property held; 1 a property failed (counterexample, hang, out of memory);
2 bad usage.
`;

/** The command line: properties, or --help; anything else is one line on stderr and exit 2 (never taken for a property). */
function parseCommandLine(argv: string[]): PropertyName[] | 'help' {
  let parsed;
  try {
    // The `--` npm passes through is dropped by parseArgs (it ends options; positionals follow).
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    // node's message goes on about positionals after '--'; its first sentence names the option.
    console.error(`fuzz: ${(e as Error).message.split(/\.(\s|$)/)[0]!.replace(/^Unknown/, 'unknown')} (see npm run fuzz -- --help)`);
    process.exit(2);
  }
  if (parsed.values.help) return 'help';
  const asked = parsed.positionals;
  const bad = asked.filter((a) => !(PROPERTIES as readonly string[]).includes(a));
  if (bad.length) {
    console.error(`fuzz: unknown propert${bad.length > 1 ? 'ies' : 'y'} ${bad.map((b) => JSON.stringify(b)).join(', ')}; choose from ${PROPERTIES.join(', ')} (see npm run fuzz -- --help)`);
    process.exit(2);
  }
  return (asked.length ? asked : [...PROPERTIES]) as PropertyName[];
}

if (isMainThread) {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const list = parsed;
  console.log(`fuzz: ${list.join(', ')}; ${process.env.DOMSEC_FUZZ_SECONDS ? `${process.env.DOMSEC_FUZZ_SECONDS} s per property` : 'no time budget'}, ${process.env.DOMSEC_FC_RUNS ?? '100000'} runs per property at most`);
  // In parallel: one worker per property (the machine has 2 cores; the model property is over in seconds).
  const results = await Promise.all(list.map(runInWorker));
  process.exit(results.every(Boolean) ? 0 : 1);
} else {
  const input = workerData as WorkerIn;
  workerMain(input).catch((e: unknown) => {
    parentPort!.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies WorkerOut);
  });
}
