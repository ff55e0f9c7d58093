/**
 * Inbound: the receiving agent's verdict, as its verdict header says it (N14). A violation the draft says
 * MUST be flagged (2.4) is a MUST; where the draft leaves the receiver a choice (3.2: it "is not necessary
 * to verify" the signatures a domain signature encapsulates, N16; RFC 5652 5.1 on several SignerInfos of
 * one signer) the other behaviour is `acceptable` and the check says which one was seen.
 */
import { check } from './check.js';
import type { Check, Expectation } from '../model.js';
import type { RequirementId } from '../requirement-ids.js';

type VerdictExpectation = Extract<Expectation, { kind: 'verdict' }>;

/**
 * `also`: the other MUST-level receiving requirements a violation case tests (e.g. 2.4's flag, verify and
 * check-naming rules for a foreign domain signer): not flagging the violation breaks each of them, so the
 * flag check is made once per requirement. Not for the verdict header's absence, which is one fault.
 */
export function verdictChecks(e: VerdictExpectation, requirement: RequirementId, found: string | undefined, namedHeader: boolean, also: readonly RequirementId[] = []): Check[] {
  const wantFlag = e.verdict !== 'pass';
  const flagged = found !== undefined && found !== 'pass';
  const acceptable = found !== undefined && (e.acceptable ?? []).some((v) => (v === 'pass' ? !flagged : flagged));
  const acceptableRequirement = e.acceptableRequirement ?? requirement;
  if (found === undefined) {
    // No header: for mail that must be flagged, the violation was not flagged; for good mail, nothing says it was verified (N14).
    if (acceptable || (e.acceptable ?? []).includes('pass')) return [check('verdict', acceptableRequirement, 'acceptable', { expected: `smime=${e.verdict}`, found: '(none)', detail: `no verdict header: acceptable, ${e.acceptableWhy ?? ''}` })];
    return [check('verdict-header', requirement, false, { expected: `smime=${e.verdict}`, found: '(none)' })];
  }
  const checks: Check[] = [check('verdict-header', requirement, true, { found })];
  const each = wantFlag ? [requirement, ...also] : [requirement];
  if (wantFlag === flagged) {
    // Which smime value flags it (fail, policy, ...) is the project's convention (N14), not the draft's words: not graded.
    for (const r of each) checks.push(check('verdict', r, true, { expected: e.verdict, found, detail: flagged ? `flagged (smime=${found}${!namedHeader && found !== e.verdict ? `; the reference flags ${e.verdict}, N14` : ''})` : 'not flagged' }));
  } else if (acceptable) {
    checks.push(check('verdict', acceptableRequirement, 'acceptable', { expected: e.verdict, found, detail: `${flagged ? `flagged (smime=${found})` : 'not flagged (smime=pass)'}: acceptable, ${e.acceptableWhy ?? ''}` }));
  } else {
    for (const r of each) checks.push(check('verdict', r, false, { expected: e.verdict, found, detail: flagged ? `a valid message was flagged (smime=${found})` : `a violation was not flagged (smime=pass, expected ${e.verdict})` }));
  }
  return checks;
}
