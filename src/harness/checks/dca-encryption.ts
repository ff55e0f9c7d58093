/**
 * Outbound DCA (cases c and d, draft 4 and 4.1): relayed encrypted, with a RecipientInfo for the
 * recipient's DCA, domain-signed before encryption (SHOULD).
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import { certRef } from '../../cms/cert-ref.js';
import { recipientInfoMatches } from '../../cms/recipient-info.js';
import { layerChain, type EnvelopeLayer, type Layer } from '../../message/layers.js';
import { isDomainSignature, signatureTypesOf } from '../../domsec/signature-type.js';

export function domainSignatureCount(root: Layer | undefined): number {
  if (!root) return 0;
  return layerChain(root)
    .flatMap((l) => (l.kind === 'signedData' || l.kind === 'multipartSigned' ? l.sd.signerInfos : []))
    .filter((si) => isDomainSignature(signatureTypesOf(si))).length;
}

export function topEnvelope(root: Layer): EnvelopeLayer | undefined {
  return root.kind === 'envelopedData' || root.kind === 'authEnvelopedData' ? root : undefined;
}

export function dcaEncryptionChecks(root: Layer, shape: string, remoteDcaCert: Buffer | undefined): Check[] {
  const top = topEnvelope(root);
  const checks = [check('encrypted', 'DOMSEC-4-DCA-CASES', !!top, { expected: 'E(...)', found: shape })];
  if (!top) return checks;
  if (remoteDcaCert) {
    const ref = certRef(remoteDcaCert);
    checks.push(check('recipient-info', 'DOMSEC-4.1-RECIPIENT-INFO', top.env.recipientInfos.some((ri) => recipientInfoMatches(ri, ref))));
  }
  checks.push(check('sign-before-encrypt', 'DOMSEC-4-SIGN-BEFORE-ENCRYPT', !!top.inner && domainSignatureCount(top.inner) > 0));
  return checks;
}
