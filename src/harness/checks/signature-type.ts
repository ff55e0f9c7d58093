/**
 * SignatureType on the domain signature the gateway made (draft 3.1, 3.1.1): present with id-sti-domainSig,
 * one instance, the same content in every SignerInfo, and signed.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { SignerReport, VerificationReport } from '../../domsec/verify.js';

export function signatureTypePresentCheck(report: VerificationReport): Check {
  return check('signature-type-present', 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', report.domainSignatures > 0);
}

export function signatureTypeRulesCheck(outer: SignerReport): Check {
  const st = outer.reasons.filter((r) => r.startsWith('STYPE_'));
  return check('signature-type-rules', st.includes('STYPE_INCONSISTENT') ? 'DOMSEC-3.1.1-SAME-CONTENT' : 'DOMSEC-3.1.1-SINGLE-INSTANCE', st.length === 0, { detail: st.join(', ') });
}

export function signatureTypeSignedCheck(report: VerificationReport): Check {
  const unsigned = report.layers.some((l) => l.signers.some((s) => s.reasons.includes('STYPE_UNSIGNED')));
  return check('signature-type-signed', 'DOMSEC-3.1.1-SIGNED-ATTRIBUTE', !unsigned);
}
