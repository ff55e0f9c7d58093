/**
 * The SignatureType signed attribute (draft 3.1.1, N1, N2):
 *
 *   id-aa-signatureType OBJECT IDENTIFIER ::= { 1 2 840 113549 1 9 16 2 28 }   -- N1
 *   SignatureType ::= SEQUENCE OF OBJECT IDENTIFIER
 *
 * with the values id-sti-originatorSig, id-sti-domainSig, id-sti-addAttribSig, id-sti-reviewSig (N2).
 */
import * as asn1js from 'asn1js';
import * as O from '../asn1/oids.js';
import { attribute, children, isTag, oid, seq } from '../cms/der.js';
import { attributeValues, type ParsedSignerInfo } from '../cms/signed-data.js';
import type { ReasonCode } from './reasons.js';

export const KNOWN_SIGNATURE_TYPES = [O.id_sti_originatorSig, O.id_sti_domainSig, O.id_sti_addAttribSig, O.id_sti_reviewSig] as const;

/** Encode a SignatureType attribute; the engine only ever generates [id-sti-domainSig] (Appendix A, N2). */
export function signatureTypeAttribute(values: string[], attrType: string = O.id_aa_signatureType): Buffer {
  return attribute(attrType, [seq(...values.map(oid))]);
}

export interface SignatureTypeInfo {
  /** Values from the (first) signed SignatureType attribute; empty when there is none. */
  values: string[];
  /** Whether a signed SignatureType attribute is present. */
  present: boolean;
  /** Canonical form for the "same content" comparison across SignerInfos (draft 3.1.1). */
  canonical: string;
  reasons: ReasonCode[];
}

function decodeValues(values: asn1js.BaseBlock[]): string[] | undefined {
  const out: string[] = [];
  for (const v of values) {
    if (!isTag(v, 1, 16) || !v.idBlock.isConstructed) return undefined;
    for (const o of children(v)) {
      if (!(o instanceof asn1js.ObjectIdentifier)) return undefined;
      out.push(o.valueBlock.toString());
    }
  }
  return out;
}

export function signatureTypesOf(si: ParsedSignerInfo): SignatureTypeInfo {
  const reasons: ReasonCode[] = [];
  const signed = attributeValues(si.signedAttrs, O.id_aa_signatureType);
  if (attributeValues(si.unsignedAttrs, O.id_aa_signatureType).length > 0) reasons.push('STYPE_UNSIGNED');
  if (attributeValues(si.signedAttrs, O.id_aa_signatureType_misprint).length > 0) reasons.push('STYPE_MISPRINTED_OID');
  if (signed.length > 1) reasons.push('STYPE_MULTIPLE');
  let values: string[] = [];
  if (signed.length > 0) {
    const decoded = decodeValues(signed[0]!.values);
    if (decoded === undefined) reasons.push('STYPE_MALFORMED');
    else values = decoded;
  }
  if (values.includes(O.id_sti_addAttribSig) && values.length > 1) reasons.push('STYPE_ADDATTRIB_COMBINED');
  const canonical = signed.map((a) => a.raw.toString('hex')).join('|');
  return { values, present: signed.length > 0, canonical, reasons };
}

export function isDomainSignature(info: SignatureTypeInfo): boolean {
  return info.values.includes(O.id_sti_domainSig);
}
