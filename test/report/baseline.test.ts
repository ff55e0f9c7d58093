/**
 * Accepted baselines: `domsec run --expect FILE` fails the exit status only on deviations from the
 * vendor's accepted results (as TLS-Anvil's expected results are used), end to end against a scripted
 * gateway, plus the rules one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseVerdict } from '../../src/harness/model.js';
import type { RunResults } from '../../src/harness/run.js';
import { RESULTS_FORMAT } from '../../src/harness/results.js';
import { baselineFromResults, checkAgainstBaseline, parseBaseline } from '../../src/report/baseline.js';
import { countVerdicts } from '../../src/report/results-file.js';
import { domainSignerCases } from '../../suites/domain-signer.js';
import { sample } from './fixture.js';
import { sampleSetup, type SampleSetup } from './sample-run.js';
import type { Behaviour } from './scripted-gateway.js';
import { domsec, freePort } from './cli.js';

function withVerdicts(v: Record<string, CaseVerdict>): RunResults {
  const r = sample();
  for (const c of r.cases) if (v[c.id]) c.verdict = v[c.id]!;
  r.counts = countVerdicts(r.cases);
  return r;
}
const baseline = (cases: Record<string, unknown>) => parseBaseline({ format: 'domsec-expected/1', cases }, 'test');
const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);

describe('checkAgainstBaseline', () => {
  // The scripted gateway's failures (SAMPLE_SCRIPT), plus the cases where an envelopedData lies lower and
  // Section 5 requires re-encryption, which its default domain signing does not do (Example 7 and two orderings).
  const FAILING = ['domsec::section5::example-2', 'domsec::section5::example-7', 'domsec::section5::ordering-lower-envelope-forces-encryption', 'domsec::section5::ordering-ml-lower-envelope-forces-encryption', 'domsec::verifier::case-d-decrypt-then-verify', 'domsec::verifier::ber-case-d', 'domsec::verifier::naming-lookalike-domain', 'domsec::verifier::signature-type-wrong-value'];

  it('accepting the run as it is: no deviation, exit 0', () => {
    const r = sample();
    const file = baselineFromResults(r, 'known');
    expect(Object.keys(file.cases).sort()).toEqual(r.cases.filter((c) => c.verdict !== 'PASS').map((c) => c.id).sort());
    const check = checkAgainstBaseline(r, parseBaseline(file, 'b'));
    expect(check.deviations).toEqual([]);
    expect(check.exitCode).toBe(0);
    expect(check.accepted).toHaveLength(r.counts.FAIL + r.counts.ERROR + r.counts.WARN);
    expect(check.accepted[0]!.why).toBe('known');
  });

  it('an empty baseline expects every case to PASS: each FAIL and ERROR deviates', () => {
    const check = checkAgainstBaseline(sample(), baseline({}));
    expect(ids(check.deviations).sort()).toEqual([...FAILING, 'domsec::section5::example-3'].sort());
    expect(check.exitCode).toBe(1);
    // WARN and SKIP are reported, never fail the run.
    expect(ids(check.changed)).toContain('domsec::verifier::tampered-content');
    expect(ids(check.changed)).toContain('domsec::inbound-dca::case-b');
  });

  it('only the exact accepted verdict is accepted: a FAIL that now ERRORs deviates', () => {
    const accepted = Object.fromEntries([...FAILING, 'domsec::section5::example-3'].map((id) => [id, id === 'domsec::section5::example-3' ? 'ERROR' : 'FAIL']));
    expect(checkAgainstBaseline(sample(), baseline(accepted)).exitCode).toBe(0);
    const r = withVerdicts({ 'domsec::section5::example-2': 'ERROR' });
    const check = checkAgainstBaseline(r, baseline(accepted));
    expect(check.deviations).toEqual([{ id: 'domsec::section5::example-2', expected: 'FAIL', found: 'ERROR', listed: true }]);
    expect(check.exitCode).toBe(1);
  });

  it('a PASS that is no longer observed deviates: NOT TESTED, or SKIPPED for a missing prerequisite; an undeclared role only changes', () => {
    const r = withVerdicts({ 'domsec::signer::originator-signed': 'NOT TESTED', 'domsec::signer::refuse-invalid-signature': 'SKIP', 'domsec::signer::refuse-unauthenticated': 'SKIP' });
    r.cases.find((c) => c.id === 'domsec::signer::refuse-invalid-signature')!.skipKind = 'prerequisite';
    r.cases.find((c) => c.id === 'domsec::signer::refuse-unauthenticated')!.skipKind = 'role';
    const accepted = Object.fromEntries(sample().cases.filter((c) => c.verdict !== 'PASS').map((c) => [c.id, c.verdict]));
    const check = checkAgainstBaseline(r, baseline(accepted));
    expect(check.deviations).toEqual([
      { id: 'domsec::signer::originator-signed', expected: 'PASS', found: 'NOT TESTED', listed: false },
      { id: 'domsec::signer::refuse-invalid-signature', expected: 'PASS', found: 'SKIP', listed: false },
    ]);
    expect(ids(check.changed)).toEqual(['domsec::signer::refuse-unauthenticated']);
    expect(check.exitCode).toBe(1);
  });

  it('better than the baseline is listed to tighten it, and does not fail', () => {
    const r = withVerdicts({ 'domsec::section5::example-2': 'PASS', 'domsec::section5::example-7': 'WARN' });
    const check = checkAgainstBaseline(r, baseline({ 'domsec::section5::example-2': { verdict: 'FAIL', why: 'ticket 12' }, 'domsec::section5::example-7': 'FAIL', 'domsec::verifier::tampered-content': 'FAIL', 'domsec::gone': 'FAIL' }));
    expect(check.improved).toEqual([
      { id: 'domsec::section5::example-2', expected: 'FAIL', found: 'PASS', listed: true, why: 'ticket 12' },
      { id: 'domsec::section5::example-7', expected: 'FAIL', found: 'WARN', listed: true },
      { id: 'domsec::verifier::tampered-content', expected: 'FAIL', found: 'WARN', listed: true },
    ]);
    expect(check.notRun).toEqual(['domsec::gone']);
  });

  it('reads a results.json as a baseline, and refuses what is neither', () => {
    const r = sample();
    const b = parseBaseline({ format: RESULTS_FORMAT, ...r }, 'old-results.json');
    expect(b.cases.get('domsec::section5::example-2')).toEqual({ verdict: 'FAIL' });
    expect(checkAgainstBaseline(r, b).exitCode).toBe(0);
    expect(() => parseBaseline({ cases: {} }, 'x.json')).toThrow(/x\.json: not an accepted baseline \(format missing/);
    expect(() => baseline({ a: 'BROKEN' })).toThrow(/schema domsec-expected\/1/);
    expect(() => baseline({ a: { verdict: 'FAIL', because: 'x' } })).toThrow(/schema domsec-expected\/1/);
  });
});

describe('domsec run --expect, end to end', () => {
  let setup: SampleSetup;
  let dir: string;
  const gateways: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    setup = await sampleSetup();
    dir = setup.dir;
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    setup.cleanup();
  });

  /** A profile file for a fresh scripted gateway (the CLI starts its own capture sink). */
  async function profileFor(name: string, script: Record<string, Behaviour>): Promise<string> {
    const capture = await freePort();
    const gw = await setup.gateway(capture, domainSignerCases, script);
    gateways.push(gw);
    const file = join(dir, `${name}.profile.json`);
    const { pki, ...p } = setup.profile(capture, gw.port, name);
    writeFileSync(file, JSON.stringify({ ...p, pki: 'pki' }));
    void pki;
    return file;
  }

  it('fails on an unaccepted FAIL, passes once it is accepted, fails again on a new deviation', async () => {
    // The gateway relays one message without a domain signature: a MUST-level failure.
    const known = await profileFor('known-bug', { 'domsec::signer::originator-signed': { kind: 'unchanged' } });
    const first = await domsec(['run', '--profile', known, '--suite', 'domain-signer', '--out', join(dir, 'run1')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^running 7 case\(s\) against known-bug$/m);
    expect(first.stdout).toMatch(/^\d\/7 FAIL {2}domsec::signer::originator-signed: output shape/m);
    expect(first.stdout).toMatch(/^report: .*run1\/report\.html$/m);
    for (const f of ['results.json', 'junit.xml', 'report.html']) expect(existsSync(join(dir, 'run1', f)), f).toBe(true);
    expect(readFileSync(join(dir, 'run1', 'junit.xml'), 'utf8')).toMatch(/<testsuite name="domain-signer" tests="7" failures="1" errors="0" skipped="2"/);

    // The vendor accepts it (with a reason) ...
    const expected = join(dir, 'expected.json');
    const w = await domsec(['report', join(dir, 'run1', 'results.json'), '--write-expect', expected, '--why', 'VENDOR-7: fixed in 2.1']);
    expect(w.code).toBe(0);
    const file = JSON.parse(readFileSync(expected, 'utf8'));
    expect(file.format).toBe('domsec-expected/1');
    expect(file.cases['domsec::signer::originator-signed']).toEqual({ verdict: 'FAIL', why: 'VENDOR-7: fixed in 2.1' });

    // ... and the same gateway now passes against the baseline.
    const second = await domsec(['run', '--profile', known, '--suite', 'domain-signer', '--out', join(dir, 'run2'), '--expect', expected]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/1 failed/);
    expect(second.stdout).toMatch(/against the accepted baseline .*expected\.json: 0 deviation\(s\), 1 accepted/);
    const html = readFileSync(join(dir, 'run2', 'report.html'), 'utf8');
    expect(html).toContain('MATCHES THE BASELINE');
    expect(html).toContain('Accepted in the baseline as FAIL (VENDOR-7: fixed in 2.1)');

    // A regression elsewhere is a deviation, while the accepted failure stays accepted.
    const worse = await profileFor('regressed', { 'domsec::signer::originator-signed': { kind: 'unchanged' }, 'domsec::signer::refuse-invalid-signature': { kind: 'disconnect' } });
    const third = await domsec(['run', '--profile', worse, '--suite', 'domain-signer', '--out', join(dir, 'run3'), '--expect', expected]);
    expect(third.code).toBe(1);
    expect(third.stdout).toMatch(/deviations \(these fail the run\):\n {2}domsec::signer::refuse-invalid-signature: not in the baseline, now ERROR/);
    expect(readFileSync(join(dir, 'run3', 'report.html'), 'utf8')).toContain('DEVIATES FROM THE BASELINE');
   }, 600_000);

  it('a bad baseline is refused before anything runs (exit 2)', async () => {
    const bad = join(dir, 'bad-expected.json');
    writeFileSync(bad, JSON.stringify({ format: 'domsec-expected/1', cases: { x: 'SOMETIMES' } }));
    const profile = await profileFor('unused', {});
    const r = await domsec(['run', '--profile', profile, '--expect', bad, '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^domsec run: BAD_ARGUMENT: .*bad-expected\.json: \/cases\/x must be equal to one of the allowed values .*\(schema domsec-expected\/1\)\n$/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'never'))).toBe(false);
   }, 180_000);
});
