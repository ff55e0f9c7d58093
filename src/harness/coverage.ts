/**
 * Requirement coverage, computed rather than claimed (issue 5): a MUST / MUST NOT requirement is covered
 * when at least one case that tests it PASSES against a conforming implementation (the reference
 * gateway over SMTP; for the client requirements of draft 4, the engine's own CLI through the command
 * adapter) and at least one case FAILS on it against a violating one (a seeded faulty gateway variant,
 * or a seeded faulty client, test/fixtures/clients). Requirements that cannot be tested say why in the
 * catalogue and are reported apart.
 */
import type { CaseResult } from './model.js';
import type { RunResults } from './run.js';
import { requirementCatalogue } from './results.js';

export interface RequirementCoverage {
  id: string;
  level: string;
  /** Cases that test it and passed against the reference gateway. */
  passedBy: string[];
  /** fault name -> cases that failed on it against that faulty gateway. */
  caughtBy: Record<string, string[]>;
  untestable?: string;
  covered: boolean;
}

/** Does this case result speak to this requirement? Its declared requirements, or a check naming it. */
function tests(r: CaseResult, id: string): boolean {
  return r.requirements.includes(id) || r.checks.some((c) => c.requirement === id);
}
/** A FAILED case that tests it: a failing check names it, or it is among the case's declared requirements. */
function failsOn(r: CaseResult, id: string): boolean {
  return r.verdict === 'FAIL' && (r.requirements.includes(id) || r.checks.some((c) => !c.ok && c.requirement === id));
}

/**
 * `reference`: the runs against conforming implementations (several: both policies of the reference
 * gateway, the reference client); `faulty`: fault name -> the run against that faulty implementation.
 */
export function computeCoverage(reference: RunResults | readonly RunResults[], faulty: Record<string, RunResults>): RequirementCoverage[] {
  const references = Array.isArray(reference) ? (reference as readonly RunResults[]) : [reference as RunResults];
  const out: RequirementCoverage[] = [];
  for (const req of requirementCatalogue().values()) {
    if (req.level !== 'MUST' && req.level !== 'MUST NOT') continue;
    const untestable = (req as { untestable?: string }).untestable;
    const passedBy = [...new Set(references.flatMap((run) => run.cases.filter((r) => r.verdict === 'PASS' && tests(r, req.id)).map((r) => r.id)))];
    const caughtBy: Record<string, string[]> = {};
    for (const [fault, res] of Object.entries(faulty)) {
      const ids = res.cases.filter((r) => failsOn(r, req.id)).map((r) => r.id);
      if (ids.length) caughtBy[fault] = ids;
    }
    const c: RequirementCoverage = { id: req.id, level: req.level, passedBy, caughtBy, covered: !!untestable || (passedBy.length > 0 && Object.keys(caughtBy).length > 0) };
    if (untestable) c.untestable = untestable;
    out.push(c);
  }
  return out;
}
