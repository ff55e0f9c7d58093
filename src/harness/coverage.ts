/**
 * Requirement coverage, computed rather than claimed (issue 5, issue 13): a MUST / MUST NOT requirement is
 * covered when at least one case that tests it PASSES on it against a conforming implementation (the
 * reference gateway over SMTP; for the client requirements of draft 4, the engine's own CLI through the
 * command adapter) and at least one seeded fault that breaks it is caught by a case FAILING on that
 * requirement's own check (a faulty gateway variant, or a faulty client, test/fixtures/clients).
 *
 * A fault counts for a requirement only where it breaks that requirement (the fault's `requirement` and
 * `related`) and a failed MUST-level check names it: a fault that makes every case of a role fail (no
 * verdict header at all) is not counted for each requirement those cases declare. A case passes a
 * requirement only where it was observed: a check on it that is NOT TESTED does not count.
 * Requirements that cannot be tested say why in the catalogue and are reported apart.
 */
import type { CaseResult } from './model.js';
import type { RunResults } from './run.js';
import { requirementCatalogue } from './catalogue.js';
import { outcomeOf } from './checks/messages.js';

export interface RequirementCoverage {
  id: string;
  level: string;
  /** Cases that test it and passed on it against the reference. */
  passedBy: string[];
  /** fault name -> cases that failed on its check against that faulty implementation. */
  caughtBy: Record<string, string[]>;
  untestable?: string;
  covered: boolean;
}

/** A faulty run, and the requirements the fault breaks (its `requirement` and `related`). */
export interface FaultyRun {
  run: RunResults;
  breaks: readonly string[];
}

/** Did this PASSED case observe the requirement: a check on it passed (or was acceptable), or it is declared and no check on it was unobservable. */
function passesOn(r: CaseResult, id: string): boolean {
  if (r.verdict !== 'PASS') return false;
  const named = r.checks.filter((c) => c.requirement === id);
  if (named.length) return named.some((c) => outcomeOf(c) === 'pass' || outcomeOf(c) === 'acceptable');
  return r.requirements.includes(id);
}

/** A FAILED case whose failing MUST-level check names the requirement. */
function failsOn(r: CaseResult, id: string): boolean {
  return r.verdict === 'FAIL' && r.checks.some((c) => outcomeOf(c) === 'fail' && c.strength === 'MUST' && c.requirement === id);
}

/**
 * `reference`: the runs against conforming implementations (several: both policies of the reference
 * gateway, the reference client); `faulty`: fault name -> the run against that faulty implementation and
 * the requirements the fault breaks.
 */
export function computeCoverage(reference: RunResults | readonly RunResults[], faulty: Record<string, FaultyRun>): RequirementCoverage[] {
  const references = Array.isArray(reference) ? (reference as readonly RunResults[]) : [reference as RunResults];
  const out: RequirementCoverage[] = [];
  for (const req of requirementCatalogue().values()) {
    if (req.level !== 'MUST' && req.level !== 'MUST NOT') continue;
    const untestable = req.untestable;
    const passedBy = [...new Set(references.flatMap((run) => run.cases.filter((r) => passesOn(r, req.id)).map((r) => r.id)))];
    const caughtBy: Record<string, string[]> = {};
    for (const [fault, { run, breaks }] of Object.entries(faulty)) {
      if (!breaks.includes(req.id)) continue;
      const ids = run.cases.filter((r) => failsOn(r, req.id)).map((r) => r.id);
      if (ids.length) caughtBy[fault] = ids;
    }
    const c: RequirementCoverage = { id: req.id, level: req.level, passedBy, caughtBy, covered: !!untestable || (passedBy.length > 0 && Object.keys(caughtBy).length > 0) };
    if (untestable) c.untestable = untestable;
    out.push(c);
  }
  return out;
}
