/**
 * Draft 3.2: "If the originator's authenticity is not successfully verified or all the signatures present
 * are not valid, a 'domain signature' MUST NOT be generated." Refusing at SMTP, accepting without relaying,
 * or relaying without a new domain signature all satisfy it.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { RequirementId } from '../requirement-ids.js';
import type { SubmitResult } from '../../smtp/submit.js';

export function refusalCheck(requirement: RequirementId, smtp: SubmitResult, relayed: number, domainSignaturesBefore: number, domainSignaturesAfter: number | undefined): Check {
  if (!smtp.accepted) return check('refusal', requirement, true, { detail: `refused at SMTP (${smtp.response})` });
  if (relayed === 0 || domainSignaturesAfter === undefined) return check('refusal', requirement, true, { detail: 'accepted and not relayed' });
  const added = domainSignaturesAfter - domainSignaturesBefore;
  return check('refusal', requirement, added <= 0, {
    expected: `${domainSignaturesBefore} domain signature(s)`,
    found: String(domainSignaturesAfter),
    detail: added > 0 ? `${added} added` : 'relayed without a new domain signature',
  });
}
