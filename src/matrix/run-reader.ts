/**
 * Running the reader role for one implementation: for each receiving vector, a private 0700 folder with
 * the vector, its trust anchor and (for an encrypted layer) the named key (0600), then the tool's verify or
 * decrypt command layer by layer (src/matrix/reader.ts says why), each bounded by the command adapter's
 * spawn (own process group, time bound, output tails). Every case started ends with a verdict.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRunPki, runPool } from '../harness/run.js';
import type { CaseResult } from '../harness/model.js';
import { runCommand } from '../adapter/spawn.js';
import { readOutput } from '../adapter/run.js';
import { PrivateWorkdir } from '../adapter/workdir.js';
import { parseMessage, type SignedLayer } from '../message/layers.js';
import { loadPrivateKey } from '../x509/keys.js';
import { MAX_READER_STEPS } from './limits.js';
import { gradedOn, gradeReader, readerResult, VECTORS_DIR, type ReaderCase, type ReaderGradeContext, type ReaderStepResult, type StopReason } from './reader.js';
import { substituteReader, type ReaderPlaceholder } from './placeholders.js';
import type { Implementation } from './implementation.js';

export interface ReaderRunOptions {
  impl: Implementation;
  cases: readonly ReaderCase[];
  commandMs: number;
  concurrency: number;
  vectorsDir?: string;
  /** Extra environment for the commands (the adapter file's env). */
  env?: Record<string, string>;
  onResult?: (r: CaseResult, done: number, total: number) => void;
}


/** The label of the next layer in what the tool wrote, and which command opens it; undefined: content. */
function nextLayer(bytes: Buffer): { kind: 'verify' | 'decrypt'; label: string } | { kind: 'content' } | { kind: 'unreadable'; why: string } | { kind: 'nested'; why: string } {
  let root;
  try {
    root = parseMessage(bytes);
  } catch (e) {
    // Plain CMS nesting (RFC 5652 5.2): the content of the layer is itself a SignedData or EnvelopedData, not a
    // ContentInfo and not MIME. The tool wrote it faithfully; no tool's command line takes it as input, and the
    // runner does not re-wrap it: the next layer cannot be presented.
    if (bytes[0] === 0x30) return { kind: 'nested', why: `the tool wrote the inner CMS object itself (plain CMS nesting, RFC 5652 5.2: no ContentInfo, no MIME), which the runner cannot hand back to a CMS command line (${(e as Error).message})` };
    return { kind: 'unreadable', why: `what it wrote does not parse: ${(e as Error).message}` };
  }
  if (root.kind === 'content') return { kind: 'content' };
  if (root.kind === 'envelopedData' || root.kind === 'authEnvelopedData') return { kind: 'decrypt', label: root.kind === 'envelopedData' ? 'E' : 'A' };
  return { kind: 'verify', label: root.kind === 'multipartSigned' ? 'M' : (root as SignedLayer).sd.signerInfos.length === 0 ? 'S[empty]' : 'S' };
}

export async function runReader(opts: ReaderRunOptions): Promise<CaseResult[]> {
  const { impl } = opts;
  const vectorsDir = opts.vectorsDir ?? VECTORS_DIR;
  const { pki, keys } = await loadRunPki(join(vectorsDir, 'keys'), 'example.org', 'adapter');
  const workdir = await PrivateWorkdir.create('domsec-reader-');
  const results: CaseResult[] = new Array(opts.cases.length);
  const runOne = async (c: ReaderCase, index: number): Promise<CaseResult> => {
    const t0 = Date.now();
    const dir = await workdir.caseDir(`case-${index + 1}`);
    try {
      const v = c.vector;
      const vector = await readFile(join(vectorsDir, v.files.input));
      const time = new Date(v.validationTime);
      const g: ReaderGradeContext = { trustAnchors: v.trustAnchors.map((n) => pki.entries[n]?.certDer ?? pki.ca.certDer), validationTime: time, keys, checks: impl.reader.checks, tool: impl.name };
      const values: Partial<Record<ReaderPlaceholder, string>> = { dir, time: time.toISOString().replace('.000Z', 'Z'), epoch: String(Math.floor(time.getTime() / 1000)) };
      const anchor = pki.entries[v.trustAnchors[0] ?? 'ca'] ?? pki.entries.ca!;
      values.trust = join(dir, 'trust.crt');
      values.trustDer = join(dir, 'trust.der');
      await PrivateWorkdir.writeInput(values.trust, anchor.certPem);
      await PrivateWorkdir.writeInput(values.trustDer, anchor.certDer);
      const party = v.keys[0] ? pki.entries[v.keys[0]] : undefined;
      if (party) {
        values.cert = join(dir, 'user.crt');
        values.certDer = join(dir, 'user.der');
        values.key = join(dir, 'user.key');
        values.keyDer = join(dir, 'user.key.der');
        const key = loadPrivateKey(party.keyPem);
        await PrivateWorkdir.writeInput(values.cert, party.certPem);
        await PrivateWorkdir.writeInput(values.certDer, party.certDer);
        await PrivateWorkdir.writeInput(values.key, key.export({ type: 'pkcs8', format: 'pem' }), true);
        await PrivateWorkdir.writeInput(values.keyDer, key.export({ type: 'pkcs8', format: 'der' }), true);
      }
      let input = join(dir, 'step-0.eml');
      await PrivateWorkdir.writeInput(input, vector);
      const steps: ReaderStepResult[] = [];
      let next = nextLayer(vector);
      let stop: StopReason | undefined;
      for (let i = 0; !stop; i++) {
        if (next.kind === 'content') {
          stop = { kind: 'content' };
          break;
        }
        if (next.kind === 'nested') {
          stop = { kind: 'not-presentable', step: i, why: next.why };
          break;
        }
        if (next.kind === 'unreadable') {
          stop = { kind: 'unreadable', step: i - 1, why: next.why };
          break;
        }
        if (i >= MAX_READER_STEPS) {
          stop = { kind: 'too-deep' };
          break;
        }
        const layer = `layer ${i + 1} (${next.label})`;
        if (next.kind === 'decrypt' && !party) {
          stop = { kind: 'no-key', layer };
          break;
        }
        const out = join(dir, `step-${i + 1}.out`);
        const outcome = await runCommand({
          step: `${next.kind} ${layer}`,
          argv: substituteReader(impl.reader[next.kind], { ...values, in: input, out }),
          cwd: impl.dir,
          env: { ...process.env, ...opts.env, DOMSEC_CASE_ID: c.id },
          timeoutMs: opts.commandMs,
        });
        const written = await readOutput(out);
        steps.push({ kind: next.kind, layer, run: outcome.run, ...(outcome.spawnError ? { spawnError: outcome.spawnError } : {}), ...(written.bytes ? { output: written.bytes } : {}), ...(written.problem ? { outputProblem: written.problem } : {}) });
        const r = outcome.run;
        if (outcome.spawnError) stop = { kind: 'error', step: i, why: `the command could not be started: ${outcome.spawnError}` };
        else if (r.timedOut) stop = { kind: 'error', step: i, why: `the command did not finish within its time bound (${opts.commandMs} ms); its process group was killed` };
        else if (r.signal) stop = { kind: 'error', step: i, why: `the command was killed by ${r.signal} (it crashed)` };
        // Exit status 3 from an adapter's wrapper: it cannot present this layer to its tool (adapters/README.md).
        else if (r.exitCode === 3) stop = { kind: 'not-presentable', step: i, why: `the adapter cannot present ${layer} to the tool (exit status 3: ${r.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? ''})` };
        else if (r.exitCode !== 0) stop = { kind: 'refused', step: i };
        else if (written.problem) stop = { kind: 'unreadable', step: i, why: `its output was not read: ${written.problem}` };
        else if (!written.bytes || written.bytes.length === 0) stop = { kind: 'unreadable', step: i, why: 'it wrote nothing' };
        else {
          next = nextLayer(written.bytes);
          input = out;
        }
      }
      const graded = gradeReader(c, steps, stop, vector, g);
      return readerResult(c, graded, Date.now() - t0);
    } catch (e) {
      return { id: c.id, suite: 'reader', role: 'reader', title: c.title, requirements: c.requirements, strength: gradedOn(c).strength === 'MUST' ? 'MUST' : 'SHOULD', verdict: 'ERROR', reason: `the harness failed on this case: ${e instanceof Error ? e.message : String(e)}`, checks: [], evidence: {}, durationMs: Date.now() - t0 };
    } finally {
      await PrivateWorkdir.removeTree(dir);
    }
  };
  try {
    await runPool(opts.cases, opts.concurrency, runOne, results, opts.onResult);
  } finally {
    await workdir.remove();
  }
  return results;
}
