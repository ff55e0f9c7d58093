/**
 * The client runner (issue 5): the command adapter's counterpart of src/harness/run.ts. For each case
 * it writes the input files into a private folder, runs the vendor's command (src/adapter/spawn.ts),
 * reads what it wrote and grades it (src/adapter/grade.ts). Every case that is started ends PASS, FAIL,
 * WARN, SKIP or ERROR with evidence, whatever the command does; the run is bounded in time and returns
 * the same RunResults as an SMTP run, so results.json, JUnit and the HTML report work unchanged.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { DEFAULT_VALIDATION_TIME, loadRunPki, runPool, runResults, type RunResults } from '../harness/run.js';
import type { CaseResult } from '../harness/model.js';
import { gradeClient, type ClientGradeContext, type OutputFile } from './grade.js';
import { ClientCaseContext } from './context.js';
import { substitute, type Placeholder } from './placeholders.js';
import { killLiveCommands, runCommand } from './spawn.js';
import { PrivateWorkdir } from './workdir.js';
import { MAX_CLIENT_RUN_MS, MAX_OUTPUT_FILE_BYTES } from './limits.js';
import type { Adapter } from './config.js';
import type { ClientCaseDecl, ClientInput } from './model.js';

/** The content every case encrypts or expects back (as the SMTP runner's). */
const CONTENT = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nDOMSEC conformance suite test message for a client implementation.\r\n');

export interface ClientRunOptions {
  adapter: Adapter;
  cases: readonly ClientCaseDecl[];
  suiteVersion: string;
  onResult?: (r: CaseResult, done: number, total: number) => void;
}

/**
 * What the command wrote at `path`: only a regular file no bigger than the limit is read, opened without
 * following a symbolic link (a command may leave one pointing anywhere, e.g. at the suite's own keys).
 */
export async function readOutput(path: string): Promise<OutputFile> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    return { problem: code === 'ELOOP' ? 'a symbolic link, not a file' : `unreadable (${code ?? (e as Error).message})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { problem: 'not a regular file' };
    if (st.size > MAX_OUTPUT_FILE_BYTES) return { problem: `a file of ${st.size} bytes, over the ${MAX_OUTPUT_FILE_BYTES}-byte limit` };
    return { bytes: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/** A step label for the evidence, in the draft's words. */
function stepLabel(decl: ClientCaseDecl): string {
  const e = decl.expect;
  if (e.kind === 'encrypted-for') return `encrypt (case ${e.encryptionCase}: for ${e.encryptionCase === 'b' ? "the recipient's DCA" : 'the end recipient'})`;
  if (e.kind === 'decrypted') return `decrypt (case ${e.encryptionCase}: encrypted by ${e.encryptionCase === 'c' ? "the originator's DCA" : 'the originator'})`;
  return 'decrypt (must fail)';
}

export async function runClientSuite(opts: ClientRunOptions): Promise<RunResults> {
  const { adapter } = opts;
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const { pki, remote, keys } = await loadRunPki(adapter.pki, adapter.domain, 'adapter');
  const validationTime = new Date(adapter.validationTime ?? DEFAULT_VALIDATION_TIME);
  const g: ClientGradeContext = { trustAnchors: [pki.ca.certDer], validationTime, keys };
  const deadline = startedAt.getTime() + Math.min(adapter.runMs, MAX_CLIENT_RUN_MS);
  const workdir = await PrivateWorkdir.create();
  // Interrupted (Ctrl-C, CI cancel): end the vendor's commands (their own process groups do not get the
  // terminal's signal) and remove the keys, then die of the same signal.
  const onSignal = (signal: NodeJS.Signals): void => {
    killLiveCommands();
    workdir.removeSync();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results: CaseResult[] = new Array(opts.cases.length);

  const runOne = async (decl: ClientCaseDecl, index: number): Promise<CaseResult> => {
    const t0 = Date.now();
    const base = { id: decl.id, suite: decl.suite, role: decl.role, title: decl.title, requirements: decl.requirements, strength: decl.strength, checks: [], evidence: {} };
    const missing = (decl.features ?? []).filter((f) => !adapter.features.includes(f));
    if (missing.length) return { ...base, verdict: 'SKIP', reason: `undeclared optional feature(s): ${missing.join(', ')}`, skipKind: 'feature', durationMs: 0 };
    if (Date.now() > deadline) return { ...base, verdict: 'ERROR', reason: 'the run time bound was reached before this case started', durationMs: 0 };
    const messageId = `<client-${index + 1}.${runId}@domsec-suite.test>`;
    const ctx = new ClientCaseContext(pki, adapter.domain, remote, messageId, validationTime, CONTENT);
    let dir: string | undefined;
    try {
      const input: ClientInput = decl.prepare(ctx);
      dir = await workdir.caseDir(`case-${index + 1}`);
      const values = await writeInputs(dir, input, pki);
      const outcome = await runCommand({
        step: stepLabel(decl),
        argv: substitute(adapter.commands[decl.step], values),
        cwd: adapter.cwd,
        // DOMSEC_CASE_ID lets a vendor's wrapper log which case it is running.
        env: { ...process.env, ...adapter.env, DOMSEC_CASE_ID: decl.id },
        timeoutMs: Math.max(1, Math.min(adapter.commandMs, deadline - Date.now())),
      });
      const output = await readOutput(values.out!);
      const graded = gradeClient(decl, { input, messageId }, outcome, output, g);
      return { ...base, verdict: graded.verdict, reason: graded.reason, checks: graded.checks, evidence: graded.evidence, durationMs: Date.now() - t0 };
    } catch (e) {
      return { ...base, verdict: 'ERROR', reason: `the harness failed on this case: ${e instanceof Error ? e.message : String(e)}`, durationMs: Date.now() - t0 };
    } finally {
      // The case's keys and files go as soon as it is graded, not at the end of the run.
      if (dir) await PrivateWorkdir.removeTree(dir);
    }
  };

  try {
    await runPool(opts.cases, adapter.concurrency, runOne, results, opts.onResult);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killLiveCommands();
    await workdir.remove();
  }
  return runResults(
    {
      suiteVersion: opts.suiteVersion,
      profile: adapter.name,
      gateway: adapter.name,
      implementation: 'client',
      domain: adapter.domain,
      // A client has no domain encryption policy (Section 4, 5 make it a DCA's); the field is a gateway run's.
      policy: 'noEncrypt',
      startedAt: startedAt.toISOString(),
      runId,
    },
    results,
  );
}

/**
 * Write what the command reads into the case folder and return the placeholder values. Certificates in
 * PEM and DER, the private key as PKCS#8 in PEM and DER (0600); {out} is a path that does not exist yet.
 */
async function writeInputs(dir: string, input: ClientInput, pki: TestPki): Promise<Partial<Record<Placeholder, string>>> {
  const entry = (name: string) => {
    const e = pki.entries[name];
    if (!e) throw new Error(`PKI entry ${name} is missing`);
    return e;
  };
  const values: Partial<Record<Placeholder, string>> = { in: join(dir, 'in.eml'), out: join(dir, 'out.eml'), dir, from: input.from, to: input.to };
  await PrivateWorkdir.writeInput(values.in!, input.message);
  if (input.step === 'encrypt') {
    const r = entry(input.recipient);
    values.recipientCert = join(dir, 'recipient.crt');
    values.recipientCertDer = join(dir, 'recipient.der');
    await PrivateWorkdir.writeInput(values.recipientCert, r.certPem);
    await PrivateWorkdir.writeInput(values.recipientCertDer, r.certDer);
  } else {
    const u = entry(input.user);
    const key = loadPrivateKey(u.keyPem);
    values.cert = join(dir, 'user.crt');
    values.certDer = join(dir, 'user.der');
    values.key = join(dir, 'user.key');
    values.keyDer = join(dir, 'user.key.der');
    await PrivateWorkdir.writeInput(values.cert, u.certPem);
    await PrivateWorkdir.writeInput(values.certDer, u.certDer);
    await PrivateWorkdir.writeInput(values.key, key.export({ type: 'pkcs8', format: 'pem' }), true);
    await PrivateWorkdir.writeInput(values.keyDer, key.export({ type: 'pkcs8', format: 'der' }), true);
  }
  return values;
}
