/**
 * `domsec matrix` (issue 15): every implementation of adapters/ (or those asked for) is probed (its
 * programs on PATH, its version, its preparation such as a compile), then graded on the draft 4 client
 * cases through its adapter file (src/adapter/run.ts, unchanged) and on the reader role
 * (src/matrix/run-reader.ts). One results.json, junit.xml and report.html per implementation, written
 * by the suite's own writer and renderer, then the matrix summary (matrix.json) the index page and the
 * committed snapshot are drawn from. An implementation that is not installed is skipped with the reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult, CaseVerdict } from '../harness/model.js';
import { runResults, type RunResults } from '../harness/run.js';
import { atomicWrite, writeResults } from '../harness/results.js';
import { runClientSuite } from '../adapter/run.js';
import type { ClientCaseDecl } from '../adapter/model.js';
import { runCommand } from '../adapter/spawn.js';
import { renderReport } from '../report/html.js';
import { caseAnchor, requirementAnchor, verdictFor } from '../report/view-model.js';
import { DomsecError } from '../errors.js';
import { implementationAdapter, onPath, type Implementation } from './implementation.js';
import { readerCases, type ReaderCase } from './reader.js';
import { runReader } from './run-reader.js';
import { PREPARE_COMMAND_MS } from './limits.js';

export const MATRIX_FORMAT = 'domsec-matrix/1';

/** One cell: a case (or requirement) of one implementation. */
export interface MatrixCell {
  verdict: CaseVerdict;
  /** Why, in one line: the failed requirement's message, the skip or NOT TESTED reason. */
  reason: string;
  /** The requirement a FAIL or WARN names. */
  requirement?: string;
  /** The evidence: the implementation's report.html and the anchor of the case or requirement. */
  href: string;
}

export interface MatrixRow {
  id: string;
  name: string;
  version?: string;
  /** ran, or skipped (not installed, or its preparation failed) with the reason. */
  status: 'ran' | 'skipped';
  reason?: string;
  cases: Record<string, MatrixCell>;
  requirements: Record<string, MatrixCell>;
  counts?: RunResults['counts'];
}

export interface MatrixColumn {
  id: string;
  role: 'client' | 'reader';
  title: string;
  requirements: string[];
}

export interface Matrix {
  format: typeof MATRIX_FORMAT;
  suiteVersion: string;
  startedAt: string;
  finishedAt: string;
  machine: RunResults['meta']['machine'];
  columns: MatrixColumn[];
  requirements: string[];
  implementations: MatrixRow[];
}

export interface MatrixOptions {
  implementations: readonly Implementation[];
  clientCases: readonly ClientCaseDecl[];
  readerCases?: readonly ReaderCase[];
  suiteVersion: string;
  out: string;
  onProgress?: (line: string) => void;
}

const firstLine = (s: string): string => s.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !/^\[\d+ earlier bytes not kept\]$/.test(l)) ?? '';
const lastLine = (s: string): string => s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^\[\d+ earlier bytes not kept\]$/.test(l)).pop() ?? '';

/** Why an implementation cannot run here (not installed, version or preparation failed), or its version. */
export async function probe(impl: Implementation): Promise<{ version: string } | { skipped: string }> {
  const missing = impl.requires.filter((p) => !onPath(p));
  if (missing.length) return { skipped: `not installed: ${missing.join(', ')} not found on PATH${impl.packages?.length ? ` (Debian: apt-get install ${impl.packages.join(' ')}; .ci/install-matrix.sh)` : ''}` };
  for (const argv of impl.prepare ?? []) {
    const r = await runCommand({ step: 'prepare', argv, cwd: impl.dir, env: process.env, timeoutMs: PREPARE_COMMAND_MS });
    if (r.spawnError || r.run.exitCode !== 0) return { skipped: `preparation failed: ${argv.join(' ')}: ${r.spawnError ?? (r.run.timedOut ? 'timed out' : lastLine(r.run.stderrTail) || `exit status ${r.run.exitCode}`)}` };
  }
  const v = await runCommand({ step: 'version', argv: impl.version, cwd: impl.dir, env: process.env, timeoutMs: PREPARE_COMMAND_MS });
  if (v.spawnError || v.run.exitCode !== 0) return { skipped: `its version command failed: ${impl.version.join(' ')}: ${v.spawnError ?? (lastLine(v.run.stderrTail) || `exit status ${v.run.exitCode}`)}` };
  return { version: firstLine(v.run.stdoutTail) || firstLine(v.run.stderrTail) || 'unknown' };
}

/** One implementation's run: the client cases, then the reader cases, as one RunResults. */
export async function runImplementation(impl: Implementation, version: string, opts: Pick<MatrixOptions, 'clientCases' | 'readerCases' | 'suiteVersion' | 'onProgress'>): Promise<RunResults> {
  const adapter = implementationAdapter(impl);
  const startedAt = new Date().toISOString();
  const progress = (r: CaseResult, done: number, total: number): void => opts.onProgress?.(`${impl.id} ${done}/${total} ${r.verdict} ${r.id}`);
  const client = await runClientSuite({ adapter, cases: opts.clientCases, suiteVersion: opts.suiteVersion, onResult: progress });
  const reader = await runReader({ impl, cases: opts.readerCases ?? readerCases(), commandMs: impl.timeouts?.commandMs ?? adapter.commandMs, concurrency: adapter.concurrency, env: adapter.env, onResult: progress });
  return runResults({ suiteVersion: opts.suiteVersion, profile: impl.source, gateway: `${impl.name} (${version})`, implementation: 'client', domain: adapter.domain, policy: 'noEncrypt', startedAt, runId: randomBytes(4).toString('hex') }, [...client.cases, ...reader]);
}

/** The cell of a case: its verdict, why, and where its evidence is. */
function caseCell(id: string, r: CaseResult, index: number): MatrixCell {
  const failed = r.checks.find((k) => !k.ok && k.strength === 'MUST') ?? r.checks.find((k) => !k.ok);
  return { verdict: r.verdict, reason: r.reason, ...(failed && (r.verdict === 'FAIL' || r.verdict === 'WARN') ? { requirement: failed.requirement } : {}), href: `${id}/report.html#${caseAnchor(index)}` };
}

/** Worst first, as the report orders a requirement's cases. */
const SEVERITY: CaseVerdict[] = ['FAIL', 'ERROR', 'WARN', 'PASS', 'NOT TESTED', 'SKIP'];

/** A requirement's cell: the worst of what its cases show for it (src/report verdictFor), with the case that shows it. */
function requirementCell(id: string, requirement: string, cases: readonly CaseResult[]): MatrixCell | undefined {
  const testing = cases.filter((c) => c.requirements.includes(requirement) || c.checks.some((k) => k.requirement === requirement));
  if (!testing.length) return undefined;
  const shown = testing.map((c) => ({ c, v: verdictFor(c, requirement) }));
  const worst = SEVERITY.find((v) => shown.some((s) => s.v === v)) ?? 'SKIP';
  const which = shown.filter((s) => s.v === worst);
  const n = (v: CaseVerdict) => shown.filter((s) => s.v === v).length;
  const tally = SEVERITY.filter((v) => n(v)).map((v) => `${n(v)} ${v}`).join(', ');
  return { verdict: worst, reason: `${tally} of ${testing.length} case(s); ${which[0]!.c.id}: ${which[0]!.c.reason}`, ...(worst === 'FAIL' || worst === 'WARN' ? { requirement } : {}), href: `${id}/report.html#${requirementAnchor(requirement)}` };
}


/** The matrix: each implementation probed, run and written under out/<id>/, then out/matrix.json. */
export async function runMatrix(opts: MatrixOptions): Promise<{ matrix: Matrix; results: Map<string, RunResults> }> {
  const startedAt = new Date().toISOString();
  const reader = opts.readerCases ?? readerCases();
  const columns: MatrixColumn[] = [
    ...opts.clientCases.map((c) => ({ id: c.id, role: 'client' as const, title: c.title, requirements: c.requirements })),
    ...reader.map((c) => ({ id: c.id, role: 'reader' as const, title: c.title, requirements: c.requirements })),
  ];
  const requirements = [...new Set(columns.flatMap((c) => c.requirements))].sort();
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new DomsecError('WRITE_FAILED', `cannot create ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const rows: MatrixRow[] = [];
  const results = new Map<string, RunResults>();
  let machine: RunResults['meta']['machine'] | undefined;
  for (const impl of opts.implementations) {
    const p = await probe(impl);
    if ('skipped' in p) {
      opts.onProgress?.(`${impl.id}: skipped: ${p.skipped}`);
      rows.push({ id: impl.id, name: impl.name, status: 'skipped', reason: p.skipped, cases: {}, requirements: {} });
      continue;
    }
    opts.onProgress?.(`${impl.id}: ${p.version}`);
    const r = await runImplementation(impl, p.version, { ...opts, readerCases: reader });
    machine = r.meta.machine;
    results.set(impl.id, r);
    const dir = join(opts.out, impl.id);
    writeResults(dir, r);
    atomicWrite(join(dir, 'report.html'), renderReport(r));
    const cases: Record<string, MatrixCell> = {};
    r.cases.forEach((c, i) => (cases[c.id] = caseCell(impl.id, c, i)));
    const reqs: Record<string, MatrixCell> = {};
    for (const q of requirements) {
      const cell = requirementCell(impl.id, q, r.cases);
      if (cell) reqs[q] = cell;
    }
    rows.push({ id: impl.id, name: impl.name, version: p.version, status: 'ran', cases, requirements: reqs, counts: r.counts });
  }
  const matrix: Matrix = {
    format: MATRIX_FORMAT,
    suiteVersion: opts.suiteVersion,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machine ?? runResults({ suiteVersion: '', profile: '', gateway: '', domain: '', policy: 'noEncrypt', startedAt, runId: '' }, []).meta.machine,
    columns,
    requirements,
    implementations: rows,
  };
  atomicWrite(join(opts.out, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  return { matrix, results };
}
