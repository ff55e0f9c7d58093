/**
 * The runner: suite in, results out. Every case that is started ends PASS, FAIL, WARN, SKIP or ERROR
 * with evidence, whatever the gateway does (refuses connections, never greets, 4xx, 5xx, disconnects,
 * relays nothing, twice, garbage, to the wrong recipient); the run is bounded in time and always
 * returns its results.
 */
import { randomBytes } from 'node:crypto';
import { hostname, cpus } from 'node:os';
import { loadTestPki, type TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import type { RecipientKey } from '../cms/recipient-info.js';
import { submit } from '../smtp/submit.js';
import { CaptureSink } from '../smtp/sink.js';
import { DEFAULT_CASE_TIMEOUT_MS, DEFAULT_CONCURRENCY, MAX_RUN_MS } from '../smtp/limits.js';
import { DomsecError } from '../errors.js';
import { CaseContext, CaseNotApplicable } from './context.js';
import { loadGatewayCertificates } from './gateway-certificates.js';
import { readPemFile } from '../smtp/tls.js';
import { grade, type GradeContext } from './grade.js';
import type { CaseDecl, CaseResult, CaseVerdict } from './model.js';
import type { Profile } from './profile.js';

export const DEFAULT_VALIDATION_TIME = '2026-03-01T12:00:00Z';
const DEFAULT_RUN_MS = 10 * 60_000;
/** After a rejection, how long to keep listening for an (erroneous) relay anyway. */
const AFTER_REJECT_SETTLE_MS = 300;

const CONTENT = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nDOMSEC conformance suite test message.\r\n');

export interface RunMeta {
  suiteVersion: string;
  profile: string;
  /** The implementation under test, as the profile or adapter file names it. */
  gateway: string;
  /** What was tested: a gateway over SMTP (absent in older results), or a client through the command adapter. */
  implementation?: 'gateway' | 'client';
  domain: string;
  /** A gateway's local policy; a client run records noEncrypt (it has no domain policy). */
  policy: 'encrypt' | 'noEncrypt';
  startedAt: string;
  finishedAt: string;
  machine: { hostname: string; cpus: number; node: string; platform: string };
  runId: string;
}

export interface RunResults {
  meta: RunMeta;
  cases: CaseResult[];
  counts: Record<CaseVerdict, number>;
  /** 0: no MUST-level failure; 1: a case FAILED or ERRORED (documented in README). */
  exitCode: 0 | 1;
}

export interface RunOptions {
  profile: Profile;
  cases: readonly CaseDecl[];
  suiteVersion: string;
  /** A started sink to use (when the caller starts the gateway with it as next hop); otherwise one is started on profile.capture. */
  sink?: CaptureSink;
  onResult?: (r: CaseResult, done: number, total: number) => void;
}

/**
 * The test PKI a run builds its messages with (SMTP and client runs alike): `domain` must be one of its
 * domains, the other is the remote one; `keys` are every DCA and user key, to open what the implementation
 * encrypted, each with its entry name.
 */
export async function loadRunPki(dir: string, domain: string, what: 'profile' | 'adapter'): Promise<{ pki: TestPki; remote: string; keys: Array<RecipientKey & { name: string }> }> {
  const pki = await loadTestPki(dir);
  if (!pki.domains.includes(domain)) throw new DomsecError('BAD_ARGUMENT', `${what} domain ${domain} is not a domain of the test PKI (${pki.domains.join(', ')})`);
  const remote = pki.domains.find((d) => d !== domain);
  if (!remote) throw new DomsecError('BAD_ARGUMENT', `the test PKI has no domain besides ${domain}`);
  const keys = Object.values(pki.entries).filter((e) => e.role === 'dca' || e.role === 'user').map((e) => ({ name: e.name, certDer: e.certDer, key: loadPrivateKey(e.keyPem) }));
  return { pki, remote, keys };
}

export async function runSuite(opts: RunOptions): Promise<RunResults> {
  const { profile } = opts;
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const { pki, remote, keys } = await loadRunPki(profile.pki, profile.domain, 'profile');
  const validationTime = new Date(profile.validationTime ?? DEFAULT_VALIDATION_TIME);
  const policy = profile.policy.encryptOutbound ? 'encrypt' : 'noEncrypt';
  const own = profile.certificates ? loadGatewayCertificates(profile.certificates, profile.domain, [pki.ca.certDer], validationTime) : undefined;
  // Only the DCA is replaced in the cases: the gateway's domain signer is whatever it signs with, checked by naming and path.
  const replaced = new Map<string, Buffer>(own?.dca ? [[`${profile.domain}/dca-rsa`, own.dca]] : []);
  const g: GradeContext = {
    local: profile.domain,
    policy,
    trustAnchors: [pki.ca.certDer, ...(own?.trustAnchors ?? [])],
    ...(own?.intermediates.length ? { extraCertificates: own.intermediates } : {}),
    validationTime,
    keys,
    ...(pki.entries[`${remote}/dca-rsa`] ? { remoteDcaCert: pki.entries[`${remote}/dca-rsa`]!.certDer } : {}),
    flag: profile.flag ?? { method: 'authentication-results' },
  };
  const ownSink = !opts.sink;
  let sink: CaptureSink;
  try {
    const tls = profile.capture.tls ? { key: readPemFile(profile.capture.tls.key, 'profile capture.tls.key'), cert: readPemFile(profile.capture.tls.cert, 'profile capture.tls.cert') } : undefined;
    sink = opts.sink ?? (await new CaptureSink({ host: profile.capture.host ?? '127.0.0.1', port: profile.capture.port, ...(tls ? { tls } : {}) }).start());
  } catch (e) {
    if (e instanceof DomsecError) throw e;
    throw new DomsecError('BAD_ARGUMENT', `cannot listen for the gateway's relays on ${profile.capture.host ?? '127.0.0.1'}:${profile.capture.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const caseMs = profile.timeouts?.caseMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const deadline = startedAt.getTime() + Math.min(profile.timeouts?.runMs ?? DEFAULT_RUN_MS, MAX_RUN_MS);
  const results: CaseResult[] = new Array(opts.cases.length);

  const runOne = async (decl: CaseDecl, index: number): Promise<CaseResult> => {
    const t0 = Date.now();
    const base = { id: decl.id, suite: decl.suite, role: decl.role, title: decl.title, requirements: decl.requirements, strength: decl.strength, checks: [], evidence: {} };
    const skip = (reason: string): CaseResult => ({ ...base, verdict: 'SKIP', reason, durationMs: 0 });
    if (!profile.roles.includes(decl.role)) return skip(`the profile does not declare the role ${decl.role}`);
    if (decl.policy && decl.policy !== policy) return skip(`only under local policy "${decl.policy}"; the profile's is "${policy}"`);
    const missing = (decl.features ?? []).filter((f) => !(profile.features ?? []).includes(f));
    if (missing.length) return skip(`undeclared optional feature(s): ${missing.join(', ')}`);
    const endpoint = decl.direction === 'outbound' ? profile.submission.outbound : profile.submission.inbound;
    if (!endpoint) return skip(`the profile has no ${decl.direction} submission endpoint`);
    if (decl.authenticate && !endpoint.auth) return skip('needs SMTP AUTH credentials for the originator (submission.outbound.auth)');
    if (Date.now() > deadline) return { ...base, verdict: 'ERROR', reason: 'the run time bound was reached before this case started', durationMs: 0 };
    const rcptDomain = decl.direction === 'outbound' ? remote : profile.domain;
    const rcpt = `case-${index + 1}.${runId}@${rcptDomain}`;
    const messageId = `<case-${index + 1}.${runId}@domsec-suite.test>`;
    const ctx = new CaseContext(pki, profile.domain, remote, rcpt, messageId, validationTime, CONTENT, replaced);
    const why = decl.skipIf?.(ctx);
    if (why) return skip(why);
    try {
      let message: Buffer;
      try {
        message = decl.build(ctx);
      } catch (e) {
        if (e instanceof CaseNotApplicable) return skip(e.message);
        throw e;
      }
      const mailFrom = decl.direction === 'outbound' ? `alice@${profile.domain}` : `alice@${remote}`;
      const { auth, ...plain } = endpoint;
      const smtp = await submit({ endpoint: decl.authenticate ? endpoint : plain, mailFrom, rcptTo: [rcpt], raw: message });
      void auth;
      const remaining = Math.max(0, Math.min(caseMs, deadline - Date.now()));
      const captured = smtp.accepted ? await sink.waitFor(rcpt, remaining) : await sink.waitFor(rcpt, Math.min(AFTER_REJECT_SETTLE_MS, remaining), 0);
      // Relayed to the wrong recipient: what arrived for no case recipient of this run counts as evidence, not as this case's output.
      const graded = grade(decl, message, smtp, captured, g);
      graded.evidence.sent = { bytes: message.length, shape: graded.sentShape, messageId, mailFrom, rcptTo: [rcpt] };
      return { ...base, verdict: graded.verdict, reason: graded.reason, checks: graded.checks, evidence: graded.evidence, durationMs: Date.now() - t0 };
    } catch (e) {
      return { ...base, verdict: 'ERROR', reason: `the harness failed on this case: ${e instanceof Error ? e.message : String(e)}`, durationMs: Date.now() - t0 };
    }
  };

  try {
    await runPool(opts.cases, profile.concurrency ?? DEFAULT_CONCURRENCY, runOne, results, opts.onResult);
  } finally {
    if (ownSink) await sink.stop();
  }
  return runResults({ suiteVersion: opts.suiteVersion, profile: profile.name, gateway: profile.name, implementation: 'gateway', domain: profile.domain, policy, startedAt: startedAt.toISOString(), runId }, results);
}

/** Bounded concurrency: a fixed pool of workers takes the cases in order; results land at their case's index. */
export async function runPool<D, R>(cases: readonly D[], concurrency: number, runOne: (decl: D, index: number) => Promise<R>, results: R[], onResult?: (r: R, done: number, total: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.max(1, concurrency) }, async () => {
    while (next < cases.length) {
      const i = next++;
      const r = await runOne(cases[i]!, i);
      results[i] = r;
      onResult?.(r, ++done, cases.length);
    }
  });
  await Promise.all(workers);
}

/** Close a run: the meta (finishedAt and machine filled in here), the counts and the exit code (README). */
export function runResults(meta: Omit<RunMeta, 'finishedAt' | 'machine'>, cases: CaseResult[]): RunResults {
  const counts: Record<CaseVerdict, number> = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, ERROR: 0 };
  for (const r of cases) counts[r.verdict]++;
  return {
    meta: { ...meta, finishedAt: new Date().toISOString(), machine: { hostname: hostname(), cpus: cpus().length, node: process.version, platform: process.platform } },
    cases,
    counts,
    exitCode: counts.FAIL > 0 || counts.ERROR > 0 ? 1 : 0,
  };
}
