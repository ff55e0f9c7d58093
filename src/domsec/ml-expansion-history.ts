/**
 * The ESS mlExpansionHistory signed attribute (RFC 2634 2.10), which Section 5 of the draft searches for:
 *
 *   MLExpansionHistory ::= SEQUENCE SIZE (1..ub-ml-expansion-history) OF MLData
 *   MLData ::= SEQUENCE {
 *     mailListIdentifier EntityIdentifier,
 *     expansionTime GeneralizedTime,
 *     mlReceiptPolicy MLReceiptPolicy OPTIONAL }
 *   EntityIdentifier ::= CHOICE { issuerAndSerialNumber IssuerAndSerialNumber, subjectKeyIdentifier SubjectKeyIdentifier }
 */
import * as O from '../asn1/oids.js';
import { attribute, children, generalizedTime, isTag, octets, seq } from '../cms/der.js';
import { attributeValues, type ParsedSignerInfo } from '../cms/signed-data.js';
import { UB_ML_EXPANSION_HISTORY } from '../limits.js';
import type { ReasonCode } from './reasons.js';

export interface MLDataInput {
  /** Either the DER of an IssuerAndSerialNumber or a subjectKeyIdentifier value. */
  issuerAndSerialNumber?: Buffer;
  subjectKeyIdentifier?: Buffer;
  expansionTime: Date;
}

export function mlExpansionHistoryAttribute(entries: MLDataInput[]): Buffer {
  const data = entries.map((e) => seq(e.issuerAndSerialNumber ?? octets(e.subjectKeyIdentifier ?? Buffer.alloc(0)), generalizedTime(e.expansionTime)));
  return attribute(O.id_aa_mlExpandHistory, [seq(...data)]);
}

export interface MlExpansionInfo {
  /** A signed mlExpansionHistory is present (an unsigned one does not count, RFC 2634 2.10). */
  present: boolean;
  entries: number;
  canonical: string;
  reasons: ReasonCode[];
}

export function mlExpansionHistoryOf(si: ParsedSignerInfo): MlExpansionInfo {
  const reasons: ReasonCode[] = [];
  if (attributeValues(si.unsignedAttrs, O.id_aa_mlExpandHistory).length > 0) reasons.push('MLEH_UNSIGNED');
  const signed = attributeValues(si.signedAttrs, O.id_aa_mlExpandHistory);
  let entries = 0;
  if (signed[0]) {
    const v = signed[0].values[0];
    if (signed[0].values.length !== 1 || !v || !isTag(v, 1, 16)) reasons.push('MLEH_MALFORMED');
    else {
      entries = children(v).length;
      if (entries === 0 || children(v).some((d) => !isTag(d, 1, 16))) reasons.push('MLEH_MALFORMED');
      if (entries > UB_ML_EXPANSION_HISTORY) reasons.push('MLEH_TOO_MANY');
    }
  }
  return { present: signed.length > 0, entries, canonical: signed.map((a) => a.raw.toString('hex')).join('|'), reasons };
}
