/**
 * `domsec report --compare OLD NEW`: newly failing, newly passing, other changes, appeared, disappeared;
 * exit status 1 only when something newly fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResults } from '../../src/harness/run.js';
import { RESULTS_FORMAT } from '../../src/harness/results.js';
import { compareResults } from '../../src/report/compare.js';
import { countVerdicts } from '../../src/report/results-file.js';
import { sample } from './fixture.js';
import { domsec } from './cli.js';

/** The sample run, then a later run where the gateway changed. */
function pair(): { older: RunResults; newer: RunResults } {
  const older = sample();
  const newer = sample();
  const set = (id: string, verdict: RunResults['cases'][number]['verdict'], reason = `now ${verdict}`) => {
    const c = newer.cases.find((x) => x.id === id)!;
    c.verdict = verdict;
    c.reason = reason;
  };
  set('domsec::signer::originator-signed', 'FAIL', 'nothing was relayed'); // PASS -> FAIL
  set('domsec::verifier::domain-signed', 'ERROR'); // PASS -> ERROR
  set('domsec::section5::example-2', 'PASS'); // FAIL -> PASS
  set('domsec::verifier::tampered-content', 'PASS'); // WARN -> PASS
  set('domsec::section5::example-3', 'FAIL'); // ERROR -> FAIL: still failing, another way
  set('domsec::verifier::ascendant-domain', 'WARN'); // PASS -> WARN
  newer.cases = newer.cases.filter((c) => c.id !== 'domsec::verifier::one-bad-signer');
  newer.cases.push({ ...newer.cases[0]!, id: 'domsec::signer::new-case', verdict: 'FAIL' });
  newer.counts = countVerdicts(newer.cases);
  return { older, newer };
}

describe('compareResults', () => {
  it('sorts every difference into its kind', () => {
    const { older, newer } = pair();
    const c = compareResults(older, newer);
    expect(c.newlyFailing.map((x) => [x.id, x.before, x.after])).toEqual([
      ['domsec::signer::originator-signed', 'PASS', 'FAIL'],
      ['domsec::verifier::domain-signed', 'PASS', 'ERROR'],
    ]);
    expect(c.newlyFailing[0]!.reason).toBe('nothing was relayed');
    expect(c.newlyPassing.map((x) => [x.id, x.before])).toEqual([
      ['domsec::section5::example-2', 'FAIL'],
      ['domsec::verifier::tampered-content', 'WARN'],
    ]);
    expect(c.changed.map((x) => [x.id, x.before, x.after])).toEqual([
      ['domsec::section5::example-3', 'ERROR', 'FAIL'],
      ['domsec::verifier::ascendant-domain', 'PASS', 'WARN'],
    ]);
    expect(c.appeared).toEqual([{ id: 'domsec::signer::new-case', title: newer.cases[0]!.title, verdict: 'FAIL' }]);
    expect(c.disappeared.map((x) => x.id)).toEqual(['domsec::verifier::one-bad-signer']);
    expect(c.unchanged).toBe(older.cases.length - 1 - 6);
    expect(c.exitCode).toBe(1);
  });

  it('a run compared with itself: nothing changed, exit 0', () => {
    const c = compareResults(sample(), sample());
    expect([c.newlyFailing, c.newlyPassing, c.changed, c.appeared, c.disappeared].every((l) => l.length === 0)).toBe(true);
    expect(c.unchanged).toBe(sample().cases.length);
    expect(c.exitCode).toBe(0);
  });

  it('a newly appearing failing case alone does not count as newly failing', () => {
    const older = sample();
    const newer = sample();
    older.cases = older.cases.filter((c) => c.verdict !== 'FAIL');
    older.counts = countVerdicts(older.cases);
    const c = compareResults(older, newer);
    expect(c.appeared.every((a) => a.verdict === 'FAIL')).toBe(true);
    expect(c.exitCode).toBe(0);
  });
});

describe('domsec report --compare', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'domsec-compare-'));
    const { older, newer } = pair();
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ format: RESULTS_FORMAT, ...older }));
    writeFileSync(join(dir, 'new.json'), JSON.stringify({ format: RESULTS_FORMAT, ...newer }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ format: RESULTS_FORMAT, ...newer, counts: { ...newer.counts, PASS: 0 } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints what changed; exit 1 when something newly fails, 0 when nothing does', async () => {
    const r = await domsec(['report', '--compare', join(dir, 'old.json'), join(dir, 'new.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Newly failing \(2\):\n {2}domsec::signer::originator-signed: PASS -> FAIL \(nothing was relayed\)\n {2}domsec::verifier::domain-signed: PASS -> ERROR/);
    expect(r.stdout).toMatch(/Newly passing \(2\):/);
    expect(r.stdout).toMatch(/Other verdict changes \(2\):/);
    expect(r.stdout).toMatch(/Appeared \(1\):\n {2}domsec::signer::new-case: FAIL/);
    expect(r.stdout).toMatch(/Disappeared \(1\):\n {2}domsec::verifier::one-bad-signer: was PASS/);
    const same = await domsec(['report', '--compare', join(dir, 'new.json'), join(dir, 'new.json'), '--json']);
    expect(same.code).toBe(0);
    const json = JSON.parse(same.stdout);
    expect(json.newlyFailing).toEqual([]);
    expect(json.unchanged).toBe(json.new.total);
  });

  it('refuses a results file that does not add up, and bad usage, with one line and exit 2', async () => {
    const bad = await domsec(['report', '--compare', join(dir, 'old.json'), join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/counts\.PASS is 0 but \d+ case\(s\) have that verdict/);
    const one = await domsec(['report', '--compare', join(dir, 'old.json')]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/needs two results files/);
    const missing = await domsec(['report', '--compare', join(dir, 'old.json'), join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FILE_UNREADABLE: cannot read results .*nope\.json: no such file/);
  });
});
