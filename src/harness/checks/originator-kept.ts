/**
 * Draft 2.3 and 3.1.1: the domain signature encapsulates the originator's signature as it is. Compared as
 * ContentInfo encodings (for multipart/signed: the detached signature): a plain-CMS-nested layer (RFC 5652
 * 5.2) is re-wrapped in one when kept; a multipart/signed must stay one.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import { contentInfoDer, layerChain, type Layer, type SignedLayer } from '../../message/layers.js';

const isSigned = (l: Layer): l is SignedLayer => (l.kind === 'signedData' || l.kind === 'multipartSigned') && l.sd.signerInfos.length > 0;

export function originatorKeptCheck(sent: Layer, out: Layer): Check {
  const sentSigned = layerChain(sent).filter(isSigned);
  const innermost = sentSigned[sentSigned.length - 1];
  const kept = innermost ? layerChain(out).some((l) => isSigned(l) && l.kind === innermost.kind && contentInfoDer(l).equals(contentInfoDer(innermost))) : true;
  return check('originator-kept', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', kept);
}
