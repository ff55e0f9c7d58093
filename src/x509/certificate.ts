import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as x509 from '@peculiar/x509';
import { DomsecError } from '../errors.js';
import {
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_ecPublicKey,
} from '../asn1/oids.js';
import { decodePemBlocks, encodePem, looksLikePem } from './pem.js';
import { PARSED_CERTIFICATE_CACHE_ENTRIES, PARSED_CERTIFICATE_CACHE_MAX_DER } from '../limits.js';

/** keyUsage bits (RFC 5280 4.2.1.3) as booleans, so callers never do bit arithmetic. */
export interface KeyUsageFlags {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  dataEncipherment: boolean;
  keyAgreement: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
  encipherOnly: boolean;
  decipherOnly: boolean;
}

export interface CertInfo {
  der: Buffer;
  /** RFC 4514-style string, for messages only: compare names with subjectDer/issuerDer. */
  subject: string;
  issuer: string;
  /**
   * Lowercase hex of the serial number's magnitude: the DER INTEGER content with the one 0x00 sign byte
   * (present when the top bit is set) removed, so it reads like `openssl x509 -serial`. A (non-conformant,
   * RFC 5280 4.1.2.2) negative serial keeps its two's-complement bytes.
   */
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
  /** undefined when the extension is absent (RFC 5280: no restriction), not "all false". */
  keyUsage?: KeyUsageFlags;
  basicConstraints?: { cA: boolean; pathLenConstraint?: number };
  sanUris: string[];
  sanDnsNames: string[];
  sanEmails: string[];
  subjectKeyIdentifier?: Buffer;
  /** extendedKeyUsage KeyPurposeIds (OIDs); undefined when the extension is absent (any purpose, RFC 5280 4.2.1.12). */
  extKeyUsage?: string[];
  /** The certificate carries nameConstraints (RFC 5280 4.2.1.10), which path validation does not process. */
  hasNameConstraints: boolean;
  /**
   * OIDs of critical extensions path validation does not process (RFC 5280 4.2: such a certificate MUST
   * be rejected). Processed: keyUsage, basicConstraints, subjectAltName, extKeyUsage, subjectKeyIdentifier,
   * authorityKeyIdentifier, and certificatePolicies (with any-policy as the user's initial policy set and
   * no policyConstraints, policies never decide a path, RFC 5280 6.1.3 (d)-(f)); nameConstraints has its
   * own flag. Everything else critical (policyConstraints, policyMappings, inhibitAnyPolicy,
   * cRLDistributionPoints, issuerAltName, private ones ...) is listed here.
   */
  unprocessedCriticalExtensions: string[];
  publicKey: KeyObject;
  /** OID of SubjectPublicKeyInfo.algorithm (rsaEncryption, id-ecPublicKey, id-Ed25519 ...). */
  publicKeyAlgorithm: string;
  /** For id-ecPublicKey: the namedCurve OID from the algorithm parameters. */
  namedCurve?: string;
  /** DER of the issuer and subject Names exactly as in the certificate: path building compares these bytes. */
  issuerDer: Buffer;
  subjectDer: Buffer;
}

/** Labels RFC 7468 5.1 and older tools use for certificates. */
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

function malformed(what: string, e?: unknown): DomsecError {
  const detail = e === undefined ? '' : `: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  return new DomsecError('MALFORMED_CERTIFICATE', `${what}${detail}`, e === undefined ? undefined : { cause: e });
}

interface RawFields {
  serialHex: string;
  issuerDer: Buffer;
  subjectDer: Buffer;
  spkiAlg: string;
  spkiParamOid?: string;
}

function isContext(b: asn1js.AsnType, n: number): boolean {
  return b.idBlock.tagClass === 3 && b.idBlock.tagNumber === n;
}

/**
 * Raw byte views @peculiar/x509 does not give: it re-encodes Names from its parsed model, and path
 * building must compare the issuer/subject bytes the CA actually signed (RFC 5280 7.1 leaves name
 * comparison to exact matching in the common case). asn1js keeps valueBeforeDecodeView for that.
 */
function rawFields(der: Buffer): RawFields {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(parsed.result.error || 'not BER');
  if (parsed.offset !== der.length) throw new Error(`${der.length - parsed.offset} trailing bytes after the certificate`);
  const cert = parsed.result;
  if (!(cert instanceof asn1js.Sequence)) throw new Error('not a SEQUENCE');
  const tbs = cert.valueBlock.value[0];
  if (!(tbs instanceof asn1js.Sequence)) throw new Error('tbsCertificate is not a SEQUENCE');
  const f = [...tbs.valueBlock.value];
  if (f[0] && isContext(f[0], 0)) f.shift(); // [0] EXPLICIT version
  const [serial, , issuer, , subject, spki] = f;
  if (!(serial instanceof asn1js.Integer)) throw new Error('serialNumber is not an INTEGER');
  if (!(issuer instanceof asn1js.Sequence) || !(subject instanceof asn1js.Sequence)) throw new Error('issuer/subject is not a Name');
  if (!(spki instanceof asn1js.Sequence)) throw new Error('subjectPublicKeyInfo is not a SEQUENCE');
  const alg = spki.valueBlock.value[0];
  if (!(alg instanceof asn1js.Sequence)) throw new Error('SPKI algorithm is not a SEQUENCE');
  const [algOid, algParam] = alg.valueBlock.value;
  if (!(algOid instanceof asn1js.ObjectIdentifier)) throw new Error('SPKI algorithm has no OID');
  let serialBytes = Buffer.from(serial.valueBlock.valueHexView);
  if (serialBytes.length > 1 && serialBytes[0] === 0x00 && (serialBytes[1]! & 0x80) !== 0) serialBytes = serialBytes.subarray(1);
  return {
    serialHex: serialBytes.toString('hex'),
    issuerDer: Buffer.from(issuer.valueBeforeDecodeView),
    subjectDer: Buffer.from(subject.valueBeforeDecodeView),
    spkiAlg: algOid.valueBlock.toString(),
    spkiParamOid: algParam instanceof asn1js.ObjectIdentifier ? algParam.valueBlock.toString() : undefined,
  };
}

function keyUsageFlags(bits: number): KeyUsageFlags {
  const F = x509.KeyUsageFlags;
  return {
    digitalSignature: (bits & F.digitalSignature) !== 0,
    nonRepudiation: (bits & F.nonRepudiation) !== 0,
    keyEncipherment: (bits & F.keyEncipherment) !== 0,
    dataEncipherment: (bits & F.dataEncipherment) !== 0,
    keyAgreement: (bits & F.keyAgreement) !== 0,
    keyCertSign: (bits & F.keyCertSign) !== 0,
    cRLSign: (bits & F.cRLSign) !== 0,
    encipherOnly: (bits & F.encipherOnly) !== 0,
    decipherOnly: (bits & F.decipherOnly) !== 0,
  };
}

/**
 * Parsed certificates by their DER, least recently used first out. Parsing one takes about 3.5 ms here
 * (three decoders: asn1js for the signed name bytes, @peculiar/x509 for the extensions, node's for the
 * key), 70% of verifying a small message (README Benchmark), and the same few certificates come back in
 * every message. Only successes are kept. The entries are shared, so they are frozen (their Buffers and
 * Dates cannot be: nothing in the engine writes to a CertInfo).
 */
const parsed = new Map<string, CertInfo>();

/** Certificates parsed and kept (for the cache's test). */
export function parsedCertificateCacheSize(): number {
  return parsed.size;
}

function parseDer(der: Buffer): CertInfo {
  if (der.length > PARSED_CERTIFICATE_CACHE_MAX_DER) return decodeDer(der);
  // latin1: one character per byte, the cheapest exact key.
  const key = der.toString('latin1');
  const hit = parsed.get(key);
  if (hit) {
    parsed.delete(key);
    parsed.set(key, hit);
    return hit;
  }
  const info = freezeInfo(decodeDer(der));
  parsed.set(key, info);
  if (parsed.size > PARSED_CERTIFICATE_CACHE_ENTRIES) parsed.delete(parsed.keys().next().value!);
  return info;
}

function freezeInfo(info: CertInfo): CertInfo {
  Object.freeze(info.sanUris);
  Object.freeze(info.sanDnsNames);
  Object.freeze(info.sanEmails);
  Object.freeze(info.unprocessedCriticalExtensions);
  if (info.extKeyUsage) Object.freeze(info.extKeyUsage);
  if (info.keyUsage) Object.freeze(info.keyUsage);
  if (info.basicConstraints) Object.freeze(info.basicConstraints);
  return Object.freeze(info);
}

function decodeDer(der: Buffer): CertInfo {
  let raw: RawFields;
  let cert: x509.X509Certificate;
  let nodeCert: NodeX509Certificate;
  try {
    raw = rawFields(der);
    cert = new x509.X509Certificate(der);
    // OpenSSL's strict DER decoder is a second opinion and gives the KeyObject path validation needs.
    nodeCert = new NodeX509Certificate(der);
  } catch (e) {
    throw malformed('certificate does not decode', e);
  }
  const info: CertInfo = {
    der,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumberHex: raw.serialHex,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    sanUris: [],
    sanDnsNames: [],
    sanEmails: [],
    publicKey: nodeCert.publicKey,
    publicKeyAlgorithm: raw.spkiAlg,
    issuerDer: raw.issuerDer,
    subjectDer: raw.subjectDer,
    hasNameConstraints: false,
    unprocessedCriticalExtensions: [],
  };
  if (raw.spkiAlg === id_ecPublicKey && raw.spkiParamOid) info.namedCurve = raw.spkiParamOid;
  const seen = new Set<string>();
  try {
    for (const ext of cert.extensions) {
      // RFC 5280 4.2: a certificate MUST NOT include more than one instance of an extension.
      if (seen.has(ext.type)) throw new Error(`extension ${ext.type} appears twice`);
      seen.add(ext.type);
      if (ext.type === id_ce_keyUsage) {
        info.keyUsage = keyUsageFlags(new x509.KeyUsagesExtension(ext.rawData).usages);
      } else if (ext.type === id_ce_basicConstraints) {
        const bc = new x509.BasicConstraintsExtension(ext.rawData);
        info.basicConstraints = bc.pathLength === undefined ? { cA: bc.ca } : { cA: bc.ca, pathLenConstraint: bc.pathLength };
      } else if (ext.type === id_ce_subjectAltName) {
        for (const n of new x509.SubjectAlternativeNameExtension(ext.rawData).names.items) {
          if (n.type === 'url') info.sanUris.push(n.value);
          else if (n.type === 'dns') info.sanDnsNames.push(n.value);
          else if (n.type === 'email') info.sanEmails.push(n.value);
        }
      } else if (ext.type === id_ce_subjectKeyIdentifier) {
        info.subjectKeyIdentifier = Buffer.from(new x509.SubjectKeyIdentifierExtension(ext.rawData).keyId, 'hex');
      } else if (ext.type === id_ce_extKeyUsage) {
        info.extKeyUsage = new x509.ExtendedKeyUsageExtension(ext.rawData).usages.map(String);
      } else if (ext.type === id_ce_nameConstraints) {
        info.hasNameConstraints = true;
      } else if (ext.critical && ext.type !== id_ce_authorityKeyIdentifier && ext.type !== id_ce_certificatePolicies) {
        info.unprocessedCriticalExtensions.push(ext.type);
      }
    }
  } catch (e) {
    throw malformed('certificate extension does not decode', e);
  }
  return info;
}

/** One certificate, DER or PEM (the first CERTIFICATE block). */
export function parseCertificate(input: Buffer | string): CertInfo {
  const all = parseCertificates(input);
  const first = all[0];
  if (!first) throw malformed('no certificate found');
  return first;
}

/** Every certificate in a PEM bundle, or in one or more concatenated DER certificates. */
export function parseCertificates(input: Buffer | string): CertInfo[] {
  if (looksLikePem(input)) {
    const text = typeof input === 'string' ? input : input.toString('latin1');
    let blocks;
    try {
      blocks = decodePemBlocks(text);
    } catch (e) {
      throw malformed('PEM does not decode', e);
    }
    const certs = blocks.filter((b) => CERT_LABELS.has(b.label));
    if (certs.length === 0) throw malformed('no CERTIFICATE block in PEM input');
    return certs.map((b) => parseDer(b.der));
  }
  if (typeof input === 'string') throw malformed('text input is not PEM');
  if (input.length === 0) throw malformed('empty input');
  return splitDer(input).map(parseDer);
}

/** Split concatenated DER SEQUENCEs by their length headers (X.690 8.1.3), so a .der bundle works too. */
function splitDer(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf[off] !== 0x30 || off + 2 > buf.length) throw malformed('DER input is not a certificate SEQUENCE');
    let len = buf[off + 1]!;
    let hdr = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      // 4 length octets = 4 GiB, beyond any certificate; also rejects the indefinite form (n = 0), not DER.
      if (n === 0 || n > 4 || off + 2 + n > buf.length) throw malformed('DER length is invalid');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i]!;
      hdr = 2 + n;
    }
    const end = off + hdr + len;
    if (end > buf.length) throw malformed('DER input is truncated');
    out.push(Buffer.from(buf.subarray(off, end))); // a copy: CertInfo.der must not alias caller memory
    off = end;
  }
  return out;
}

export function certToPem(der: Uint8Array): string {
  return encodePem('CERTIFICATE', der);
}
