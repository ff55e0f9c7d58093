/** Draft 3.1.1: "A domain signature MUST encapsulate other signatures" (an empty layer counts, N12). */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { VerificationReport } from '../../domsec/verify.js';

export function encapsulatesCheck(report: VerificationReport): Check {
  return check('encapsulates', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', !report.reasons.includes('DOMAIN_SIG_ENCAPSULATES_NOTHING'));
}
