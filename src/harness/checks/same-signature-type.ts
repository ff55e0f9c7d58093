/**
 * Draft 3.1.1: "If there are multiple SignerInfos in a signedData, the SignatureType attributes in all of them
 * MUST have the same content" (DOMSEC-3.1.1-SAME-CONTENT), as seen when the gateway domain-signs with two
 * algorithms (e.g. RSA and EC signers, RFC 5652 5.6: one SignerInfo per algorithm). The check compares the
 * SignatureType attributes' DER byte for byte in every SignerInfo of the domain-signed layer. With fewer than
 * two SignerInfos there, the rule cannot be observed: NOT TESTED, never PASS.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import { layerChain, type Layer } from '../../message/layers.js';
import { isDomainSignature, signatureTypesOf } from '../../domsec/signature-type.js';

export function sameSignatureTypeCheck(root: Layer): Check {
  const layer = layerChain(root).find((l) => (l.kind === 'signedData' || l.kind === 'multipartSigned') && l.sd.signerInfos.some((si) => isDomainSignature(signatureTypesOf(si))));
  const signerInfos = layer && (layer.kind === 'signedData' || layer.kind === 'multipartSigned') ? layer.sd.signerInfos : [];
  const algorithms = new Set(signerInfos.map((si) => si.signatureAlgorithm));
  const found = `${signerInfos.length} SignerInfo(s), ${algorithms.size} signature algorithm(s)`;
  if (signerInfos.length < 2) return check('same-signature-type', 'DOMSEC-3.1.1-SAME-CONTENT', 'not-tested', { found, detail: found });
  const contents = new Set(signerInfos.map((si) => signatureTypesOf(si).canonical));
  return check('same-signature-type', 'DOMSEC-3.1.1-SAME-CONTENT', contents.size === 1, { expected: 'one SignatureType content', found, detail: `${found}, ${contents.size} distinct SignatureType content(s)` });
}
