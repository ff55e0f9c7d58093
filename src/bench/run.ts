/**
 * The benchmark driver (issue 8): for each content size, the same input files go through
 *   - the engine in-process (a fresh worker process per row: src/bench/worker.ts),
 *   - the engine's CLI, `node bin/domsec.js` (Node + tsx start-up included in every call),
 *   - `openssl cms` as a process (process start-up included, about 4 ms),
 * and the primitive floor of each row is timed on the same byte counts. Then the vector regeneration
 * and the full suite against the reference gateway. Medians after warm-up; results as a table and JSON.
 */
import { cpus, freemem, hostname, loadavg, release, tmpdir, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadParties, type Parties } from './parties.js';
import { sizeLabel, type SizeFixture } from './fixtures.js';
import { ENGINE_OPS, type EngineOp, type OpOutcome } from './engine-ops.js';
import { CRYPTO_PRIMITIVES, median, type PrimitiveTiming } from './primitives.js';
import { cliIdleStep, cliSteps, GNU_TIME, opensslSteps, OPENSSL, peakRssOfSteps, runStep, runSteps, type Step } from './processes.js';
import { RESULT_PREFIX, type EngineJobResult, type WorkerJob, type WorkerResult } from './protocol.js';
import type { SuiteRunResult, VectorsRunResult } from './suite-run.js';
import { formatStartup, measureStartup, type StartupReport } from './startup.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = join(REPO_ROOT, 'src/bench/worker.ts');

export const DEFAULT_SIZES = [1_000, 1_000_000, 10_000_000, 100_000_000];

export const OP_TITLES: Record<EngineOp, string> = {
  sign: 'sign',
  domainSign: 'domain sign (Section 5)',
  verify: 'verify',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  example7: 'Example 7',
};

/** Warm-up and timed runs for one side at one size. */
export interface Iterations {
  warmup: number;
  runs: number;
}

export interface IterationPlan {
  engine: Iterations;
  cli: Iterations;
  openssl: Iterations;
  primitives: Iterations;
}

export function defaultIterations(size: number): IterationPlan {
  if (size <= 10_000) return { engine: { warmup: 3, runs: 21 }, cli: { warmup: 1, runs: 5 }, openssl: { warmup: 2, runs: 11 }, primitives: { warmup: 3, runs: 21 } };
  if (size <= 2_000_000) return { engine: { warmup: 2, runs: 11 }, cli: { warmup: 1, runs: 5 }, openssl: { warmup: 2, runs: 11 }, primitives: { warmup: 2, runs: 11 } };
  if (size <= 20_000_000) return { engine: { warmup: 1, runs: 7 }, cli: { warmup: 1, runs: 3 }, openssl: { warmup: 1, runs: 7 }, primitives: { warmup: 1, runs: 7 } };
  return { engine: { warmup: 1, runs: 3 }, cli: { warmup: 1, runs: 3 }, openssl: { warmup: 1, runs: 3 }, primitives: { warmup: 1, runs: 3 } };
}

export interface BenchOptions {
  sizes?: number[];
  ops?: EngineOp[];
  /** Override every side's iterations (the smoke run: { warmup: 0, runs: 1 }). */
  iterations?: Iterations;
  sides?: { engine?: boolean; cli?: boolean; openssl?: boolean; primitives?: boolean; memory?: boolean };
  /** Start-up CPU of the built command (builds dist/ first); default on with the CLI side. */
  startup?: boolean;
  /** Vector regeneration row; `again` further runs after the first. */
  vectors?: false | { again: number };
  /** Full-suite row(s); `limit` runs only the first cases (smoke). */
  suite?: false | { policies: Array<'noEncrypt' | 'encrypt'>; limit?: number };
  keysDir?: string;
  /** Where the input/output files go (default a fresh folder in the OS temp dir, removed at the end). */
  workDir?: string;
  /** JSON report path; undefined writes none. */
  jsonOut?: string;
  log?: (line: string) => void;
}

export interface SideResult {
  medianMs: number;
  runsMs: number[];
  /** Peak RSS of the process (bytes); for several processes (Example 7 with OpenSSL) the largest. */
  peakRss?: number;
  /** What the side ran, for the record. */
  command?: string[];
  /** Shape of the side's output, checked by parsing it. */
  outputShape?: string;
}

export interface EngineSideResult extends SideResult {
  idleRss: number;
  /** process.resourceUsage().maxRSS (bytes), for the record: on Linux it starts at the driver's RSS at fork, so peakRss is VmHWM. */
  maxRss: number;
  outcome: OpOutcome;
}

export interface Row {
  op: EngineOp;
  title: string;
  size: number;
  sizeLabel: string;
  /** Bytes of the input file and of the engine's output file. */
  inputBytes: number;
  outputBytes: number;
  engine?: EngineSideResult;
  cli?: SideResult;
  openssl?: SideResult;
  primitives?: { cryptoMs: number; withBase64Ms: number; items: Array<{ prim: string; bytes: number; what: string; ms: number }> };
  ratios: {
    engineVsOpenssl?: number;
    cliVsOpenssl?: number;
    engineVsCrypto?: number;
    engineVsCryptoBase64?: number;
  };
  memory: {
    /** The larger of the row's input and output message. */
    messageBytes: number;
    engineAboveIdle?: number;
    /** engineAboveIdle / messageBytes. */
    engineAboveIdleRatio?: number;
  };
}

export interface MachineInfo {
  hostname: string;
  cpuModel: string;
  cpus: number;
  memTotal: number;
  os: string;
  node: string;
  openssl: string;
  /** Load average (1, 5, 15 min) when the run started and ended. */
  loadStart: number[];
  loadEnd?: number[];
  freeMemStart: number;
}

export interface BenchReport {
  format: 'domsec-bench/1';
  startedAt: string;
  finishedAt?: string;
  machine: MachineInfo;
  notes: string[];
  cliIdle?: { medianMs: number; runsMs: number[]; peakRss?: number };
  /** CPU of the built command against `node -e 0` (issue 17). */
  startup?: StartupReport;
  rows: Row[];
  vectors?: VectorsRunResult & { peakRss: number; cli?: { ms: number } };
  suite?: Array<SuiteRunResult & { peakRss: number; idleRss: number }>;
}

// ------------------------------------------------------------------ plumbing

export async function runWorker(job: WorkerJob): Promise<WorkerResult> {
  const r = await runStep({ cmd: process.execPath, args: ['--expose-gc', '--import', 'tsx', WORKER, JSON.stringify(job)] }, REPO_ROOT);
  const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.code !== 0 || !line) throw new Error(`bench worker ${job.kind}${'op' in job ? ` ${job.op}` : ''} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 3000)}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult;
}

/**
 * Warm-up runs, then timed runs. Peak RSS comes from the last warm-up run, run under GNU time, so the
 * timed runs carry no wrapper; with no warm-up (the smoke run) the timed runs themselves are wrapped.
 */
async function timeSteps(steps: Step[], it: Iterations, what: string, scratch: string, memory: boolean): Promise<{ runsMs: number[]; peakRss?: number }> {
  let peakRss: number | undefined;
  const rss = memory && existsSync(GNU_TIME);
  for (let i = 0; i < it.warmup; i++) {
    if (rss && i === it.warmup - 1) peakRss = (await peakRssOfSteps(steps, REPO_ROOT, scratch, what)).peakRss;
    else await runSteps(steps, REPO_ROOT, what);
  }
  const runsMs: number[] = [];
  for (let i = 0; i < it.runs; i++) {
    if (rss && it.warmup === 0) {
      const r = await peakRssOfSteps(steps, REPO_ROOT, scratch, what);
      runsMs.push(r.ms);
      peakRss = Math.max(peakRss ?? 0, r.peakRss ?? 0);
    } else {
      runsMs.push(await runSteps(steps, REPO_ROOT, what));
    }
  }
  return peakRss !== undefined ? { runsMs, peakRss } : { runsMs };
}

function opensslVersion(): string {
  try {
    return execFileSync(OPENSSL, ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'not found';
  }
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    hostname: hostname(),
    cpuModel: c[0]?.model ?? 'unknown',
    cpus: c.length,
    memTotal: totalmem(),
    os: `${process.platform} ${release()}`,
    node: process.version,
    openssl: opensslVersion(),
    loadStart: loadavg(),
    freeMemStart: freemem(),
  };
}

function inputOf(op: EngineOp, f: SizeFixture): string {
  switch (op) {
    case 'sign':
    case 'domainSign':
    case 'encrypt':
      return f.content;
    case 'verify':
      return f.signed;
    case 'decrypt':
      return f.enveloped;
    case 'example7':
      return f.example7;
  }
}

const fileSize = (bytes: number | undefined) => bytes ?? 0;

// ------------------------------------------------------------------ one row

async function measureRow(op: EngineOp, f: SizeFixture, p: Parties, opts: Required<Pick<BenchOptions, 'keysDir'>> & BenchOptions, log: (s: string) => void): Promise<Row> {
  const sides = { engine: true, cli: true, openssl: true, primitives: true, memory: true, ...opts.sides };
  const iters = opts.iterations ? { engine: opts.iterations, cli: opts.iterations, openssl: opts.iterations, primitives: opts.iterations } : defaultIterations(f.size);
  const input = inputOf(op, f);
  const scratch = join(f.dir, `scratch-${op}`);
  mkdirSync(scratch, { recursive: true });
  const out = (side: string) => join(f.dir, `out-${side}-${op}.eml`);
  const inputBytes = { sign: f.contentBytes, domainSign: f.contentBytes, encrypt: f.contentBytes, verify: f.bytes.signed, decrypt: f.bytes.enveloped, example7: f.bytes.example7 }[op];
  const row: Row = { op, title: OP_TITLES[op], size: f.size, sizeLabel: f.label, inputBytes, outputBytes: 0, ratios: {}, memory: { messageBytes: inputBytes } };

  if (sides.engine) {
    const r = (await runWorker({ kind: 'engine', op, input, output: out('engine'), keysDir: opts.keysDir, ...iters.engine, ...(sides.primitives ? { primitives: iters.primitives } : {}) })) as EngineJobResult;
    row.engine = { medianMs: median(r.times), runsMs: r.times, peakRss: r.peakRss, idleRss: r.idleRss, maxRss: r.maxRss, outcome: r.outcome };
    row.outputBytes = r.outcome.outBytes;
    log(`  engine    ${fmtMs(row.engine.medianMs).padStart(9)}  ${r.outcome.detail}`);
    if (r.primitives) {
      const items = r.primitives.map((t: PrimitiveTiming) => ({ prim: t.item.prim, bytes: t.item.bytes, what: t.item.what, ms: t.medianMs }));
      const cryptoMs = items.filter((i) => (CRYPTO_PRIMITIVES as readonly string[]).includes(i.prim)).reduce((a, i) => a + i.ms, 0);
      const withBase64Ms = items.reduce((a, i) => a + i.ms, 0);
      row.primitives = { cryptoMs, withBase64Ms, items };
      log(`  floor     ${fmtMs(cryptoMs).padStart(9)}  crypto; ${fmtMs(withBase64Ms)} with base64`);
    }
  }
  const cli = cliSteps(op, p, input, out('cli'), REPO_ROOT);
  if (sides.cli && cli) {
    const t = await timeSteps(cli, iters.cli, `domsec CLI ${op}`, scratch, sides.memory);
    row.cli = { medianMs: median(t.runsMs), ...t, command: cli.flatMap((s) => [s.cmd, ...s.args].map((a) => a.replace(REPO_ROOT + '/', ''))) };
    log(`  CLI       ${fmtMs(row.cli.medianMs).padStart(9)}`);
  }
  const ossl = opensslSteps(op, p, input, out('openssl'), scratch);
  if (sides.openssl && ossl) {
    const t = await timeSteps(ossl, iters.openssl, `openssl ${op}`, scratch, sides.memory);
    row.openssl = { medianMs: median(t.runsMs), ...t, command: ossl.flatMap((s) => [s.cmd, ...s.args]) };
    log(`  openssl   ${fmtMs(row.openssl.medianMs).padStart(9)}`);
  }
  rmSync(scratch, { recursive: true, force: true });

  const o = row.openssl?.medianMs;
  if (row.engine && o) row.ratios.engineVsOpenssl = row.engine.medianMs / o;
  if (row.cli && o) row.ratios.cliVsOpenssl = row.cli.medianMs / o;
  if (row.engine && row.primitives) {
    row.ratios.engineVsCrypto = row.engine.medianMs / row.primitives.cryptoMs;
    row.ratios.engineVsCryptoBase64 = row.engine.medianMs / row.primitives.withBase64Ms;
  }
  row.memory.messageBytes = Math.max(inputBytes, fileSize(row.outputBytes));
  if (row.engine?.peakRss !== undefined) {
    row.memory.engineAboveIdle = Math.max(0, row.engine.peakRss - row.engine.idleRss);
    row.memory.engineAboveIdleRatio = row.memory.engineAboveIdle / row.memory.messageBytes;
  }
  return row;
}

// ------------------------------------------------------------------ the whole run

export async function runBenchmark(options: BenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const opts = { ...options, keysDir: options.keysDir ? resolve(options.keysDir) : join(REPO_ROOT, 'vectors/keys') };
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const ops = options.ops ?? [...ENGINE_OPS];
  const p = loadParties(opts.keysDir);
  const ownWork = !options.workDir;
  const work = options.workDir ? resolve(options.workDir) : mkdtempSync(join(tmpdir(), 'domsec-bench-'));
  mkdirSync(work, { recursive: true });
  const report: BenchReport = {
    format: 'domsec-bench/1',
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    notes: [
      'Times are medians in milliseconds of wall time after warm-up; sizes are content sizes in decimal units (1 KB = 1000 bytes).',
      'engine: in-process (a fresh worker process per row), reading the input file and writing the output file, keys loaded beforehand; a full GC before each run, outside the timing.',
      'CLI: node bin/domsec.js per call, Node + tsx start-up (TypeScript loaded through tsx) included.',
      'openssl: openssl cms per call, process start-up included; Example 7 is seven processes.',
      'floor: node:crypto (OpenSSL) primitives on the byte counts the row processes; "+base64" adds the base64 of every application/pkcs7-mime body read or written.',
      `peak RSS: engine from VmHWM of its worker (/proc/self/status; process.resourceUsage().maxRSS is kept as maxRss but on Linux it starts at the RSS of the parent at fork); above idle: minus the RSS after start-up, keys and a GC; CLI and openssl from ${existsSync(GNU_TIME) ? `${GNU_TIME} -f %M (the largest of a row's processes)` : 'n/a (no /usr/bin/time)'}.`,
    ],
    rows: [],
  };
  const started = performance.now();
  try {
    if (options.sides?.cli !== false) {
      const t = await timeSteps([cliIdleStep(REPO_ROOT)], options.iterations ?? { warmup: 1, runs: 5 }, 'domsec --help', work, options.sides?.memory !== false);
      report.cliIdle = { medianMs: median(t.runsMs), ...t };
      log(`CLI start-up (domsec --help): ${fmtMs(report.cliIdle.medianMs)}, peak RSS ${fmtBytes(t.peakRss)}`);
    }
    if (options.sides?.cli !== false && options.startup !== false) {
      const st = measureStartup(REPO_ROOT, work, options.iterations ?? { warmup: 2, runs: 11 }, log);
      if (st) {
        report.startup = st;
        for (const l of formatStartup(st)) log(l);
      }
    }
    for (const size of sizes) {
      log(`\n== ${sizeLabel(size)}: making the input files`);
      const t0 = performance.now();
      const fr = await runWorker({ kind: 'fixture', root: work, size, keysDir: opts.keysDir });
      if (fr.kind !== 'fixture') throw new Error('bench: fixture worker answered something else');
      const f = fr.fixture;
      log(`   C ${f.contentBytes} B, S ${f.bytes.signed} B, E ${f.bytes.enveloped} B, Example 7 ${f.bytes.example7} B (${fmtMs(performance.now() - t0)})`);
      const rows: Row[] = [];
      for (const op of ops) {
        log(`-- ${OP_TITLES[op]}, ${f.label}`);
        rows.push(await measureRow(op, f, p, opts, log));
      }
      // Every side's output, parsed back (opened with the receiving DCA's key): the sides did the same work.
      const outputs = rows.flatMap((r) => (['engine', 'cli', 'openssl'] as const).filter((side) => r[side] && r.op !== 'verify').map((side) => ({ r, side, file: join(f.dir, `out-${side}-${r.op}.eml`) })));
      const sr = await runWorker({ kind: 'shapes', files: outputs.map((o) => o.file), keysDir: opts.keysDir });
      if (sr.kind === 'shapes') for (const o of outputs) o.r[o.side]!.outputShape = sr.shapes[o.file];
      report.rows.push(...rows);
      rmSync(f.dir, { recursive: true, force: true });
    }
    if (options.vectors !== false) {
      const again = options.vectors?.again ?? 2;
      log('\n== regenerating all vectors');
      const r = await runWorker({ kind: 'vectors', keysDir: opts.keysDir, again });
      if (r.kind === 'vectors') {
        report.vectors = r;
        log(`   in-process: first ${fmtMs(r.firstMs)}, again ${r.againMs.map(fmtMs).join(', ')}`);
        if (options.sides?.cli !== false) {
          // As a user runs it (npm run vectors), into a scratch folder: Node + tsx start-up included.
          const outDir = join(work, 'vectors-cli');
          const ms = await runSteps([{ cmd: process.execPath, args: [join(REPO_ROOT, 'bin/domsec.js'), 'vectors', '--out', outDir, '--keys', opts.keysDir] }], REPO_ROOT, 'domsec vectors');
          rmSync(outDir, { recursive: true, force: true });
          report.vectors.cli = { ms };
          log(`   CLI (domsec vectors): ${fmtMs(ms)}`);
        }
      }
    }
    if (options.suite !== false) {
      const s = options.suite ?? { policies: ['noEncrypt', 'encrypt'] };
      report.suite = [];
      for (const policy of s.policies) {
        log(`\n== full suite against the reference gateway, ${policy} policy`);
        const r = await runWorker({ kind: 'suite', keysDir: opts.keysDir, encryptOutbound: policy === 'encrypt', ...(s.limit !== undefined ? { limit: s.limit } : {}) });
        if (r.kind === 'suite') {
          report.suite.push(r);
          log(`   ${r.cases} cases in ${fmtMs(r.wallMs)}: ${r.messagesPerSecond.toFixed(1)} messages/s (${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
        }
      }
    }
  } finally {
    if (ownWork) rmSync(work, { recursive: true, force: true });
  }
  report.finishedAt = new Date().toISOString();
  report.machine.loadEnd = loadavg();
  log(`\n${formatReport(report)}`);
  log(`(benchmark took ${fmtMs(performance.now() - started)})`);
  if (options.jsonOut) {
    mkdirSync(dirname(options.jsonOut), { recursive: true });
    const ignore = join(dirname(options.jsonOut), '.gitignore');
    if (!existsSync(ignore)) writeFileSync(ignore, '# benchmark output (npm run bench)\n*\n');
    writeFileSync(options.jsonOut, JSON.stringify(report, null, 2) + '\n');
    log(`JSON: ${options.jsonOut}`);
  }
  return report;
}

// ------------------------------------------------------------------ formatting

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtBytes(b: number | undefined): string {
  if (b === undefined || !Number.isFinite(b)) return 'n/a';
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(b >= 1e8 ? 0 : 1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(0)} KB`;
  return `${b} B`;
}

const fmtRatio = (r: number | undefined) => (r === undefined || !Number.isFinite(r) ? 'n/a' : `${r.toFixed(2)}x`);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i < 2 ? ':' : '-') + '-'.repeat(w) + (i < 2 ? '-' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The two tables (time, memory) and the vector and suite rows, as Markdown. */
export function formatReport(r: BenchReport): string {
  const time = table(
    ['operation', 'size', 'engine', 'CLI', 'openssl', 'engine/openssl', 'CLI/openssl', 'crypto floor', 'engine/floor', 'floor+base64', 'engine/(floor+b64)'],
    r.rows.map((x) => [
      x.title, x.sizeLabel, fmtMs(x.engine?.medianMs), fmtMs(x.cli?.medianMs), fmtMs(x.openssl?.medianMs),
      fmtRatio(x.ratios.engineVsOpenssl), fmtRatio(x.ratios.cliVsOpenssl),
      fmtMs(x.primitives?.cryptoMs), fmtRatio(x.ratios.engineVsCrypto), fmtMs(x.primitives?.withBase64Ms), fmtRatio(x.ratios.engineVsCryptoBase64),
    ]),
  );
  const mem = table(
    ['operation', 'size', 'message', 'engine peak', 'engine above idle', 'above idle / message', 'CLI peak', 'openssl peak'],
    r.rows.map((x) => [
      // The ratio means something only when the message dwarfs the process (the target is about 100 MB).
      x.title, x.sizeLabel, fmtBytes(x.memory.messageBytes), fmtBytes(x.engine?.peakRss), fmtBytes(x.memory.engineAboveIdle), x.memory.messageBytes >= 1e6 ? fmtRatio(x.memory.engineAboveIdleRatio) : '-',
      fmtBytes(x.cli?.peakRss), fmtBytes(x.openssl?.peakRss),
    ]),
  );
  const out = ['Time (median wall time)', '', time, '', 'Memory (peak RSS)', '', mem];
  if (r.cliIdle) out.push('', `CLI start-up alone (domsec --help): ${fmtMs(r.cliIdle.medianMs)}, peak RSS ${fmtBytes(r.cliIdle.peakRss)}`);
  if (r.startup) out.push('', ...formatStartup(r.startup));
  if (r.vectors) {
    out.push('', `Regenerating all vectors: in-process (generateVectors, fresh process) first ${fmtMs(r.vectors.firstMs)}, again ${r.vectors.againMs.map(fmtMs).join(', ') || 'n/a'}, peak RSS ${fmtBytes(r.vectors.peakRss)}; as a command (domsec vectors, start-up included) ${fmtMs(r.vectors.cli?.ms)}`);
  }
  for (const s of r.suite ?? []) {
    out.push('', `Full suite against the reference gateway (${s.policy} policy, concurrency ${s.concurrency}): ${s.cases} cases (${s.submitted} messages submitted, ${s.relayed} relayed) in ${fmtMs(s.wallMs)} = ${s.messagesPerSecond.toFixed(1)} messages/s; ${Object.entries(s.counts).map(([k, v]) => `${k} ${v}`).join(', ')}; peak RSS ${fmtBytes(s.peakRss)}`);
  }
  const m = r.machine;
  out.push('', `Machine: ${m.cpuModel}, ${m.cpus} CPUs, ${fmtBytes(m.memTotal)} RAM, ${m.os}, Node ${m.node}, ${m.openssl}; load average at start ${m.loadStart.map((l) => l.toFixed(2)).join(' ')}${m.loadEnd ? `, at end ${m.loadEnd.map((l) => l.toFixed(2)).join(' ')}` : ''}`);
  return out.join('\n');
}
