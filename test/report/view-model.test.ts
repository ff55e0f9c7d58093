/**
 * The report's view model, tested apart from rendering: summary counts, a verdict per role, coverage per
 * level from the catalogue, the requirement matrix (which cases test what, and what each shows for it;
 * untestable requirements say why) and per case the evidence the templates print.
 */
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../src/harness/model.js';
import type { RunResults } from '../../src/harness/run.js';
import { buildReportView, roleVerdict, verdictFor } from '../../src/report/view-model.js';
import { loadCatalogue, type Catalogue } from '../../src/report/catalogue.js';
import { checkAgainstBaseline, parseBaseline } from '../../src/report/baseline.js';
import { sample } from './fixture.js';

const catalogue = loadCatalogue();
const view = (r: RunResults = sample(), extra = {}) => buildReportView(r, { catalogue, generatedAt: '2026-03-02T00:00:00Z', ...extra });

function caseOf(over: Partial<CaseResult>): CaseResult {
  return { id: 'x::1', suite: 's', role: 'domain-signer', title: 't', requirements: [], strength: 'MUST', verdict: 'PASS', reason: '', checks: [], evidence: {}, durationMs: 5, ...over };
}
function runOf(cases: CaseResult[]): RunResults {
  const r = sample();
  r.cases = cases;
  r.counts = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, ERROR: 0 };
  for (const c of cases) r.counts[c.verdict]++;
  return r;
}

describe('summary', () => {
  it('counts every verdict, as results.json does, in a fixed order', () => {
    const r = sample();
    const v = view(r);
    expect(v.total).toBe(r.cases.length);
    expect(v.counts.map((c) => c.verdict)).toEqual(['PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP']);
    for (const c of v.counts) expect(c.count, c.verdict).toBe(r.counts[c.verdict as keyof typeof r.counts]);
    // The sample run has every verdict, so every filter has something to show.
    for (const f of v.filters) expect(f.count, f.verdict).toBeGreaterThan(0);
  });

  it('gives the run a verdict matching its exit status', () => {
    const v = view();
    expect(v.overall).toEqual({ label: 'NOT CONFORMANT', cls: 'v-fail' });
    expect(v.overallExplanation).toMatch(/exit status 1$/);
    const passing = view(runOf([caseOf({ verdict: 'PASS' }), caseOf({ id: 'x::2', verdict: 'SKIP' })]));
    expect(passing.overall.label).toBe('CONFORMANT');
    expect(passing.overallExplanation).toMatch(/exit status 0$/);
    expect(view(runOf([caseOf({ verdict: 'WARN' })])).overall.label).toBe('CONFORMANT WITH WARNINGS');
    expect(view(runOf([caseOf({ verdict: 'ERROR' })])).overall.label).toBe('NOT CONFORMANT');
    expect(view(runOf([caseOf({ verdict: 'SKIP' })])).overall.label).toBe('NOT TESTED');
  });

  it('gives each role a conformance verdict', () => {
    const v = view();
    const role = (r: string) => v.roles.find((x) => x.role === r)!;
    expect(v.roles.map((r) => r.role)).toEqual(['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier']);
    expect(role('domain-signer').verdict.label).toBe('NOT CONFORMANT');
    expect(role('inbound-dca').verdict.label).toBe('NOT TESTED');
    expect(role('inbound-dca').explanation).toMatch(/skipped/);
    expect(role('inbound-verifier').counts).toMatch(/PASS.*FAIL.*WARN/);
  });

  it('role verdicts: FAIL beats ERROR beats WARN; all skipped is not tested', () => {
    const of = (...v: CaseResult['verdict'][]) => roleVerdict(v.map((verdict, i) => caseOf({ id: `c${i}`, verdict }))).verdict.label;
    expect(of('PASS', 'ERROR', 'FAIL', 'WARN')).toBe('NOT CONFORMANT');
    expect(of('PASS', 'ERROR', 'WARN')).toBe('INCONCLUSIVE');
    expect(of('PASS', 'WARN', 'SKIP')).toBe('CONFORMANT WITH WARNINGS');
    expect(of('PASS', 'SKIP')).toBe('CONFORMANT');
    expect(of('SKIP', 'SKIP')).toBe('NOT TESTED');
    expect(of()).toBe('NOT TESTED');
  });

  it('coverage per level adds up to the catalogue', () => {
    const v = view();
    expect(v.coverage.map((c) => c.level)).toEqual(['MUST', 'SHOULD', 'MAY', 'Section 5']);
    const levels = (...l: string[]) => catalogue.requirements.filter((r) => l.includes(r.level));
    expect(v.coverage[0]!.total).toBe(levels('MUST', 'MUST NOT').length);
    expect(v.coverage[1]!.total).toBe(levels('SHOULD', 'SHOULD NOT').length);
    expect(v.coverage[2]!.total).toBe(levels('MAY').length);
    expect(v.coverage[3]!.total).toBe(levels('RULE', 'EXAMPLE').length);
    for (const c of v.coverage) {
      expect(c.passed + c.warned + c.failed + c.errored + c.notRun + c.untestable, c.level).toBe(c.total);
      expect(c.testable).toBe(c.total - c.untestable);
      const width = c.bar.reduce((w, s) => w + s.w, 0);
      expect(Math.abs(width - (c.total ? 300 : 0)), c.level).toBeLessThan(1);
    }
    const must = v.coverage[0]!;
    expect(must.untestable).toBe(levels('MUST', 'MUST NOT').filter((r) => r.untestable).length);
    expect(must.failed).toBeGreaterThan(0);
    expect(must.passed).toBeGreaterThan(0);
    expect(must.summary).toMatch(new RegExp(`^${must.passed} of ${must.testable} testable requirements passed`));
  });
});

describe('requirement matrix', () => {
  it('lists every catalogue requirement in order, with section links', () => {
    const v = view();
    expect(v.requirements.map((r) => r.id)).toEqual(catalogue.requirements.map((r) => r.id));
    const r = v.requirements.find((x) => x.id === 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE')!;
    expect(r.sectionUrl).toBe('https://datatracker.ietf.org/doc/html/draft-melnikov-smime-msa-to-mda-02#section-3.1');
    expect(r.text).toMatch(/MUST support the signature type attribute/);
    expect(r.levelCls).toBe('l-must');
  });

  it('says why an untestable requirement has no cases', () => {
    const v = view();
    const untestable = catalogue.requirements.filter((r) => r.untestable);
    expect(untestable.length).toBeGreaterThan(0);
    for (const u of untestable) {
      const row = v.requirements.find((x) => x.id === u.id)!;
      expect(row.status.label).toBe('UNTESTABLE');
      expect(row.noCases).toBe(`Untestable over SMTP: ${u.untestable}`);
    }
  });

  it('links each requirement to the cases that test it, with what each showed for it', () => {
    const r = sample();
    const v = view(r);
    const row = v.requirements.find((x) => x.id === 'DOMSEC-5.1-EXAMPLE-2')!;
    expect(row.cases).toEqual([{ id: 'domsec::section5::example-2', anchor: `case-${r.cases.findIndex((c) => c.id === 'domsec::section5::example-2') + 1}`, label: 'FAIL', cls: 'v-fail', note: '' }]);
    expect(row.status.label).toBe('FAIL');
    // Every case that declares a catalogue requirement appears in that requirement's row.
    for (const c of r.cases) for (const id of c.requirements) expect(v.requirements.find((x) => x.id === id)?.cases.some((k) => k.id === c.id), `${id} ${c.id}`).toBe(true);
  });

  it('attributes a failed case to the requirement its failing check names', () => {
    const c = caseOf({
      verdict: 'FAIL',
      requirements: ['A', 'B'],
      checks: [
        { requirement: 'A', strength: 'MUST', ok: true, message: 'fine' },
        { requirement: 'C', strength: 'MUST', ok: false, message: 'broken' },
        { requirement: 'D', strength: 'SHOULD', ok: false, message: 'meh' },
      ],
    });
    expect(verdictFor(c, 'A')).toBe('PASS'); // its own checks held
    expect(verdictFor(c, 'B')).toBe('FAIL'); // declared, no check of its own: the case's verdict
    expect(verdictFor(c, 'C')).toBe('FAIL');
    expect(verdictFor(c, 'D')).toBe('WARN');
    expect(verdictFor({ ...c, verdict: 'ERROR' }, 'A')).toBe('ERROR');
    const v = view(runOf([c]));
    expect(v.uncatalogued.map((u) => u.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(v.uncatalogued[0]!.cases[0]!.note).toBe('case verdict FAIL');
    expect(v.uncatalogued[0]!.text).toMatch(/Not in the requirement catalogue/);
  });

  it('a requirement with only skipped cases is not tested', () => {
    const cat: Catalogue = { spec: 'draft-x-00', requirements: [{ id: 'R1', section: '2', level: 'MUST', text: 't', roles: [] }] };
    const v = buildReportView(runOf([caseOf({ verdict: 'SKIP', requirements: ['R1'] })]), { catalogue: cat });
    expect(v.requirements[0]!.status).toEqual({ label: 'NOT TESTED', cls: 'v-skip' });
    expect(v.coverage[0]!.notRun).toBe(1);
  });
});

describe('cases', () => {
  it('a failed shape case: quoted requirement, section link, expected and actual drawn side by side', () => {
    const r = sample();
    const v = view(r);
    const c = v.cases.find((x) => x.id === 'domsec::section5::example-2')!;
    expect(c.badge).toEqual({ label: 'FAIL', cls: 'v-fail' });
    expect(c.verdict).toBe('FAIL');
    const fc = c.failedChecks.find((k) => k.requirement === 'DOMSEC-5.1-EXAMPLE-2')!;
    expect(fc.quote).toBe(catalogue.requirements.find((q) => q.id === 'DOMSEC-5.1-EXAMPLE-2')!.text);
    expect(fc.sectionUrl).toMatch(/#section-5\.1$/);
    expect(fc.hasExpected).toBe(true);
    expect(fc.expected).toMatch(/^S\[domainSig\]/);
    expect(c.shapes.map((s) => s.heading)).toEqual(['Sent', 'Expected output', 'Actual output']);
    const [, expected, actual] = c.shapes;
    expect(expected!.differs).toBe(true); // the missing domain signature
    expect(expected!.svg.boxes[0]!.cls).toContain('diff');
    expect(expected!.svg.boxes.slice(1).some((b) => b.cls.includes('diff'))).toBe(false);
    expect(actual!.differs).toBe(false);
    expect(c.hasSmtp).toBe(true);
    expect(c.transcript).toMatch(/MAIL FROM/);
    expect(c.received).toHaveLength(1);
    expect(c.received[0]!.authenticationResults).toBe('(none)');
  });

  it('evidence of an errored, a skipped and an inbound case', () => {
    const v = view();
    const err = v.cases.find((x) => x.id === 'domsec::section5::example-3')!;
    expect(err.badge.cls).toBe('v-error');
    expect(err.smtp.find((m) => m.label === 'Failure')?.value).toBe('disconnected');
    expect(err.receivedNote).toBe('Nothing was relayed or delivered for this case.');
    const skip = v.cases.find((x) => x.id === 'domsec::inbound-dca::case-b')!;
    expect(skip.hasSmtp).toBe(false);
    expect(skip.hasShapes).toBe(false);
    expect(skip.receivedNote).toBe('');
    const inbound = v.cases.find((x) => x.id === 'domsec::verifier::signature-type-missing')!;
    expect(inbound.badge.label).toBe('WARN');
    expect(inbound.received[0]!.authenticationResults).toBe('smime=fail');
    expect(inbound.failedChecks[0]!.strength).toBe('SHOULD');
    expect(inbound.shapes.map((s) => s.heading)).toEqual(['Sent', 'Actual output']);
  });

  it('anchors come from positions, never from ids in the file', () => {
    const r = sample();
    r.cases[0]!.id = 'evil" onclick="x';
    r.cases[0]!.requirements = ['R <1>'];
    const v = view(r);
    expect(v.cases[0]!.anchor).toBe('case-1');
    expect(v.cases[0]!.requirements[0]!.anchor).toBe('req-R__1_');
    expect(v.cases.map((c) => c.anchor)).toEqual(r.cases.map((_, i) => `case-${i + 1}`));
  });

  it('an unknown verdict in a hand-edited file gets a neutral class and filters as OTHER', () => {
    const r = sample();
    (r.cases[0] as { verdict: string }).verdict = 'MAYBE';
    const c = view(r).cases[0]!;
    expect(c.badge).toEqual({ label: 'MAYBE', cls: 'v-none' });
    expect(c.verdict).toBe('OTHER');
  });

  it('marks cases against an accepted baseline', () => {
    const r = sample();
    const check = checkAgainstBaseline(r, parseBaseline({ format: 'domsec-expected/1', cases: { 'domsec::section5::example-2': { verdict: 'FAIL', why: 'ticket 12' }, 'domsec::signer::originator-signed': 'FAIL' } }, 'b.json'));
    const v = view(r, { baseline: check });
    expect(v.hasBaseline).toBe(true);
    expect(v.baseline!.verdict.label).toBe('DEVIATES FROM THE BASELINE');
    const ex2 = v.cases.find((c) => c.id === 'domsec::section5::example-2')!;
    expect(ex2.baseline).toBe('Accepted in the baseline as FAIL (ticket 12)');
    const improved = v.cases.find((c) => c.id === 'domsec::signer::originator-signed')!;
    expect(improved.baseline).toMatch(/Better than the baseline/);
    const dev = v.baseline!.groups[0]!;
    expect(dev.items.map((i) => i.id)).toContain('domsec::verifier::tampered-content');
    expect(dev.items.every((i) => /^case-\d+$/.test(i.anchor))).toBe(true);
  });
});
