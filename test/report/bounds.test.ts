/**
 * The report of a large run stays readable (issue 12, "the HTML report does not scale"): strings taken from
 * results are bounded, drawings and layer details are kept for the cases that need reading first, and
 * requirement rows link a bounded number of cases. results.json itself is never cut.
 */
import { describe, expect, it } from 'vitest';
import { boundString, boundStrings, detailedCases, MAX_REPORT_STRING_CHARS, REPORT_CASES_PER_REQUIREMENT, REPORT_DETAILED_CASES } from '../../src/report/bounds.js';
import { buildReportView } from '../../src/report/view-model.js';
import { loadCatalogue } from '../../src/report/catalogue.js';
import { renderReport } from '../../src/report/html.js';
import { sample } from './fixture.js';
import { largeRun } from './large-run.js';

describe('strings from results are bounded', () => {
  it('cuts a string past the limit and says how much results.json holds', () => {
    expect(boundString('x'.repeat(10))).toBe('x'.repeat(10));
    const cut = boundString('y'.repeat(MAX_REPORT_STRING_CHARS + 500));
    expect(cut.startsWith('y'.repeat(MAX_REPORT_STRING_CHARS) + ' … [500 more characters')).toBe(true);
    expect(cut.length).toBeLessThan(MAX_REPORT_STRING_CHARS + 100);
  });

  it('copies, leaving the input whole, numbers and booleans as they are, and non-plain objects untouched', () => {
    const when = new Date(0);
    const input = { a: ['z'.repeat(MAX_REPORT_STRING_CHARS * 2), 3, true, null], b: { c: 'short' }, when };
    const out = boundStrings(input);
    expect(input.a[0]).toHaveLength(MAX_REPORT_STRING_CHARS * 2);
    expect((out.a[0] as string).length).toBeLessThan(MAX_REPORT_STRING_CHARS + 100);
    expect(out.a.slice(1)).toEqual([3, true, null]);
    expect(out.b).toEqual({ c: 'short' });
    expect(out.when).toBe(when);
  });

  it('a 10 MB reason is not copied whole into the page', () => {
    const r = sample();
    const huge = 'R'.repeat(10 * 1024 * 1024);
    r.cases[0]!.reason = huge;
    const html = renderReport(r, { generatedAt: '2026-12-02T00:00:00Z' });
    expect(html).not.toContain('R'.repeat(MAX_REPORT_STRING_CHARS + 1));
    expect(html).toContain(`[${huge.length - MAX_REPORT_STRING_CHARS} more characters in results.json]`);
    expect(html.length).toBeLessThan(3 * 1024 * 1024);
  });
});

describe('a large run', () => {
  it('draws details for the cases that need reading first, a FAIL at the very end included', () => {
    const r = largeRun(REPORT_DETAILED_CASES + 50);
    const chosen = detailedCases(r.cases);
    expect(chosen.size).toBe(REPORT_DETAILED_CASES);
    expect(chosen.has(r.cases.length - 1)).toBe(true);
    const view = buildReportView(r, { catalogue: loadCatalogue() });
    const last = view.cases[view.cases.length - 1]!;
    expect(last.verdict).toBe('FAIL');
    expect(last.detailNote).toBe('');
    const left = view.cases.filter((c) => c.detailNote !== '');
    expect(left).toHaveLength(50);
    for (const c of left) {
      expect(c.hasShapes).toBe(false);
      expect(c.hasDetails).toBe(false);
      expect(c.transcript).toBe('');
      // The verdict, the reason and the checks stay for every case.
      expect(c.reason.length).toBeGreaterThan(0);
    }
  });

  it('a small run keeps every detail', () => {
    const view = buildReportView(sample(), { catalogue: loadCatalogue() });
    expect(view.cases.every((c) => c.detailNote === '')).toBe(true);
  });

  it('links a bounded number of cases per requirement row, saying how many more', () => {
    const n = REPORT_CASES_PER_REQUIREMENT + 40;
    const view = buildReportView(largeRun(n), { catalogue: loadCatalogue() });
    const busy = view.requirements.filter((q) => q.moreCases !== '');
    expect(busy.length).toBeGreaterThan(0);
    for (const q of busy) expect(q.cases).toHaveLength(REPORT_CASES_PER_REQUIREMENT);
    // The failing case is linked wherever it is tested, though it comes last.
    const failId = view.cases[n - 1]!.id;
    for (const q of view.requirements.filter((q) => q.moreCases !== '')) {
      const testsIt = largeRun(n).cases[n - 1]!.requirements.includes(q.id);
      if (testsIt) expect(q.cases.map((c) => c.id)).toContain(failId);
    }
  });

  it('5,000 cases give a page of bounded size: every case present, its verdict and reason', () => {
    const r = largeRun(5000);
    const html = renderReport(r, { generatedAt: '2026-12-02T00:00:00Z' });
    const articles = html.match(/<article class="case /g) ?? [];
    expect(articles).toHaveLength(5000);
    // Before the bounds every case carried its drawings and ASN.1 details (about 14 KB each: 70 MB here).
    expect(html.length).toBeLessThan(40 * 1024 * 1024);
  });
});
