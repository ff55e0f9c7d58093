/**
 * The parts of a certificate that CMS identifiers refer to (RFC 5652 10.2.4, 5.3, 6.2.1):
 *
 *   IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
 *   SubjectKeyIdentifier ::= OCTET STRING
 *
 * Taken from the certificate's own bytes (not re-encoded) so that matching is exact.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import * as O from '../asn1/oids.js';
import { children, expectSequence, isTag, octetStringBytes, oidOf, rawOf, readBer, seq } from './der.js';


export interface CertRef {
  der: Buffer;
  /** DER of the issuer Name. */
  issuerDer: Buffer;
  /** DER of the serialNumber INTEGER (whole TLV). */
  serialDer: Buffer;
  subjectKeyIdentifier?: Buffer;
  publicKey: KeyObject;
}

const cache = new WeakMap<Buffer, CertRef>();

export function certRef(der: Buffer): CertRef {
  const hit = cache.get(der);
  if (hit) return hit;
  const what = 'certificate';
  const cert = expectSequence(readBer(der, { what }), what);
  const tbs = expectSequence(cert[0], `${what}.tbsCertificate`);
  let i = 0;
  if (tbs[0] && isTag(tbs[0], 3, 0)) i++; // [0] EXPLICIT version
  const serial = tbs[i];
  const issuer = tbs[i + 2];
  if (!serial || !issuer) throw new DomsecError('MALFORMED_CERTIFICATE', `${what}: truncated tbsCertificate`);
  let skid: Buffer | undefined;
  const extWrapper = tbs.find((b) => isTag(b, 3, 3));
  if (extWrapper) {
    for (const ext of children(children(extWrapper)[0] ?? extWrapper)) {
      const parts = children(ext);
      if (oidOf(parts[0], 'extension') === O.id_ce_subjectKeyIdentifier) {
        const value = octetStringBytes(parts[parts.length - 1]!);
        skid = octetStringBytes(readBer(value, { what: 'subjectKeyIdentifier' }));
      }
    }
  }
  let publicKey: KeyObject;
  try {
    publicKey = new X509Certificate(der).publicKey;
  } catch (e) {
    throw new DomsecError('MALFORMED_CERTIFICATE', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ref: CertRef = { der, issuerDer: rawOf(issuer), serialDer: rawOf(serial), publicKey };
  if (skid) ref.subjectKeyIdentifier = skid;
  cache.set(der, ref);
  return ref;
}

export function issuerAndSerialNumber(ref: CertRef): Buffer {
  return seq(ref.issuerDer, ref.serialDer);
}

/** Does an IssuerAndSerialNumber element name this certificate? Compared on the encodings. */
export function matchesIssuerAndSerial(ias: asn1js.BaseBlock, ref: CertRef): boolean {
  const parts = children(ias);
  if (parts.length < 2) return false;
  return rawOf(parts[0]!).equals(ref.issuerDer) && rawOf(parts[1]!).equals(ref.serialDer);
}

export function matchesSkid(skid: Buffer, ref: CertRef): boolean {
  return !!ref.subjectKeyIdentifier && ref.subjectKeyIdentifier.equals(skid);
}

/** Human-readable IssuerAndSerialNumber for inspect output. */
export function describeIssuerAndSerial(ias: asn1js.BaseBlock): string {
  const parts = children(ias);
  const serial = parts[1];
  const serialHex = serial instanceof asn1js.Integer ? Buffer.from(serial.valueBlock.valueHexView).toString('hex') : '?';
  return `${describeName(parts[0])} #${serialHex}`;
}

const ATTR_SHORT: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'E' };

export function describeName(name: asn1js.BaseBlock | undefined): string {
  if (!name) return '?';
  const rdns: string[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      const type = oidOf(t, 'AttributeTypeAndValue');
      const value = v && 'valueBlock' in v && typeof (v as asn1js.Utf8String).valueBlock.value === 'string' ? (v as asn1js.Utf8String).valueBlock.value : '#';
      rdns.push(`${ATTR_SHORT[type] ?? type}=${value}`);
    }
  }
  return rdns.join(', ');
}
