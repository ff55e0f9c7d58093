/**
 * Section 5 (N7): "If local policy does not require the message to be encrypted ... but there is an
 * envelopedData at a lower level within the message then the 'domain signature' MUST be encapsulated by an
 * envelopedData". The domain signature, not the message: a re-added mailing-list layer may lie above the
 * envelope (S[-,ml](E(S[domainSig](...)))). Under a policy that encrypts everything the domain signature is
 * enveloped anyway: the rule cannot be observed, so the check is NOT TESTED, never PASS (N16).
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import { layerChain, type Layer } from '../../message/layers.js';
import { isDomainSignature, signatureTypesOf } from '../../domsec/signature-type.js';

export function lowerEnvelopeCheck(policy: 'encrypt' | 'noEncrypt', out: Layer, shape: string): Check {
  if (policy === 'encrypt') return check('lower-envelope', 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED', 'not-tested', { found: shape });
  const chain = layerChain(out);
  const domainSigned = chain.findIndex((l) => (l.kind === 'signedData' || l.kind === 'multipartSigned') && l.sd.signerInfos.some((si) => isDomainSignature(signatureTypesOf(si))));
  const enveloped = domainSigned > 0 && chain.slice(0, domainSigned).some((l) => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData');
  return check('lower-envelope', 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED', enveloped, { expected: 'E(S[domainSig](...)) at the domain signature', found: shape });
}
