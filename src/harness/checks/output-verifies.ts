/**
 * What a domain signer relays must verify at the suite's trust anchors: a domain signature that fails
 * (signature value, path, naming) does not adhere to 2.4 (draft 3.2: "The signature MUST adhere to the
 * naming conventions in Section 2.4").
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import { REASONS } from '../../domsec/reasons.js';
import type { VerificationReport } from '../../domsec/verify.js';

export function outputVerifiesCheck(report: VerificationReport): Check {
  const fails = report.reasons.filter((r) => REASONS[r].outcome === 'fail');
  return check('output-verifies', 'DOMSEC-3.2-ADHERE-NAMING', fails.length === 0, { detail: fails.join(', ') });
}
