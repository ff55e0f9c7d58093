/**
 * The runner: suite in, results out. Every case that is started ends PASS, FAIL, WARN, NOT TESTED, SKIP
 * or ERROR with evidence, whatever the gateway does (refuses connections, never greets, 4xx, 5xx,
 * disconnects, relays nothing, twice, garbage, to the wrong recipient); the run is bounded in time, even
 * when grading is slow (grading yields between its steps and a case past the bound ends ERROR), and
 * always returns its results, with the overall verdict (CONFORMANT, NOT CONFORMANT, INCOMPLETE).
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
import { gradeSteps, type GradeContext } from './grade.js';
import { emptyCounts, type CaseDecl, type CaseResult, type CaseVerdict, type SkipKind } from './model.js';
import type { Profile } from './profile.js';
import { preflight, PreflightFailed } from './preflight.js';
import { runVerdict, type RunVerdict } from './verdict.js';

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
  /** How the gateway authenticates the originator (profile originatorAuthentication, N17). */
  originatorAuthentication?: string;
  /** Preflight: the banner each endpoint greeted with. */
  banners?: Record<string, string>;
}

export interface RunResults {
  meta: RunMeta;
  cases: CaseResult[];
  counts: Record<CaseVerdict, number>;
  /** CONFORMANT, NOT CONFORMANT or INCOMPLETE, with why (src/harness/verdict.ts; absent in older results). */
  verdict?: RunVerdict;
  /** Problems the run saw across cases, e.g. swapped inbound and outbound ports. */
  diagnoses?: string[];
  /** 0 CONFORMANT; 1 a case FAILED or ERRORED; 4 INCOMPLETE (src/cli/exit-codes.ts). */
  exitCode: 0 | 1 | 4;
}

export interface RunOptions {
  profile: Profile;
  cases: readonly CaseDecl[];
  suiteVersion: string;
  /** A started sink to use (when the caller starts the gateway with it as next hop); otherwise one is started on profile.capture. */
  sink?: CaptureSink;
  onResult?: (r: CaseResult, done: number, total: number) => void;
  /** The grader (default gradeSteps); the tests give a slow one to show the run bound holds. */
  grader?: typeof gradeSteps;
  /** Skip the preflight (tests of misbehaving gateways, whose point is what the cases see). */
  skipPreflight?: boolean;
}

/** Grace after the run bound for a case in flight to end (its SMTP waits are bounded by smtp/limits.ts). */
export const RUN_BOUND_GRACE_MS = 2_000;

class RunBoundReached extends Error {}

/** Drive a grader one step at a time, giving the event loop a turn between steps, and stop past the deadline. */
async function gradeWithin<T>(steps: Generator<string, T, void>, deadline: number): Promise<T> {
  for (let s = steps.next(); ; s = steps.next()) {
    if (s.done) return s.value;
    await new Promise<void>((r) => setImmediate(r));
    if (Date.now() > deadline) throw new RunBoundReached(`the run time bound was reached while grading (${s.value})`);
  }
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
  let banners: Record<string, string> | undefined;
  const caseMs = profile.timeouts?.caseMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const deadline = startedAt.getTime() + Math.min(profile.timeouts?.runMs ?? DEFAULT_RUN_MS, MAX_RUN_MS);
  const results: CaseResult[] = new Array(opts.cases.length);

  const authMethod = profile.originatorAuthentication?.method ?? 'smtp-auth';
  if (!opts.skipPreflight) {
    const capture = { host: profile.capture.host ?? sink.host, port: profile.capture.port || sink.port };
    const pre = await preflight(profile, capture).catch((e: unknown) => ({ problems: [`preflight: ${e instanceof Error ? e.message : String(e)}`], banners: {} }));
    if (pre.problems.length) {
      if (ownSink) await sink.stop();
      throw new PreflightFailed(pre.problems);
    }
    banners = pre.banners;
  }

  const runOne = async (decl: CaseDecl, index: number): Promise<CaseResult> => {
    const t0 = Date.now();
    const base = { id: decl.id, suite: decl.suite, role: decl.role, title: decl.title, requirements: decl.requirements, strength: decl.strength, checks: [], evidence: {} };
    const skip = (reason: string, skipKind: SkipKind): CaseResult => ({ ...base, verdict: 'SKIP', reason, skipKind, durationMs: 0 });
    if (!profile.roles.includes(decl.role)) return skip(`the profile does not declare the role ${decl.role}`, 'role');
    if (decl.policy && decl.policy !== policy) return skip(`only under local policy "${decl.policy}"; the profile's is "${policy}"`, 'policy');
    const missing = (decl.features ?? []).filter((f) => !(profile.features ?? []).includes(f));
    if (missing.length) return skip(`undeclared optional feature(s): ${missing.join(', ')}`, 'feature');
    const endpoint = decl.direction === 'outbound' ? profile.submission.outbound : profile.submission.inbound;
    // profileProblems (src/harness/profile.ts) refuses a declared role without its endpoint before the run.
    if (!endpoint) return skip(`the profile has no ${decl.direction} submission endpoint`, 'prerequisite');
    // Originator authentication as the profile declares it (draft 3.2, N17).
    if (decl.authenticate === 'external' && authMethod === 'signature-only') return skip('needs an originator authenticated by a mechanism external to S/MIME; the profile declares originatorAuthentication signature-only', 'authentication');
    if (decl.authenticate === 'none' && authMethod === 'trusted-address') return skip("needs a submission the gateway does not authenticate; the profile's originatorAuthentication trusts the suite's address (trusted-address)", 'authentication');
    const useAuth = authMethod === 'smtp-auth' && (decl.authenticate === 'external' || decl.authenticate === 'if-available');
    if (useAuth && !endpoint.auth) return skip('needs SMTP AUTH credentials for the originator (submission.outbound.auth)', 'prerequisite');
    if (Date.now() > deadline) return { ...base, verdict: 'ERROR', reason: 'the run time bound was reached before this case started', durationMs: 0 };
    const rcptDomain = decl.direction === 'outbound' ? remote : profile.domain;
    // Case (c): a fixed end recipient whose certificate the gateway was given in advance (the profile lists it).
    const endRecipient = decl.endRecipient && decl.direction === 'outbound' ? `${decl.endRecipient}@${remote}` : undefined;
    if (endRecipient && !(profile.endRecipientCertificates ?? []).some((a) => a.toLowerCase() === endRecipient.toLowerCase())) {
      return skip(`case (c) needs the gateway to hold the end recipient's own certificate for ${endRecipient}: the profile's endRecipientCertificates does not list it`, 'feature');
    }
    const rcpt = endRecipient ?? `case-${index + 1}.${runId}@${rcptDomain}`;
    const messageId = `<case-${index + 1}.${runId}@domsec-suite.test>`;
    const ctx = new CaseContext(pki, profile.domain, remote, rcpt, messageId, validationTime, CONTENT, replaced);
    const why = decl.skipIf?.(ctx);
    if (why) return skip(why, 'prerequisite');
    let evidence: CaseResult['evidence'] = {};
    try {
      let message: Buffer;
      try {
        message = decl.build(ctx);
      } catch (e) {
        if (e instanceof CaseNotApplicable) return skip(e.message, 'prerequisite');
        throw e;
      }
      const mailFrom = decl.direction === 'outbound' ? `alice@${profile.domain}` : `alice@${remote}`;
      const { auth, ...plain } = endpoint;
      const smtp = await submit({ endpoint: useAuth ? endpoint : plain, mailFrom, rcptTo: [rcpt], raw: message });
      void auth;
      evidence = { smtp: { accepted: smtp.accepted, response: smtp.response, attempts: smtp.attempts, transcript: smtp.transcript, ...(smtp.failure ? { failure: smtp.failure } : {}) } };
      // nodemailer skips AUTH silently when the gateway does not offer it: a case that needs AUTH did not run as declared.
      if (useAuth && smtp.authenticated === false && (smtp.accepted || smtp.failure === 'rejected')) {
        return { ...base, verdict: 'ERROR', reason: `SMTP AUTH did not happen: the gateway did not offer AUTH in its EHLO reply${endpoint.requireTls || endpoint.secure ? '' : ' (it may offer it only after STARTTLS: set requireTls)'}, so the case could not submit as an authenticated originator`, evidence, durationMs: Date.now() - t0 };
      }
      const remaining = Math.max(0, Math.min(caseMs, deadline - Date.now()));
      const captured = smtp.accepted ? await sink.waitFor(rcpt, remaining) : await sink.waitFor(rcpt, Math.min(AFTER_REJECT_SETTLE_MS, remaining), 0);
      // Relayed to the wrong recipient: what arrived for no case recipient of this run counts as evidence, not as this case's output.
      const gCase: GradeContext = endRecipient ? { ...g, endRecipientCert: ctx.cert(`${remote}/user-${decl.endRecipient!}`) } : g;
      const graded = await gradeWithin((opts.grader ?? gradeSteps)(decl, message, smtp, captured, gCase), deadline);
      graded.evidence.sent = { bytes: message.length, shape: graded.sentShape, messageId, mailFrom, rcptTo: [rcpt] };
      return { ...base, verdict: graded.verdict, reason: graded.reason, checks: graded.checks, evidence: graded.evidence, durationMs: Date.now() - t0 };
    } catch (e) {
      if (e instanceof RunBoundReached) return { ...base, verdict: 'ERROR', reason: `cut off by the run time bound (timeouts.runMs): ${e.message}`, evidence, durationMs: Date.now() - t0 };
      return { ...base, verdict: 'ERROR', reason: `the harness failed on this case: ${e instanceof Error ? e.message : String(e)}`, evidence, durationMs: Date.now() - t0 };
    }
  };

  // A case still in flight past the bound (and its grace) is recorded as cut off; the run does not wait for it.
  const bounded = (decl: CaseDecl, index: number): Promise<CaseResult> => {
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<CaseResult>((resolve) => {
      timer = setTimeout(() => resolve({ id: decl.id, suite: decl.suite, role: decl.role, title: decl.title, requirements: decl.requirements, strength: decl.strength, checks: [], evidence: {}, verdict: 'ERROR', reason: 'cut off by the run time bound (timeouts.runMs) while in flight', durationMs: Date.now() - startedAt.getTime() }), Math.max(0, deadline + RUN_BOUND_GRACE_MS - Date.now()));
    });
    return Promise.race([runOne(decl, index), cutOff]).finally(() => clearTimeout(timer));
  };

  try {
    await runPool(opts.cases, profile.concurrency ?? DEFAULT_CONCURRENCY, bounded, results, opts.onResult);
  } finally {
    if (ownSink) await sink.stop();
  }
  return runResults({ suiteVersion: opts.suiteVersion, profile: profile.name, gateway: profile.name, implementation: 'gateway', domain: profile.domain, policy, startedAt: startedAt.toISOString(), runId, originatorAuthentication: authMethod, ...(banners ? { banners } : {}) }, results);
}

export { PreflightFailed };

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
  const counts = emptyCounts();
  for (const r of cases) counts[r.verdict]++;
  const verdict = runVerdict(cases);
  const diagnoses = diagnose(cases);
  return {
    meta: { ...meta, finishedAt: new Date().toISOString(), machine: { hostname: hostname(), cpus: cpus().length, node: process.version, platform: process.platform } },
    cases,
    counts,
    verdict,
    ...(diagnoses.length ? { diagnoses } : {}),
    exitCode: verdict.exitCode,
  };
}

/**
 * Problems a run shows across its cases rather than in one. Swapped inbound and outbound ports: the
 * outbound cases come back with the gateway's verdict header (an inbound listener's work), and the inbound
 * ones are refused or come back without one.
 */
export function diagnose(cases: readonly CaseResult[]): string[] {
  const relayed = (c: CaseResult) => c.evidence.received?.[0];
  const outbound = cases.filter((c) => (c.role === 'domain-signer' || c.role === 'outbound-dca') && relayed(c));
  const outboundWithVerdict = outbound.filter((c) => (relayed(c)!.authenticationResults ?? []).length > 0);
  const inbound = cases.filter((c) => (c.role === 'inbound-dca' || c.role === 'inbound-verifier') && c.verdict !== 'SKIP');
  const inboundWithout = inbound.filter((c) => !relayed(c) || (relayed(c)!.authenticationResults ?? []).length === 0);
  const most = (part: number, all: number): boolean => all > 0 && part * 2 > all;
  if (most(outboundWithVerdict.length, outbound.length) && (inbound.length === 0 || most(inboundWithout.length, inbound.length))) {
    return [`the inbound and outbound submission ports look swapped: ${outboundWithVerdict.length} of ${outbound.length} outbound case(s) came back with the gateway's verdict header (an inbound listener's work)${inbound.length ? `, and ${inboundWithout.length} of ${inbound.length} inbound case(s) without one` : ''}; check submission.outbound and submission.inbound in the profile`];
  }
  return [];
}
