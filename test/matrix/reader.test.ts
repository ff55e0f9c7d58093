/**
 * The reader role's grading (pure): what the tool did on each layer, against the manifest's expectation.
 * Each rule is shown to catch the fault it is for and to pass correct behaviour.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradedOn, gradeReader, readerCases, VECTORS_DIR, type ReaderCase, type ReaderGradeContext, type ReaderStepResult, type StopReason } from '../../src/matrix/reader.js';
import { loadRunPki } from '../../src/harness/run.js';
import type { CommandRun } from '../../src/harness/model.js';

const cases = readerCases();
const byName = (n: string): ReaderCase => cases.find((c) => c.id === `domsec::reader::${n}`)!;
const { pki, keys } = await loadRunPki(join(VECTORS_DIR, 'keys'), 'example.org', 'adapter');
const g: ReaderGradeContext = { trustAnchors: [pki.ca.certDer], validationTime: new Date('2026-03-01T12:00:00Z'), keys, checks: 'signatures and paths', tool: 'a tool' };
const vector = (c: ReaderCase): Buffer => readFileSync(join(VECTORS_DIR, c.vector.files.input));
/** The innermost content of a two-layer signed vector: the originator's signed entity's content, from the vector file itself. */
const plain = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nThis is a DOMSEC golden vector. The quarterly figures follow in a separate message.\r\nAlice\r\n');

const run = (exitCode: number | null, extra: Partial<CommandRun> = {}): CommandRun => ({ step: 'verify', argv: ['tool'], exitCode, timedOut: false, stdoutTail: '', stderrTail: exitCode ? 'tool: bad signature\n' : '', durationMs: 5, ...extra });
const step = (exitCode: number | null, output?: Buffer, extra: Partial<CommandRun> = {}): ReaderStepResult => ({ kind: 'verify', layer: 'layer 1 (S)', run: run(exitCode, extra), ...(output ? { output } : {}) });

describe('readerCases', () => {
  it('are the manifest\'s receiving (verify) vectors, with their expectation', () => {
    const manifest = JSON.parse(readFileSync(join(VECTORS_DIR, 'manifest.json'), 'utf8')) as { tests: Array<{ kind: string; expected: { verdict: string } }> };
    const verify = manifest.tests.filter((t) => t.kind === 'verify');
    expect(cases.map((c) => c.expected)).toEqual(verify.map((t) => t.expected.verdict));
    expect(cases.length).toBeGreaterThanOrEqual(31);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });
});

describe('gradeReader', () => {
  const good = byName('domain-signed');
  const bad = byName('tampered-content');
  const policy = byName('naming-foreign-domain');

  it('PASS: a valid message accepted at every layer, the content shown', () => {
    const r = gradeReader(good, [step(0), step(0, plain)], { kind: 'content' }, vector(good), g);
    expect(r.verdict).toBe('PASS');
    expect(r.evidence.command).toHaveLength(2);
  });
  it('FAIL: a valid message accepted but other content shown', () => {
    const other = Buffer.from(plain.toString('latin1').replace('quarterly', 'annual'), 'latin1');
    const r = gradeReader(good, [step(0), step(0, other)], { kind: 'content' }, vector(good), g);
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toMatch(/not the message's content/);
  });
  it('a valid message refused: FAIL on its first MUST requirement, WARN when it has only a SHOULD (N16)', () => {
    expect(gradedOn(good)).toEqual({ requirement: 'DOMSEC-3.2-CHECK-NAMING', strength: 'MUST' });
    const r = gradeReader(good, [step(0), step(4)], { kind: 'refused', step: 1 }, vector(good), g);
    expect(r.verdict).toBe('FAIL');
    expect(r.checks.find((k) => !k.ok)?.requirement).toBe('DOMSEC-3.2-CHECK-NAMING');
    const ber = { ...byName('ber-domain-signed'), requirements: ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE'] };
    expect(gradedOn(ber)).toEqual({ requirement: 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE', strength: 'SHOULD' });
    const w = gradeReader(ber, [step(4)], { kind: 'refused', step: 0 }, vector(ber), g);
    expect(w.verdict).toBe('WARN');
    expect(r.reason).toMatch(/refused layer 1 \(S\) with exit status 4 \(tool: bad signature\)/);
  });
  it('PASS: an invalid signature refused; not PASS: accepted', () => {
    expect(gradeReader(bad, [step(4)], { kind: 'refused', step: 0 }, vector(bad), g).verdict).toBe('PASS');
    const accepted = gradeReader({ ...bad, requirements: ['DOMSEC-2.4-FLAG-VIOLATION'] }, [step(0), step(0, plain)], { kind: 'content' }, vector(bad), g);
    expect(accepted.verdict).toBe('FAIL');
    expect(accepted.reason).toMatch(/SIG_DIGEST_MISMATCH makes it smime=fail/);
  });
  it('NOT TESTED with the reason: a DOMSEC policy verdict a CMS tool cannot express, whatever it did', () => {
    for (const stop of [{ kind: 'content' }, { kind: 'refused', step: 0 }] as StopReason[]) {
      const r = gradeReader(policy, [step(stop.kind === 'content' ? 0 : 4, plain)], stop, vector(policy), g);
      expect(r.verdict).toBe('NOT TESTED');
      expect(r.reason).toMatch(/^cannot be graded: the expected verdict is smime=policy \(NAMING_DOMAIN_MISMATCH\)/);
      expect(r.checks).toEqual([]);
    }
    expect(gradeReader(byName('empty-layer-only'), [step(4)], { kind: 'refused', step: 0 }, vector(byName('empty-layer-only')), g).reason).toMatch(/smime=none/);
  });
  it('PASS for accepting where the manifest leaves latitude (result acceptable), FAIL where it does not', () => {
    const inner = byName('invalid-inner-signature');
    expect(inner.acceptable).toEqual(['pass']);
    const r = gradeReader(inner, [step(0), step(0, plain)], { kind: 'content' }, vector(inner), g);
    expect(r.verdict).toBe('PASS');
    expect(r.reason).toMatch(/acceptable/);
    expect(bad.acceptable).toEqual([]);
  });
  it('NOT TESTED, never FAIL, when the adapter cannot present a layer to the tool (wrapper exit 3, plain CMS nesting)', () => {
    const r = gradeReader(good, [step(0), step(3)], { kind: 'not-presentable', step: 1, why: 'the adapter cannot present layer 2 (M) to the tool' }, vector(good), g);
    expect(r.verdict).toBe('NOT TESTED');
    expect(r.reason).toBe('cannot be graded: the adapter cannot present layer 2 (M) to the tool; the tool gave no verdict on it (it accepted layer 1 (S))');
  });
  it('ERROR: the command crashed or timed out, whatever the expectation', () => {
    for (const c of [good, bad, policy]) {
      const r = gradeReader(c, [step(null, undefined, { signal: 'SIGSEGV' })], { kind: 'error', step: 0, why: 'the command was killed by SIGSEGV (it crashed)' }, vector(c), g);
      expect(r.verdict).toBe('ERROR');
    }
  });
  it('FAIL: exit status 0 without readable content for a valid message', () => {
    const r = gradeReader(good, [step(0)], { kind: 'unreadable', step: 0, why: 'it wrote nothing' }, vector(good), g);
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toMatch(/exit status 0 for layer 1 \(S\), but it wrote nothing/);
  });
});
