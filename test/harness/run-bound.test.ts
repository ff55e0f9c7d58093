/**
 * The run's bounds and what it owes before and after the cases (issue 13, issue 12 item 6):
 *  - the time bound holds even when grading is slow (a grader made slow on purpose), and every case that
 *    started is recorded: one cut off by the bound ends ERROR saying so;
 *  - preflight: one line per problem (connection refused, AUTH not offered, capture unreachable), no run;
 *  - a case that needs SMTP AUTH where the gateway does not offer it: ERROR with that reason (nodemailer
 *    would otherwise submit unauthenticated);
 *  - the overall verdict and its exit status; swapped inbound and outbound ports named in the summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { writeTestPki } from '../../src/pki/index.js';
import { CaptureSink } from '../../src/smtp/sink.js';
import { diagnose, PreflightFailed, runSuite } from '../../src/harness/run.js';
import { gradeSteps } from '../../src/harness/grade.js';
import { runVerdict } from '../../src/harness/verdict.js';
import { summaryLine } from '../../src/harness/results.js';
import type { Profile } from '../../src/harness/profile.js';
import type { CaseResult } from '../../src/harness/model.js';
import { domainSignerCases } from '../../suites/domain-signer.js';
import { testPki } from '../helpers/pki.js';
import { startFakeGateway } from './fake-gateways.js';

let dir: string;
let sink: CaptureSink;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-bound-'));
  await writeTestPki(await testPki(), join(dir, 'pki'));
  sink = await new CaptureSink().start();
});
afterAll(async () => {
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

function profile(port: number, over: Partial<Profile> = {}): Profile {
  return {
    name: 'fake', domain: 'example.org', roles: ['domain-signer'], pki: join(dir, 'pki'), policy: { encryptOutbound: false },
    originatorAuthentication: { method: 'signature-only' },
    submission: { outbound: { host: '127.0.0.1', port } }, capture: { port: sink.port }, timeouts: { caseMs: 1500, runMs: 60_000 }, ...over,
  };
}

/** An SMTP server that accepts everything and offers no AUTH (nor STARTTLS). */
async function noAuthServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({ disabledCommands: ['AUTH', 'STARTTLS'], logger: false, onData(stream, _s, cb) { stream.resume(); stream.on('end', () => cb()); } });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

const busyWait = (ms: number): void => {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* a grader made slow on purpose: the event loop is blocked */ }
};

describe('the run time bound holds when grading is slow', () => {
  it('a slow grader: the run ends near its bound, and every case it started is recorded, cut off ones as ERROR', async () => {
    const gw = await startFakeGateway('relayed-unchanged', { host: '127.0.0.1', port: sink.port });
    const one = domainSignerCases.find((c) => c.id === 'domsec::signer::originator-signed')!;
    const cases = Array.from({ length: 6 }, (_, i) => ({ ...one, id: `${one.id}-${i}` }));
    // Each grading step blocks the event loop for 400 ms: about 3 s per case, 18 s for the six without a bound.
    const slow: typeof gradeSteps = function* (...args) {
      const steps = gradeSteps(...args);
      for (let s = steps.next(); ; s = steps.next()) {
        busyWait(400);
        if (s.done) return s.value;
        yield s.value;
      }
    };
    try {
      const t0 = Date.now();
      const r = await runSuite({ profile: profile(gw.port, { timeouts: { caseMs: 1500, runMs: 1500 }, concurrency: 1 }), cases, suiteVersion: 'test', sink, skipPreflight: true, grader: slow });
      const took = Date.now() - t0;
      expect(took).toBeLessThan(1500 + 2000 + 400 * 2);
      expect(r.cases).toHaveLength(cases.length);
      expect(r.cases.every((c) => c.verdict === 'ERROR')).toBe(true);
      expect(r.cases[0]!.reason).toMatch(/^cut off by the run time bound \(timeouts\.runMs\): the run time bound was reached while grading/);
      expect(r.cases.at(-1)!.reason).toBe('the run time bound was reached before this case started');
      expect(r.verdict!.verdict).toBe('INCOMPLETE');
      expect(r.exitCode).toBe(1);
    } finally {
      await gw.close();
    }
  });
});

describe('preflight: one clear line per problem, before the first case', () => {
  it('connection refused, AUTH not offered, capture port unreachable', async () => {
    const server = await noAuthServer();
    try {
      const p = profile(1, {
        roles: ['domain-signer', 'inbound-verifier'],
        originatorAuthentication: { method: 'smtp-auth' },
        submission: { outbound: { host: '127.0.0.1', port: server.port, auth: { user: 'alice@example.org', pass: 'x' } }, inbound: { host: '127.0.0.1', port: 1 } },
        capture: { port: 2 },
      });
      const err = await runSuite({ profile: p, cases: domainSignerCases, suiteVersion: 'test', sink }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(PreflightFailed);
      const problems = (err as PreflightFailed).problems;
      expect(problems).toEqual([
        expect.stringMatching(/^submission\.outbound 127\.0\.0\.1:\d+: the profile authenticates the originator with SMTP AUTH, but the gateway's EHLO does not offer AUTH/),
        'submission.inbound 127.0.0.1:1: connection refused',
        'capture 127.0.0.1:2: connection refused',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('a case that needs SMTP AUTH checks that AUTH happened', () => {
  it('the gateway does not offer AUTH: ERROR with that reason, not an unauthenticated submission graded as if authenticated', async () => {
    const server = await noAuthServer();
    try {
      const cases = domainSignerCases.filter((c) => c.id === 'domsec::signer::unsigned-authenticated');
      const r = await runSuite({ profile: profile(server.port, { originatorAuthentication: { method: 'smtp-auth' }, submission: { outbound: { host: '127.0.0.1', port: server.port, auth: { user: 'alice@example.org', pass: 'x' } } } }), cases, suiteVersion: 'test', sink, skipPreflight: true });
      expect(r.cases[0]!.verdict).toBe('ERROR');
      expect(r.cases[0]!.reason).toMatch(/^SMTP AUTH did not happen: the gateway did not offer AUTH in its EHLO reply/);
      expect(r.cases[0]!.evidence.smtp?.transcript.join('\n')).toMatch(/SMTP AUTH was not done/);
    } finally {
      await server.close();
    }
  });
});

const caseOf = (over: Partial<CaseResult>): CaseResult => ({ id: 'x', suite: 's', role: 'domain-signer', title: 't', requirements: [], strength: 'MUST', verdict: 'PASS', reason: '', checks: [], evidence: {}, durationMs: 1, ...over });

describe('the overall verdict', () => {
  it('CONFORMANT only when every case of every declared role ran; INCOMPLETE (exit 4) when one could not; NOT CONFORMANT on a FAIL', () => {
    expect(runVerdict([caseOf({}), caseOf({ verdict: 'WARN' }), caseOf({ verdict: 'SKIP', skipKind: 'role' }), caseOf({ verdict: 'SKIP', skipKind: 'policy' }), caseOf({ verdict: 'SKIP', skipKind: 'authentication' })])).toMatchObject({ verdict: 'CONFORMANT', exitCode: 0 });
    expect(runVerdict([caseOf({}), caseOf({ verdict: 'SKIP', skipKind: 'prerequisite' })])).toMatchObject({ verdict: 'INCOMPLETE', exitCode: 4 });
    expect(runVerdict([caseOf({}), caseOf({ verdict: 'NOT TESTED' })])).toMatchObject({ verdict: 'INCOMPLETE', exitCode: 4 });
    expect(runVerdict([caseOf({}), caseOf({ verdict: 'ERROR' })])).toMatchObject({ verdict: 'INCOMPLETE', exitCode: 1 });
    expect(runVerdict([caseOf({ verdict: 'FAIL' }), caseOf({ verdict: 'NOT TESTED' })])).toMatchObject({ verdict: 'NOT CONFORMANT', exitCode: 1 });
    expect(runVerdict([caseOf({ verdict: 'SKIP', skipKind: 'role' })])).toMatchObject({ verdict: 'INCOMPLETE', explanation: 'no case ran' });
  });

  it('swapped inbound and outbound ports are named in the summary', () => {
    const relayed = (ar: string[]) => ({ received: [{ bytes: 1, shape: 'x', rcptTo: [], authenticationResults: ar }] });
    const cases = [
      caseOf({ role: 'domain-signer', verdict: 'FAIL', evidence: relayed(['none']) }),
      caseOf({ role: 'domain-signer', verdict: 'FAIL', evidence: relayed(['pass']) }),
      caseOf({ role: 'inbound-verifier', verdict: 'FAIL', evidence: relayed([]) }),
      caseOf({ role: 'inbound-verifier', verdict: 'FAIL', evidence: {} }),
    ];
    expect(diagnose(cases)).toEqual([expect.stringMatching(/^the inbound and outbound submission ports look swapped: 2 of 2 outbound case\(s\) came back with the gateway's verdict header/)]);
    expect(diagnose([caseOf({ role: 'domain-signer', evidence: relayed([]) }), caseOf({ role: 'inbound-verifier', evidence: relayed(['pass']) })])).toEqual([]);
    const line = summaryLine({ meta: {} as never, cases, counts: { PASS: 0, FAIL: 4, WARN: 0, 'NOT TESTED': 0, SKIP: 0, ERROR: 0 }, verdict: runVerdict(cases), diagnoses: diagnose(cases), exitCode: 1 });
    expect(line).toMatch(/^NOT CONFORMANT: 4 cases failed/);
    expect(line).toMatch(/\nnote: the inbound and outbound submission ports look swapped/);
  });
});
