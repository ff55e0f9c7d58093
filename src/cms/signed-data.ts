/**
 * SignedData (RFC 5652 5):
 *
 *   SignedData ::= SEQUENCE {
 *     version CMSVersion,
 *     digestAlgorithms DigestAlgorithmIdentifiers,
 *     encapContentInfo EncapsulatedContentInfo,
 *     certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
 *     signerInfos SignerInfos }
 *
 *   EncapsulatedContentInfo ::= SEQUENCE {
 *     eContentType ContentType,
 *     eContent [0] EXPLICIT OCTET STRING OPTIONAL }
 *
 *   SignerInfo ::= SEQUENCE {
 *     version CMSVersion,
 *     sid SignerIdentifier,
 *     digestAlgorithm DigestAlgorithmIdentifier,
 *     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
 *     signatureAlgorithm SignatureAlgorithmIdentifier,
 *     signature SignatureValue,
 *     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 *
 * This module is CMS only: it knows nothing of DOMSEC. SignatureType, mlExpansionHistory and the naming
 * rules are interpreted in src/domsec/.
 */
import type { KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import {
  attribute, children, ctx, expectSequence, integer, isTag, octets, octetStringBytes, oid, oidOf, rawOf, seq, setOf, tlv, tlvChain, time, withTag, TAG,
  type DerChain,
} from './der.js';
import { parseContentInfo } from './content-info.js';
import { certRef, issuerAndSerialNumber, matchesIssuerAndSerial, matchesSkid, type CertRef } from './cert-ref.js';
import {
  defaultDigest, digest, digestAlgorithmIdentifier, digestNameOf, resolveVerifyAlgorithm, schemeForKey, signatureAlgorithmIdentifier, signBytes,
  verifyBytes, type DigestName, type SignatureScheme,
} from '../crypto/signature.js';
import type { ReasonCode } from '../domsec/reasons.js';

// ------------------------------------------------------------------ model

export interface ParsedAttribute {
  type: string;
  values: asn1js.BaseBlock[];
  /** Exact encoding of the whole Attribute, so carried-over attributes go out unchanged (N5). */
  raw: Buffer;
}

export type SignerIdentifier =
  | { kind: 'issuerAndSerialNumber'; block: asn1js.BaseBlock }
  | { kind: 'subjectKeyIdentifier'; skid: Buffer };

export interface ParsedSignerInfo {
  index: number;
  version: number;
  sid: SignerIdentifier;
  digestAlgorithm: string;
  /** Exact [0] IMPLICIT encoding; the signature is over it with the SET tag (RFC 5652 5.4). */
  signedAttrsRaw?: Buffer;
  signedAttrs?: ParsedAttribute[];
  signatureAlgorithm: string;
  signatureParams?: asn1js.BaseBlock;
  signature: Buffer;
  unsignedAttrs?: ParsedAttribute[];
  raw: Buffer;
}

export interface ParsedSignedData {
  version: number;
  digestAlgorithms: string[];
  eContentType: string;
  /** Absent for a detached signature. */
  eContent?: Buffer;
  /** Raw DER of every X.509 certificate in the CertificateSet (other choices are skipped). */
  certificates: Buffer[];
  signerInfos: ParsedSignerInfo[];
}

function intOf(block: asn1js.BaseBlock | undefined, what: string): number {
  if (!(block instanceof asn1js.Integer)) throw new DomsecError('MALFORMED_DER', `${what}: expected an INTEGER`);
  return block.valueBlock.valueDec;
}

function parseAttributes(block: asn1js.BaseBlock, what: string): ParsedAttribute[] {
  return children(block).map((a, i) => {
    const parts = expectSequence(a, `${what}[${i}]`);
    const type = oidOf(parts[0], `${what}[${i}].attrType`);
    const set = parts[1];
    if (!set || !isTag(set, 1, 17)) throw new DomsecError('MALFORMED_DER', `${what}[${i}]: attrValues is not a SET`);
    return { type, values: children(set), raw: rawOf(a) };
  });
}

function algOf(block: asn1js.BaseBlock | undefined, what: string): { oid: string; params?: asn1js.BaseBlock } {
  const parts = expectSequence(block, what);
  const o = oidOf(parts[0], `${what}.algorithm`);
  return parts[1] ? { oid: o, params: parts[1] } : { oid: o };
}

function parseSignerInfo(block: asn1js.BaseBlock, index: number): ParsedSignerInfo {
  const what = `SignerInfo[${index}]`;
  const p = expectSequence(block, what);
  let i = 0;
  const version = intOf(p[i++], `${what}.version`);
  const sidBlock = p[i++];
  if (!sidBlock) throw new DomsecError('MALFORMED_DER', `${what}: missing sid`);
  const sid: SignerIdentifier = isTag(sidBlock, 3, 0)
    ? { kind: 'subjectKeyIdentifier', skid: octetStringBytes(sidBlock) }
    : { kind: 'issuerAndSerialNumber', block: sidBlock };
  const digestAlgorithm = algOf(p[i++], `${what}.digestAlgorithm`).oid;
  const si: Partial<ParsedSignerInfo> = { index, version, sid, digestAlgorithm, raw: rawOf(block) };
  if (p[i] && isTag(p[i]!, 3, 0)) {
    si.signedAttrsRaw = rawOf(p[i]!);
    si.signedAttrs = parseAttributes(p[i]!, `${what}.signedAttrs`);
    i++;
  }
  const sigAlg = algOf(p[i++], `${what}.signatureAlgorithm`);
  si.signatureAlgorithm = sigAlg.oid;
  if (sigAlg.params) si.signatureParams = sigAlg.params;
  const sig = p[i++];
  if (!sig || !isTag(sig, 1, 4)) throw new DomsecError('MALFORMED_DER', `${what}: signature is not an OCTET STRING`);
  si.signature = octetStringBytes(sig);
  if (p[i] && isTag(p[i]!, 3, 1)) si.unsignedAttrs = parseAttributes(p[i++]!, `${what}.unsignedAttrs`);
  return si as ParsedSignerInfo;
}

/** Parse a SignedData element (the content of a ContentInfo). */
export function parseSignedDataContent(block: asn1js.BaseBlock): ParsedSignedData {
  const what = 'SignedData';
  const p = expectSequence(block, what);
  let i = 0;
  const version = intOf(p[i++], `${what}.version`);
  const algs = p[i++];
  if (!algs || !isTag(algs, 1, 17)) throw new DomsecError('MALFORMED_DER', `${what}: digestAlgorithms is not a SET`);
  const digestAlgorithms = children(algs).map((a, k) => algOf(a, `${what}.digestAlgorithms[${k}]`).oid);
  const eci = expectSequence(p[i++], `${what}.encapContentInfo`);
  const eContentType = oidOf(eci[0], `${what}.eContentType`);
  let eContent: Buffer | undefined;
  if (eci[1]) {
    if (!isTag(eci[1], 3, 0)) throw new DomsecError('MALFORMED_DER', `${what}: eContent is not [0]`);
    const os = children(eci[1])[0];
    if (!os || !isTag(os, 1, 4)) throw new DomsecError('MALFORMED_DER', `${what}: eContent is not an OCTET STRING`);
    eContent = octetStringBytes(os);
  }
  const certificates: Buffer[] = [];
  if (p[i] && isTag(p[i]!, 3, 0)) {
    for (const c of children(p[i]!)) if (isTag(c, 1, 16)) certificates.push(rawOf(c));
    i++;
  }
  if (p[i] && isTag(p[i]!, 3, 1)) i++; // crls: not used for DOMSEC decisions
  const sis = p[i++];
  if (!sis || !isTag(sis, 1, 17)) throw new DomsecError('MALFORMED_DER', `${what}: signerInfos is not a SET`);
  const signerInfos = children(sis).map((s, k) => parseSignerInfo(s, k));
  const out: ParsedSignedData = { version, digestAlgorithms, eContentType, certificates, signerInfos };
  if (eContent) out.eContent = eContent;
  return out;
}

export function parseSignedData(der: Uint8Array): ParsedSignedData {
  const ci = parseContentInfo(der, 'SignedData ContentInfo');
  if (ci.contentType !== O.id_signedData) throw new DomsecError('UNSUPPORTED_CONTENT_TYPE', `expected id-signedData, found ${O.oidName(ci.contentType)}`);
  return parseSignedDataContent(ci.content);
}

export function attributeValues(attrs: ParsedAttribute[] | undefined, type: string): ParsedAttribute[] {
  return (attrs ?? []).filter((a) => a.type === type);
}

// ------------------------------------------------------------------ building

export interface SignerInput {
  certDer: Buffer;
  key: KeyObject;
  digest?: DigestName;
  scheme?: SignatureScheme;
  /** RFC 5652 5.3: issuerAndSerialNumber (version 1) or subjectKeyIdentifier (version 3). */
  sid?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
  /** Further signed attributes, each a complete Attribute encoding (SignatureType, mlExpansionHistory, carried-over ones). */
  signedAttributes?: Buffer[];
  unsignedAttributes?: Buffer[];
  /**
   * Last look at the attribute list before it is sorted and signed: negative vectors use it to break a
   * rule on purpose (duplicate SignatureType, wrong contentType ...). Conforming code never sets it.
   */
  mutateSignedAttributes?: (attrs: Buffer[]) => Buffer[];
}

export interface SignedDataInput {
  eContentType: string;
  /** The content; `detached: true` leaves it out of the encoding (multipart/signed). */
  eContent: Buffer;
  detached?: boolean;
  signers: SignerInput[];
  /** signingTime attribute (RFC 5652 11.3); `null` omits it. Default: now. */
  signingTime?: Date | null;
  /** Extra certificates to carry (e.g. intermediates); signer certificates are always included. */
  certificates?: Buffer[];
}

export function contentTypeAttribute(type: string): Buffer {
  return attribute(O.id_contentType, [oid(type)]);
}
export function messageDigestAttribute(md: Buffer): Buffer {
  return attribute(O.id_messageDigest, [octets(md)]);
}
export function signingTimeAttribute(d: Date): Buffer {
  return attribute(O.id_signingTime, [time(d)]);
}

function signerInfo(input: SignerInput, eContentType: string, eContent: Buffer, signingTime: Date | null): { der: Buffer; digestAlg: Buffer } {
  const scheme = schemeForKey(input.key, input.scheme);
  const d = input.digest ?? defaultDigest(scheme, input.key);
  const ref = certRef(input.certDer);
  let attrs = [contentTypeAttribute(eContentType), messageDigestAttribute(digest(d, eContent))];
  if (signingTime) attrs.push(signingTimeAttribute(signingTime));
  attrs.push(...(input.signedAttributes ?? []));
  if (input.mutateSignedAttributes) attrs = input.mutateSignedAttributes(attrs);
  // RFC 5652 5.4: the signature covers the DER of SET OF Attribute, i.e. sorted (STACK-NOTES: Bouncy Castle rejects unsorted).
  const signedSet = setOf(attrs);
  const signature = signBytes(scheme, d, input.key, signedSet);
  const useSkid = input.sid === 'subjectKeyIdentifier';
  if (useSkid && !ref.subjectKeyIdentifier) throw new DomsecError('BAD_ARGUMENT', 'signer certificate has no subjectKeyIdentifier');
  const sid = useSkid ? tlv(ctx(0, false), ref.subjectKeyIdentifier!) : issuerAndSerialNumber(ref);
  const parts = [
    integer(useSkid ? 3 : 1),
    sid,
    digestAlgorithmIdentifier(d),
    withTag(signedSet, ctx(0)),
    signatureAlgorithmIdentifier(scheme, d),
    octets(signature),
  ];
  if (input.unsignedAttributes?.length) parts.push(setOf(input.unsignedAttributes, ctx(1)));
  return { der: seq(...parts), digestAlg: digestAlgorithmIdentifier(d) };
}

/**
 * Build a SignedData ContentInfo. With no signers this is the empty signature layer of draft 2.3 (1), N12:
 * eContentType must then be id-data and eContent present (checked here, so nothing else can emit a wrong one).
 */
export function buildSignedData(input: SignedDataInput): Buffer {
  if (input.signers.length === 0) {
    if (input.eContentType !== O.id_data) throw new DomsecError('POLICY_VIOLATION', 'an empty signature layer must have eContentType id-data (draft 2.3, N12)');
    if (input.detached) throw new DomsecError('POLICY_VIOLATION', 'an empty signature layer carries the message as eContent (draft 2.3, N12)');
  }
  const signingTime = input.signingTime === undefined ? new Date() : input.signingTime;
  const infos = input.signers.map((s) => signerInfo(s, input.eContentType, input.eContent, signingTime));
  const certs: Buffer[] = [];
  const seen = new Set<string>();
  for (const c of [...input.signers.map((s) => s.certDer), ...(input.certificates ?? [])]) {
    const k = c.toString('base64');
    if (!seen.has(k)) {
      seen.add(k);
      certs.push(c);
    }
  }
  // RFC 5652 5.1: version 3 if any SignerInfo is version 3 or eContentType is not id-data, else 1.
  const anyV3 = input.signers.some((s) => s.sid === 'subjectKeyIdentifier');
  const version = anyV3 || input.eContentType !== O.id_data ? 3 : 1;
  // eContent is copied once (tlvChain), not once per enclosing TLV: this is the 100 MB path.
  const eci = input.detached
    ? seq(oid(input.eContentType))
    : tlvChain(TAG.SEQUENCE, oid(input.eContentType), tlvChain(ctx(0), tlvChain(TAG.OCTET_STRING, input.eContent)));
  const parts: Array<Buffer | DerChain> = [integer(version), setOf(uniqueBuffers(infos.map((x) => x.digestAlg))), eci];
  if (certs.length) parts.push(tlv(ctx(0), ...certs));
  parts.push(setOf(infos.map((x) => x.der)));
  // The ContentInfo (content-info.ts encodeContentInfo), as a chain.
  return tlvChain(TAG.SEQUENCE, oid(O.id_signedData), tlvChain(ctx(0), tlvChain(TAG.SEQUENCE, ...parts))).toBuffer();
}

function uniqueBuffers(list: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const b of list) if (!out.some((x) => x.equals(b))) out.push(b);
  return out;
}

// ------------------------------------------------------------------ verification (CMS level)

export interface SignerCheck {
  index: number;
  ok: boolean;
  reasons: ReasonCode[];
  detail: string;
  /** DER of the certificate that the sid names, when found. */
  certDer?: Buffer;
  digestAlgorithm: string;
  signatureAlgorithm: string;
}

export function findSignerCertificate(si: ParsedSignerInfo, candidates: Buffer[]): CertRef | undefined {
  for (const c of candidates) {
    let ref: CertRef;
    try {
      ref = certRef(c);
    } catch {
      continue;
    }
    if (si.sid.kind === 'issuerAndSerialNumber' ? matchesIssuerAndSerial(si.sid.block, ref) : matchesSkid(si.sid.skid, ref)) return ref;
  }
  return undefined;
}

/**
 * Check one SignerInfo cryptographically (RFC 5652 5.4, 5.6, 11.1, 11.2). Path validation and DOMSEC
 * rules are layered on top by src/domsec/verify.ts.
 *
 * `detachedContent`, when given, is what is verified, whether or not the SignedData also carries eContent:
 * the caller names the content it shows (the first part of a multipart/signed, RFC 8551 3.5.3), and a
 * signature over some other eContent must not stand for it (issue 12, item 2). `digests` caches the
 * content digest per algorithm across the SignerInfos of one SignedData (the content is hashed once).
 */
export function checkSignerInfo(
  sd: ParsedSignedData,
  si: ParsedSignerInfo,
  extraCerts: Buffer[] = [],
  detachedContent?: Buffer,
  digests?: Map<string, Buffer>,
): SignerCheck {
  const base = { index: si.index, digestAlgorithm: si.digestAlgorithm, signatureAlgorithm: si.signatureAlgorithm };
  const fail = (reason: ReasonCode, detail: string, certDer?: Buffer): SignerCheck => ({ ...base, ok: false, reasons: [reason], detail, ...(certDer ? { certDer } : {}) });
  const content = detachedContent ?? sd.eContent;
  if (!content) return fail('SIG_NO_CONTENT', 'detached signature and no content supplied');
  const ref = findSignerCertificate(si, [...sd.certificates, ...extraCerts]);
  if (!ref) return fail('SIG_NO_SIGNER_CERTIFICATE', 'no certificate matches the SignerIdentifier');
  let alg;
  let hashName;
  try {
    alg = resolveVerifyAlgorithm(si.signatureAlgorithm, si.signatureParams, si.digestAlgorithm);
    hashName = digestNameOf(si.digestAlgorithm);
  } catch (e) {
    return fail('SIG_UNSUPPORTED_ALGORITHM', e instanceof Error ? e.message : String(e), ref.der);
  }
  let signedData = content;
  if (si.signedAttrs) {
    const ct = attributeValues(si.signedAttrs, O.id_contentType);
    const md = attributeValues(si.signedAttrs, O.id_messageDigest);
    if (ct.length !== 1 || md.length !== 1 || ct[0]!.values.length !== 1 || md[0]!.values.length !== 1) {
      return fail('SIG_MISSING_ATTRIBUTE', 'signed attributes must hold exactly one contentType and one messageDigest', ref.der);
    }
    const ctValue = ct[0]!.values[0];
    if (!(ctValue instanceof asn1js.ObjectIdentifier) || ctValue.valueBlock.toString() !== sd.eContentType) {
      return fail('SIG_CONTENT_TYPE_MISMATCH', `contentType attribute differs from eContentType ${O.oidName(sd.eContentType)}`, ref.der);
    }
    const mdValue = md[0]!.values[0]!;
    let expected = digests?.get(hashName);
    if (!expected) {
      expected = digest(hashName, content);
      digests?.set(hashName, expected);
    }
    if (!isTag(mdValue, 1, 4) || !octetStringBytes(mdValue).equals(expected)) {
      return fail('SIG_DIGEST_MISMATCH', 'messageDigest does not match the digest of the content', ref.der);
    }
    signedData = withTag(si.signedAttrsRaw!, TAG.SET);
  }
  if (!verifyBytes(alg, ref.publicKey, signedData, si.signature)) {
    return fail('SIG_VALUE_INVALID', `${O.oidName(si.signatureAlgorithm)} signature does not verify`, ref.der);
  }
  return { ...base, ok: true, reasons: [], detail: 'signature verifies', certDer: ref.der };
}
