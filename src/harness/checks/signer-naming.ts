/** Draft 3.2: "An entity generating a domain signature MUST do so using a certificate containing a subject name that follows the naming convention" (2.4, N10, N11). */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { SignerReport } from '../../domsec/verify.js';

export function signerNamingCheck(outer: SignerReport): Check {
  const naming = outer.reasons.filter((r) => r.startsWith('NAMING_') || r === 'CERT_KEY_USAGE_NOT_SIGNING');
  return check('signer-naming', 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING', naming.length === 0, { detail: naming.join(', ') });
}
