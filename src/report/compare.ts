/**
 * Comparing two runs (`domsec report --compare OLD NEW`), case by case (by id): what newly fails, what
 * newly passes, what else changed, and which cases appeared or disappeared (a suite upgrade, another
 * selection of suites).
 *
 *  newlyFailing   now FAIL or ERROR, before neither
 *  newlyPassing   now PASS, before not
 *  changed        any other change of verdict (PASS -> WARN, FAIL -> ERROR, PASS -> SKIP, ...)
 */
import type { CaseVerdict } from '../harness/model.js';
import type { RunResults } from '../harness/run.js';

export interface VerdictChange {
  id: string;
  title: string;
  before: CaseVerdict;
  after: CaseVerdict;
  /** The newer run's reason (why it fails now, say). */
  reason: string;
}

export interface CaseRef {
  id: string;
  title: string;
  verdict: CaseVerdict;
}

export interface Comparison {
  old: { gateway: string; runId: string; startedAt: string; suiteVersion: string; total: number };
  new: { gateway: string; runId: string; startedAt: string; suiteVersion: string; total: number };
  newlyFailing: VerdictChange[];
  newlyPassing: VerdictChange[];
  changed: VerdictChange[];
  appeared: CaseRef[];
  disappeared: CaseRef[];
  unchanged: number;
  /** 1 when something newly fails (for CI), else 0. */
  exitCode: 0 | 1;
}

const FAILING = new Set<CaseVerdict>(['FAIL', 'ERROR']);
const side = (r: RunResults) => ({ gateway: r.meta.gateway, runId: r.meta.runId, startedAt: r.meta.startedAt, suiteVersion: r.meta.suiteVersion, total: r.cases.length });

export function compareResults(older: RunResults, newer: RunResults): Comparison {
  const before = new Map(older.cases.map((c) => [c.id, c]));
  const after = new Set(newer.cases.map((c) => c.id));
  const out: Comparison = { old: side(older), new: side(newer), newlyFailing: [], newlyPassing: [], changed: [], appeared: [], disappeared: [], unchanged: 0, exitCode: 0 };
  for (const c of newer.cases) {
    const b = before.get(c.id);
    if (!b) {
      out.appeared.push({ id: c.id, title: c.title, verdict: c.verdict });
      continue;
    }
    if (b.verdict === c.verdict) {
      out.unchanged++;
      continue;
    }
    const change: VerdictChange = { id: c.id, title: c.title, before: b.verdict, after: c.verdict, reason: c.reason };
    if (FAILING.has(c.verdict) && !FAILING.has(b.verdict)) out.newlyFailing.push(change);
    else if (c.verdict === 'PASS') out.newlyPassing.push(change);
    else out.changed.push(change);
  }
  for (const c of older.cases) if (!after.has(c.id)) out.disappeared.push({ id: c.id, title: c.title, verdict: c.verdict });
  out.exitCode = out.newlyFailing.length > 0 ? 1 : 0;
  return out;
}
