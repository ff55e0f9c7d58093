/**
 * What every check module gets and how it makes a check. A check names the catalogued requirement it
 * tests (a RequirementId: a name that is not catalogued does not compile) and takes its strength from that
 * requirement's level (src/harness/catalogue.ts, N16); its text comes from messages.ts.
 */
import { strengthOf } from '../catalogue.js';
import type { RequirementId } from '../requirement-ids.js';
import type { Check, CheckOutcome } from '../model.js';
import { renderCheck, type CheckKind } from './messages.js';
import type { Layer } from '../../message/layers.js';
import type { VerificationReport } from '../../domsec/verify.js';
import type { CaseDecl } from '../model.js';
import type { GradeContext } from '../grade.js';

/** A relayed message as the grader holds it: parsed once, verified once, its verdict header read once. */
export interface Received {
  root?: Layer;
  error?: string;
  shape: string;
  smime: string[];
  verification?: VerificationReport;
  /** RFC 7281 `smime-identifier` values of its Authentication-Results (draft 3.2's originator name). */
  smimeIdentifiers?: string[];
}

export interface CheckInput {
  decl: CaseDecl;
  g: GradeContext;
  /** The message the suite sent, parsed and opened with the suite's keys. */
  sent?: Layer;
  /** The one message relayed (parsed), for checks of an output. */
  out: Received & { root: Layer };
  /** Its verification report (the grader's, at the suite's trust anchors). */
  report: VerificationReport;
}

export interface CheckValues {
  expected?: string;
  found?: string;
  detail?: string;
}

/** A check on `requirement`, at that requirement's strength. */
export function check(kind: CheckKind, requirement: RequirementId, outcome: CheckOutcome | boolean, values: CheckValues = {}): Check {
  const o: CheckOutcome = typeof outcome === 'boolean' ? (outcome ? 'pass' : 'fail') : outcome;
  const c: Check = {
    kind,
    requirement,
    strength: strengthOf(requirement),
    ok: o !== 'fail',
    outcome: o,
    message: '',
    ...(values.expected !== undefined ? { expected: values.expected } : {}),
    ...(values.found !== undefined ? { found: values.found } : {}),
    ...(values.detail !== undefined ? { detail: values.detail } : {}),
  };
  c.message = renderCheck(c);
  return c;
}

/** The requirement a case names first: what its main check speaks to. */
export function primaryRequirement(decl: CaseDecl): RequirementId {
  return decl.requirements[0]!;
}
