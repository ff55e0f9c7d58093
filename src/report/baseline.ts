/**
 * Accepted baselines (`domsec run --expect FILE`), the way TLS-Anvil's expected results are used in CI:
 * a vendor records the verdicts it accepts for cases that do not PASS (known, documented deviations),
 * and only a deviation from them fails the exit code.
 *
 * Rules (one function, `checkAgainstBaseline`):
 *  - a case not in the baseline is expected to PASS;
 *  - a FAIL or ERROR fails the run unless the baseline accepts exactly that verdict for the case
 *    (an accepted FAIL that now ERRORs could no longer be tested: that is a deviation too);
 *  - a result better than the accepted one (FAIL -> PASS, WARN -> PASS, ...) never fails the run; it is
 *    listed as `improved` so that the baseline can be tightened;
 *  - a case expected to PASS that is now NOT TESTED, or SKIPPED for a missing prerequisite, is a regression
 *    (issue 13: what passed must still be observed); a skip because the profile declares another role,
 *    policy, feature or originator authentication is a deliberate change, listed;
 *  - otherwise WARN and SKIP never fail the run (as without a baseline); a change to or from them is listed;
 *  - baseline entries for cases that were not run are listed as `notRun`.
 */
import { DomsecError } from '../errors.js';
import { RESULTS_FORMAT } from '../harness/results.js';
import type { CaseVerdict } from '../harness/model.js';
import type { RunResults } from '../harness/run.js';
import { EXPECTED_SCHEMA, firstSchemaError, readJsonFile, schemaValidator, validateResults } from './results-file.js';

export const EXPECTED_FORMAT = 'domsec-expected/1';

export interface BaselineEntry {
  verdict: CaseVerdict;
  why?: string;
}

export interface Baseline {
  /** Where it came from, for messages: a file path, or a description. */
  source: string;
  gateway?: string;
  cases: Map<string, BaselineEntry>;
}

export interface ExpectedFile {
  format: typeof EXPECTED_FORMAT;
  gateway?: string;
  comment?: string;
  cases: Record<string, CaseVerdict | BaselineEntry>;
}

export interface BaselineItem {
  id: string;
  /** The accepted verdict: PASS for a case the baseline does not list. */
  expected: CaseVerdict;
  found: CaseVerdict;
  /** The baseline lists the case. */
  listed: boolean;
  why?: string;
}

export interface BaselineCheck {
  source: string;
  /** FAIL / ERROR results the baseline does not accept: these fail the exit code. */
  deviations: BaselineItem[];
  /** FAIL / ERROR / WARN results the baseline accepts as they are. */
  accepted: BaselineItem[];
  /** Better than accepted: tighten the baseline. */
  improved: BaselineItem[];
  /** Other changes that do not fail the run (to or from WARN or SKIP). */
  changed: BaselineItem[];
  /** Baseline entries for cases this run did not have. */
  notRun: string[];
  exitCode: 0 | 1;
}

/** Badness of a verdict for "better than accepted": SKIP is outside the order. */
const RANK: Partial<Record<CaseVerdict, number>> = { PASS: 0, WARN: 1, 'NOT TESTED': 2, FAIL: 2, ERROR: 2 };
const FAILING = new Set<CaseVerdict>(['FAIL', 'ERROR']);

export function checkAgainstBaseline(results: RunResults, baseline: Baseline): BaselineCheck {
  const out: BaselineCheck = { source: baseline.source, deviations: [], accepted: [], improved: [], changed: [], notRun: [], exitCode: 0 };
  const ran = new Set<string>();
  for (const c of results.cases) {
    ran.add(c.id);
    const entry = baseline.cases.get(c.id);
    const expected: CaseVerdict = entry?.verdict ?? 'PASS';
    const item: BaselineItem = { id: c.id, expected, found: c.verdict, listed: !!entry, ...(entry?.why ? { why: entry.why } : {}) };
    if (c.verdict === expected) {
      if (c.verdict !== 'PASS' && c.verdict !== 'SKIP') out.accepted.push(item);
      continue;
    }
    if (FAILING.has(c.verdict)) out.deviations.push(item);
    // A PASS that is no longer observed: NOT TESTED, or SKIPPED for a missing prerequisite (a skip because the
    // profile now declares another role, policy, feature or authentication is a deliberate change, listed).
    else if (expected === 'PASS' && (c.verdict === 'NOT TESTED' || (c.verdict === 'SKIP' && c.skipKind === 'prerequisite'))) out.deviations.push(item);
    else if (RANK[c.verdict] !== undefined && RANK[expected] !== undefined && RANK[c.verdict]! < RANK[expected]!) out.improved.push(item);
    else out.changed.push(item);
  }
  for (const id of baseline.cases.keys()) if (!ran.has(id)) out.notRun.push(id);
  out.exitCode = out.deviations.length > 0 ? 1 : 0;
  return out;
}

/** "accepted FAIL, now ERROR", or for a case the baseline does not list "not in the baseline, now FAIL". */
export function itemText(i: BaselineItem): string {
  return `${i.listed ? `accepted ${i.expected}` : 'not in the baseline'}, now ${i.found}${i.why ? ` (${i.why})` : ''}`;
}

/** The baseline that accepts a run as it is: every case that did not PASS, with its verdict. */
export function baselineFromResults(results: RunResults, why?: string): ExpectedFile {
  const cases: ExpectedFile['cases'] = {};
  for (const c of results.cases) if (c.verdict !== 'PASS') cases[c.id] = why ? { verdict: c.verdict, why } : c.verdict;
  return { format: EXPECTED_FORMAT, gateway: results.meta.gateway, comment: `accepted from run ${results.meta.runId} of ${results.meta.startedAt} (domsec-suite ${results.meta.suiteVersion})`, cases };
}

/** A baseline from parsed JSON: domsec-expected/1, or a whole results.json (domsec-results/1). */
export function parseBaseline(data: unknown, source: string): Baseline {
  const format = data && typeof data === 'object' ? (data as { format?: unknown }).format : undefined;
  if (format === RESULTS_FORMAT) {
    const r = validateResults(data, source);
    return { source, gateway: r.meta.gateway, cases: new Map(r.cases.map((c) => [c.id, { verdict: c.verdict }])) };
  }
  if (format !== EXPECTED_FORMAT) {
    throw new DomsecError('BAD_ARGUMENT', `${source}: not an accepted baseline (format ${typeof format === 'string' ? JSON.stringify(format) : 'missing'}; expected ${EXPECTED_FORMAT} or ${RESULTS_FORMAT})`);
  }
  const v = schemaValidator(EXPECTED_SCHEMA);
  if (!v(data)) throw new DomsecError('BAD_ARGUMENT', `${source}: ${firstSchemaError(v)} (schema ${EXPECTED_FORMAT})`);
  const f = data as ExpectedFile;
  const cases = new Map<string, BaselineEntry>();
  for (const [id, e] of Object.entries(f.cases)) cases.set(id, typeof e === 'string' ? { verdict: e } : e);
  return { source, ...(f.gateway !== undefined ? { gateway: f.gateway } : {}), cases };
}

export function readBaseline(path: string): Baseline {
  return parseBaseline(readJsonFile(path, 'baseline'), path);
}
