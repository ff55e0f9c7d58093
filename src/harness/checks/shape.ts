/**
 * The layers Section 5 prescribes for the input (the 5.1 examples, the model's orderings). E and A are both
 * "encrypted" (a gateway may choose AuthEnvelopedData). The SignatureType of the re-added outer layer
 * (Examples 4 and 6) is the gateway's choice (the draft does not say who signs it, N6): a domainSig there
 * or none both pass, and the check says which was seen.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { RequirementId } from '../requirement-ids.js';

/** E and A are both "encrypted" for the rules: a gateway may choose AuthEnvelopedData. */
export const normalizeShape = (s: string): string => s.replace(/A\(/g, 'E(');

/** The signature types of a layer carrying mlExpansionHistory (`S[...,ml]`) left open (N6). */
const freeMlLayer = (s: string): string => s.replace(/(S|M)\[[^\]]*,ml\]/g, '$1[*,ml]');

export function shapeCheck(requirement: RequirementId, expected: string, found: string): Check {
  const e = normalizeShape(expected);
  const f = normalizeShape(found);
  if (e === f) return check('shape', requirement, true, { expected, found });
  if (freeMlLayer(e) === freeMlLayer(f)) {
    return check('shape', requirement, 'acceptable', { expected, found, detail: 'the re-added outer layer is signed with other SignatureType values than the reference uses: the draft leaves that open (N6)' });
  }
  return check('shape', requirement, false, { expected, found });
}
