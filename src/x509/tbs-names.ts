/**
 * The issuer, serial number and subject of a certificate, read by walking its DER headers (X.690 8.1.2,
 * 8.1.3) without decoding anything else:
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber, signature, issuer, validity, subject, ... }
 *
 * Hand-written on purpose (issue 12, item 6): a message may carry up to MAX_CERTIFICATES_PER_MESSAGE
 * certificates, and finding the one a SignerIdentifier names, or the issuers a path needs, must not cost a
 * full decode of every one (three decoders, several ms each, ./certificate.ts). Only the certificates whose
 * names match are then parsed. Anything that does not walk cleanly gives undefined (the caller skips it).
 */
export interface TbsNames {
  /** Whole TLVs, exactly as encoded: compare with the bytes of an IssuerAndSerialNumber or another Name. */
  serialDer: Buffer;
  issuerDer: Buffer;
  subjectDer: Buffer;
}

interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function readTlv(b: Buffer, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers do not occur in these fields
  let len = b[at + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > limit) return undefined; // indefinite length is not DER
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
    hdr += n;
  }
  const end = at + hdr + len;
  if (end > limit) return undefined;
  return { tag, start: at, contentStart: at + hdr, end };
}

export function tbsNames(der: Buffer): TbsNames | undefined {
  const cert = readTlv(der, 0, der.length);
  if (!cert || cert.tag !== 0x30) return undefined;
  const tbs = readTlv(der, cert.contentStart, cert.end);
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const fields: Tlv[] = [];
  let at = tbs.contentStart;
  while (at < tbs.end && fields.length < 7) {
    const f = readTlv(der, at, tbs.end);
    if (!f) return undefined;
    fields.push(f);
    at = f.end;
  }
  if (fields[0]?.tag === 0xa0) fields.shift(); // [0] EXPLICIT version
  const [serial, , issuer, , subject] = fields;
  if (!serial || serial.tag !== 0x02 || !issuer || issuer.tag !== 0x30 || !subject || subject.tag !== 0x30) return undefined;
  const slice = (t: Tlv): Buffer => der.subarray(t.start, t.end);
  return { serialDer: slice(serial), issuerDer: slice(issuer), subjectDer: slice(subject) };
}
