/**
 * Case (c) (draft 4: "the originator's DCA encrypts the message for the end recipient"; 4.1: "the recipient
 * DCA's certificate or the end recipient's certificate"): the outer envelope has a RecipientInfo for the end
 * recipient's own certificate, the one the profile says the gateway holds for that address.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import { certRef } from '../../cms/cert-ref.js';
import { recipientInfoMatches } from '../../cms/recipient-info.js';
import type { Layer } from '../../message/layers.js';
import { topEnvelope } from './dca-encryption.js';

export function endRecipientInfoCheck(root: Layer, endRecipientCert: Buffer | undefined): Check {
  const top = topEnvelope(root);
  if (!top) return check('end-recipient-info', 'DOMSEC-4.1-RECIPIENT-INFO', 'not-tested', { detail: 'the message was not encrypted' });
  if (!endRecipientCert) return check('end-recipient-info', 'DOMSEC-4.1-RECIPIENT-INFO', 'not-tested', { detail: "the end recipient's certificate is not known to the grader" });
  const ref = certRef(endRecipientCert);
  const n = top.env.recipientInfos.length;
  return check('end-recipient-info', 'DOMSEC-4.1-RECIPIENT-INFO', top.env.recipientInfos.some((ri) => recipientInfoMatches(ri, ref)), { detail: `${n} RecipientInfo(s) in the outer ${top.kind}` });
}
