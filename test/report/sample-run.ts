/**
 * A real run with failures, for the report tests: every suite through runSuite against the scripted
 * gateway. It yields PASS (domain signatures the engine makes, verdicts stamped as expected or with another
 * smime value), FAIL (relayed unchanged, violations not flagged, still encrypted), WARN (a SHOULD-level
 * receiving requirement: no verdict header, a rejection), ERROR (connection dropped in DATA) and SKIP (undeclared role, originator authentication
 * signature-only).
 * test/fixtures/report/make-sample-results.ts keeps one such run as a fixture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki } from '../../src/pki/index.js';
import { CaptureSink } from '../../src/smtp/sink.js';
import { runSuite, type RunResults } from '../../src/harness/run.js';
import type { Profile } from '../../src/harness/profile.js';
import type { CaseDecl } from '../../src/harness/model.js';
import { allCases } from '../../suites/index.js';
import { testPki } from '../helpers/pki.js';
import { startScriptedGateway, type Behaviour } from './scripted-gateway.js';

export const SAMPLE_VALIDATION_TIME = '2026-03-01T12:00:00Z';

/** What the sample gateway gets wrong, by case id. */
export const SAMPLE_SCRIPT: Record<string, Behaviour> = {
  'domsec::section5::example-2': { kind: 'unchanged' },
  'domsec::section5::example-3': { kind: 'disconnect' },
  'domsec::verifier::naming-lookalike-domain': { kind: 'stamp', verdict: 'pass' },
  // Flagged with another smime value than the reference's: PASS (the value is N14's convention, not graded).
  'domsec::verifier::signature-type-missing': { kind: 'stamp', verdict: 'fail' },
  'domsec::verifier::signature-type-wrong-value': { kind: 'stamp', verdict: 'pass' },
  'domsec::verifier::tampered-content': { kind: 'no-header' },
  'domsec::verifier::expired-certificate': { kind: 'reject', code: 550, text: '5.7.1 certificate check failed' },
};

export interface SampleRunOptions {
  name?: string;
  cases?: readonly CaseDecl[];
  /** Added to (and overriding) SAMPLE_SCRIPT. */
  script?: Record<string, Behaviour>;
}

export interface SampleSetup {
  dir: string;
  pkiDir: string;
  /** A profile for a sink on `capturePort` and the scripted gateway on `gatewayPort`. */
  profile(capturePort: number, gatewayPort: number, name?: string): Profile;
  /** Start the scripted gateway relaying to `capturePort`. */
  gateway(capturePort: number, cases: readonly CaseDecl[], script?: Record<string, Behaviour>): Promise<{ port: number; close(): Promise<void> }>;
  cleanup(): void;
}

export async function sampleSetup(): Promise<SampleSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'domsec-report-'));
  const pkiDir = join(dir, 'pki');
  const pki = await testPki();
  await writeTestPki(pki, pkiDir);
  return {
    dir,
    pkiDir,
    profile: (capturePort, gatewayPort, name = 'scripted-gateway') => ({
      name,
      domain: 'example.org',
      roles: ['domain-signer', 'outbound-dca', 'inbound-verifier'],
      pki: pkiDir,
      policy: { encryptOutbound: false },
      // No SMTP AUTH at the scripted gateway: the cases that need an externally authenticated originator are SKIPPED as not applicable.
      originatorAuthentication: { method: 'signature-only' },
      submission: { outbound: { host: '127.0.0.1', port: gatewayPort }, inbound: { host: '127.0.0.1', port: gatewayPort } },
      capture: { port: capturePort },
      timeouts: { caseMs: 3000, runMs: 120_000 },
      validationTime: SAMPLE_VALIDATION_TIME,
    }),
    gateway: (capturePort, cases, script = {}) =>
      startScriptedGateway({ pki, domain: 'example.org', nextHop: { host: '127.0.0.1', port: capturePort }, cases, script: { ...SAMPLE_SCRIPT, ...script }, validationTime: SAMPLE_VALIDATION_TIME }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One run of every suite (or `cases`) against the scripted gateway. */
export async function sampleRun(opts: SampleRunOptions = {}): Promise<RunResults> {
  const setup = await sampleSetup();
  const cases = opts.cases ?? allCases();
  const sink = await new CaptureSink().start();
  const gw = await setup.gateway(sink.port, cases, opts.script);
  try {
    return await runSuite({ profile: setup.profile(sink.port, gw.port, opts.name), cases, suiteVersion: 'test', sink });
  } finally {
    await gw.close();
    await sink.stop();
    setup.cleanup();
  }
}
