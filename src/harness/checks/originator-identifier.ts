/**
 * Draft 3.2: "If there is an originator signature present, the name in that certificate SHOULD be used to
 * identify the originator" (DOMSEC-3.2-ORIGINATOR-NAME, SHOULD: WARN). A gateway that reports it does so with
 * the RFC 7281 `smime-identifier` property of its Authentication-Results (profile feature smime-identifier).
 * The expected name is what the grader's own verification of the sent message takes from the originator
 * signer's certificate (its e-mail address); addresses compare case-insensitively (N9).
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { VerificationReport } from '../../domsec/verify.js';

export function originatorIdentifierCheck(sent: VerificationReport | undefined, identifiers: readonly string[]): Check {
  const expected = sent?.originator.identifiedBy === 'originatorSignature' ? sent.originator.identity : undefined;
  if (!expected) return check('originator-identifier', 'DOMSEC-3.2-ORIGINATOR-NAME', 'not-tested', { detail: 'the sent message has no valid originator signature the grader can name' });
  const ok = identifiers.some((i) => i.toLowerCase() === expected.toLowerCase());
  return check('originator-identifier', 'DOMSEC-3.2-ORIGINATOR-NAME', ok, { expected, found: identifiers.length ? identifiers.join(', ') : '(none)' });
}
