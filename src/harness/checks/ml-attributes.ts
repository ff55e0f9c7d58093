/**
 * Section 5 and N5: the new outermost signedData carries the signed attributes of the stripped layer that
 * held mlExpansionHistory: every one of them, not only mlExpansionHistory (RFC 2634 4.2: the MLA copies all
 * signed attributes of the outer layer it replaces). contentType and messageDigest are recomputed for the
 * new content; signingTime may be kept or fresh (N5); the SignatureType of the re-added layer is the
 * gateway's choice (N6). The check says which signingTime was seen.
 *
 * Section 5 searches the outer signedData layers (above the first envelope) for mlExpansionHistory; the
 * outermost that has it is the one whose attributes the new outermost signedData carries, under an
 * envelope when the result is encrypted.
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import * as O from '../../asn1/oids.js';
import { layerChain, type Layer, type SignedLayer } from '../../message/layers.js';

const isSignedLayer = (l: Layer): l is SignedLayer => l.kind === 'signedData' || l.kind === 'multipartSigned';
const hasMl = (l: Layer): l is SignedLayer => isSignedLayer(l) && l.sd.signerInfos.some((si) => (si.signedAttrs ?? []).some((a) => a.type === O.id_aa_mlExpandHistory));
const RECOMPUTED = new Set([O.id_contentType, O.id_messageDigest]);
const EITHER = new Set([O.id_signingTime, O.id_aa_signatureType]);

/** undefined when the sent message has no mlExpansionHistory layer for Section 5 to strip. */
export function mlAttributesCheck(sent: Layer, out: Layer): Check | undefined {
  const chain = layerChain(sent);
  const firstEnvelope = chain.findIndex((l) => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData');
  const mlLayer = chain.slice(0, firstEnvelope < 0 ? undefined : firstEnvelope).find(hasMl);
  if (!mlLayer) return undefined;
  const attrs = mlLayer.sd.signerInfos.find((si) => (si.signedAttrs ?? []).some((a) => a.type === O.id_aa_mlExpandHistory))?.signedAttrs ?? [];
  const wanted = attrs.filter((a) => !RECOMPUTED.has(a.type) && !EITHER.has(a.type));
  const outer = layerChain(out).find(isSignedLayer);
  const signers = outer?.sd.signerInfos ?? [];
  const missing = wanted.filter((w) => signers.length === 0 || !signers.every((si) => (si.signedAttrs ?? []).some((a) => a.raw.equals(w.raw))));
  const name = (oid: string): string => O.OID_NAMES[oid] ?? oid;
  if (missing.length) return check('ml-attributes', 'DOMSEC-5-READD-ML-ATTRIBUTES', false, { detail: missing.map((a) => name(a.type)).join(', ') });
  const oldTime = attrs.find((a) => a.type === O.id_signingTime);
  const kept = !!oldTime && signers.every((si) => (si.signedAttrs ?? []).some((a) => a.raw.equals(oldTime.raw)));
  return check('ml-attributes', 'DOMSEC-5-READD-ML-ATTRIBUTES', true, { detail: oldTime ? (kept ? '; signingTime kept' : '; signingTime fresh (N5 allows both)') : '' });
}
