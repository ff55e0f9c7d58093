/**
 * DER building blocks and the BER reader used by every CMS module.
 *
 * Reading goes through asn1js (BER, indefinite lengths, constructed strings) with limits raised to
 * the named ones in src/limits.ts: its defaults stop legitimate large messages (STACK-NOTES).
 *
 * Writing is assembled from Buffers here rather than through pkijs's builders, on purpose:
 *  - byte preservation: certificates, inner content and carried-over attributes must go out exactly as
 *    they came in (draft 2.3: a domain signature encapsulates the original signature bytes);
 *  - pkijs's EncapsulatedContentInfo/EncryptedContentInfo constructors re-chunk content into a BER
 *    constructed OCTET STRING with a per-byte copy loop, and drop a 0-byte eContent (STACK-NOTES);
 *  - large content goes through tlvChain(), so 100 MB of content is copied once however deep it sits.
 * Small leaf values (OIDs, INTEGERs, times) are still encoded by asn1js.
 */
import * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import { ASN1_MAX_CONTENT_LENGTH, ASN1_MAX_DEPTH, asn1MaxNodes } from '../limits.js';

export type Bytes = Buffer;

/** Universal tags used when assembling structures. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
} as const;

/** Context-specific tag byte: [n] constructed (EXPLICIT or IMPLICIT of a constructed type) or primitive. */
export function ctx(n: number, constructed = true): number {
  if (n > 30) throw new DomsecError('BAD_ARGUMENT', `context tag ${n} needs the long form`);
  return (constructed ? 0xa0 : 0x80) | n;
}

function lengthBytes(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const out: number[] = [];
  let l = len;
  while (l > 0) {
    out.unshift(l & 0xff);
    l = Math.floor(l / 256);
  }
  return Buffer.from([0x80 | out.length, ...out]);
}

/** One definite-length TLV around the concatenated parts. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  let len = 0;
  for (const p of parts) len += p.length;
  const header = Buffer.concat([Buffer.from([tag]), lengthBytes(len)]);
  return Buffer.concat([header, ...parts], header.length + len);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...parts);

/**
 * A DER encoding kept as its pieces, joined once by toBuffer(). For structures around large content:
 * with tlv() every nesting level copies its content again (a SignedData ContentInfo puts eContent six
 * TLVs deep, so 100 MB became six 100 MB allocations and copies); tlvChain() only collects headers and
 * references, and the content is copied once, at the end.
 */
export class DerChain {
  constructor(
    readonly pieces: readonly Buffer[],
    readonly length: number,
  ) {}

  toBuffer(): Buffer {
    return Buffer.concat(this.pieces as Buffer[], this.length);
  }
}

/** tlv() without copying: the parts (Buffers or chains) are referenced, not joined. */
export function tlvChain(tag: number, ...parts: Array<Buffer | DerChain>): DerChain {
  let len = 0;
  for (const p of parts) len += p.length;
  const header = Buffer.concat([Buffer.from([tag]), lengthBytes(len)]);
  const pieces: Buffer[] = [header];
  for (const p of parts) {
    if (Buffer.isBuffer(p)) pieces.push(p);
    else for (const q of p.pieces) pieces.push(q);
  }
  return new DerChain(pieces, header.length + len);
}
export const octets = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);

/** DER SET OF: elements sorted by their encodings (X.690 11.6). Used for signed attributes (STACK-NOTES: pkijs does not sort). */
export function setOf(elements: Buffer[], tag: number = TAG.SET): Buffer {
  const sorted = [...elements].sort(Buffer.compare);
  return tlv(tag, ...sorted);
}

export function oid(value: string): Buffer {
  return Buffer.from(new asn1js.ObjectIdentifier({ value }).toBER(false));
}

export function integer(value: number | bigint | Buffer): Buffer {
  if (Buffer.isBuffer(value)) {
    // Unsigned big-endian magnitude: strip leading zeros, add one back if the top bit is set.
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    let mag = value.subarray(i);
    if (mag.length === 0) mag = Buffer.from([0]);
    if ((mag[0] ?? 0) & 0x80) mag = Buffer.concat([Buffer.from([0]), mag]);
    return tlv(TAG.INTEGER, mag);
  }
  return Buffer.from(new asn1js.Integer({ value: Number(value) }).toBER(false));
}

export const NULL = Buffer.from([0x05, 0x00]);

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
export function algorithmIdentifier(algorithm: string, params?: Buffer): Buffer {
  return params ? seq(oid(algorithm), params) : seq(oid(algorithm));
}

/** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5652 11.3). Whole seconds, Zulu. */
export function time(d: Date): Buffer {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  const body = iso.slice(0, 19).replace(/[-:T]/g, '');
  if (y >= 1950 && y < 2050) return tlv(TAG.UTCTime, Buffer.from(body.slice(2) + 'Z', 'ascii'));
  return tlv(TAG.GeneralizedTime, Buffer.from(body + 'Z', 'ascii'));
}

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue } */
export function attribute(type: string, values: Buffer[]): Buffer {
  return seq(oid(type), setOf(values));
}

// ---------------------------------------------------------------- reading

export interface ParseOptions {
  /** Name of the thing being read, for the error message. */
  what: string;
  /** Accept trailing bytes after the element (default false: CMS objects are exactly one element). */
  allowTrailing?: boolean;
}

/** Parse BER/DER with the project's limits; every failure becomes a one-line MALFORMED_DER error. */
export function readBer(bytes: Uint8Array, opts: ParseOptions): asn1js.AsnType {
  if (bytes.length === 0) throw new DomsecError('MALFORMED_DER', `${opts.what}: empty input`);
  let res: ReturnType<typeof asn1js.fromBER>;
  try {
    res = asn1js.fromBER(bytes as Uint8Array<ArrayBuffer>, {
      maxDepth: ASN1_MAX_DEPTH,
      maxNodes: asn1MaxNodes(bytes.length),
      maxContentLength: ASN1_MAX_CONTENT_LENGTH,
      parseEmbedded: false,
      copyInput: false,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = /Maximum/i.test(msg) ? 'LIMIT_EXCEEDED' : 'MALFORMED_DER';
    throw new DomsecError(code, `${opts.what}: ${msg}`);
  }
  if (res.offset === -1 || res.result.error) {
    // asn1js reports its caps (node count, depth, content length) as a result error, not a throw: those are limits.
    const code = /Maximum/i.test(res.result.error) ? 'LIMIT_EXCEEDED' : 'MALFORMED_DER';
    throw new DomsecError(code, `${opts.what}: ${res.result.error || 'not valid BER'}`);
  }
  if (!opts.allowTrailing && res.offset !== bytes.length) {
    throw new DomsecError('MALFORMED_DER', `${opts.what}: ${bytes.length - res.offset} trailing bytes after the ASN.1 element`);
  }
  return res.result;
}

/** The exact bytes an element was decoded from (for byte preservation and signature input). */
export function rawOf(block: asn1js.BaseBlock): Buffer {
  const v = block.valueBeforeDecodeView;
  if (v && v.byteLength > 0) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(block.toBER(false));
}

/**
 * Content octets of an OCTET STRING, primitive or constructed (BER segments from streaming encoders),
 * concatenated once. A primitive string is returned as a view, without a copy.
 */
export function octetStringBytes(block: asn1js.BaseBlock): Buffer {
  if (!block.idBlock.isConstructed) {
    const view = (block as asn1js.OctetString).valueBlock.valueHexView;
    return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  }
  const pieces: Buffer[] = [];
  const walk = (b: asn1js.BaseBlock): void => {
    if (b.idBlock.tagClass === 1 && b.idBlock.tagNumber === 0) return; // end-of-contents
    if (b.idBlock.isConstructed) {
      const inner = (b as asn1js.Constructed).valueBlock.value;
      for (const c of inner) walk(c);
    } else {
      const view = (b as asn1js.OctetString).valueBlock.valueHexView;
      pieces.push(Buffer.from(view.buffer, view.byteOffset, view.byteLength));
    }
  };
  walk(block);
  return Buffer.concat(pieces);
}

/** Children of a constructed block, without a trailing end-of-contents marker. */
export function children(block: asn1js.BaseBlock): asn1js.BaseBlock[] {
  if (!block.idBlock.isConstructed) return [];
  const v = (block as asn1js.Constructed).valueBlock.value as asn1js.BaseBlock[];
  return v.filter((c) => !(c instanceof asn1js.EndOfContent));
}

export function isTag(block: asn1js.BaseBlock, tagClass: number, tagNumber: number): boolean {
  return block.idBlock.tagClass === tagClass && block.idBlock.tagNumber === tagNumber;
}

export function oidOf(block: asn1js.BaseBlock | undefined, what: string): string {
  if (!block || !(block instanceof asn1js.ObjectIdentifier)) throw new DomsecError('MALFORMED_DER', `${what}: expected an OBJECT IDENTIFIER`);
  return block.valueBlock.toString();
}

export function expectSequence(block: asn1js.BaseBlock | undefined, what: string): asn1js.BaseBlock[] {
  if (!block || !isTag(block, 1, 16) || !block.idBlock.isConstructed) throw new DomsecError('MALFORMED_DER', `${what}: expected a SEQUENCE`);
  return children(block);
}

/** Re-encode an element as DER, replacing its tag byte (e.g. [0] IMPLICIT signedAttrs -> SET for the signature input). */
export function withTag(raw: Buffer, tag: number): Buffer {
  const out = Buffer.from(raw);
  out[0] = tag;
  return out;
}

/** GeneralizedTime with whole seconds, Zulu (X.690 11.7), whatever the year. */
export function generalizedTime(d: Date): Buffer {
  return tlv(TAG.GeneralizedTime, Buffer.from(d.toISOString().slice(0, 19).replace(/[-:T]/g, '') + 'Z', 'ascii'));
}
