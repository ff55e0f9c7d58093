/**
 * What the HTML report takes from a results file, bounded (issue 12: 2,000 cases gave a 24 MB report that
 * took 85 s to open in Chromium, 20,000 cases one that Chromium did not load, and a 10 MB reason string was
 * copied whole). results.json keeps everything; the report is for reading, so it shows:
 * - every string up to MAX_REPORT_STRING_CHARS, then says how much more results.json holds;
 * - the drawings, the layers in detail and the SMTP transcript for at most REPORT_DETAILED_CASES cases, the
 *   ones that need reading first (FAIL, ERROR, WARN, NOT TESTED, SKIP, then PASS); every other case keeps its
 *   verdict, reason, checks and evidence summary;
 * - at most REPORT_CASES_PER_REQUIREMENT case links per requirement row, the non-passing ones first.
 */
import type { CaseResult } from '../harness/model.js';

/** A reason, a transcript or an error text longer than this is cut: a page is read, not searched. */
export const MAX_REPORT_STRING_CHARS = 4096;
/** About 8 KB of HTML each (drawings and ASN.1 details): 400 keep the report's detail part near 3 MB. */
export const REPORT_DETAILED_CASES = 400;
/** Links per requirement row of the matrix: past this the row says how many more cases test it. */
export const REPORT_CASES_PER_REQUIREMENT = 100;

/** The order in which cases earn their details: what a reader must look at first. */
const DETAIL_PRIORITY: Record<string, number> = { FAIL: 0, ERROR: 1, WARN: 2, 'NOT TESTED': 3, SKIP: 4, PASS: 5 };

export function priority(verdict: string): number {
  return DETAIL_PRIORITY[verdict] ?? 0;
}

/** The indexes of the cases whose details the report draws. */
export function detailedCases(cases: readonly CaseResult[], limit = REPORT_DETAILED_CASES): Set<number> {
  const order = cases.map((c, i) => ({ p: priority(c.verdict), i })).sort((a, b) => a.p - b.p || a.i - b.i);
  return new Set(order.slice(0, limit).map((x) => x.i));
}

/** A string cut to `max` characters, saying how many more the results file holds. */
export function boundString(s: string, max = MAX_REPORT_STRING_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)} … [${s.length - max} more characters in results.json]`;
}

/** A copy of a JSON value with every string bounded (results are JSON data: no cycles). */
export function boundStrings<T>(value: T, max = MAX_REPORT_STRING_CHARS): T {
  if (typeof value === 'string') return boundString(value, max) as T;
  if (Array.isArray(value)) return value.map((v) => boundStrings(v, max)) as T;
  // Plain objects only: anything else (a Date, a Buffer) is passed through as it is.
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = boundStrings(v, max);
    return out as T;
  }
  return value;
}
