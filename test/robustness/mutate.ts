/**
 * Ways to break a message, as data (so a failing case prints what was done), and generators of hostile
 * inputs made from scratch (thousands of nested layers, huge declared lengths, endless headers).
 *
 * Levels:
 *  - bytes: bit flips, truncation, deletion, insertion, duplication anywhere in the message;
 *  - DER: the root CMS object's TLV lengths made to lie (too long, too short, 2^32-1, 2^63, indefinite
 *    on a primitive, non-minimal, reserved 0xFF) or its tags changed, then re-wrapped as it came;
 *  - MIME: boundary parameter removed or changed, close delimiter removed, bad base64 (invalid
 *    character, missing or extra padding, data after padding), header injection (CR/LF in a value, bare
 *    CR, a line without a colon, NUL), duplicated or garbled Content-Type / smime-type /
 *    Content-Transfer-Encoding, line endings changed;
 *  - synthetic: deep plain-CMS nesting, deep ASN.1 nesting (definite and indefinite), deep
 *    multipart/signed nesting, 20,000 multipart parts, a header block over 1 MiB, 200,000 header lines,
 *    a top-level length of 2^32-1 over a few bytes, a constructed OCTET STRING of 100,000 fragments.
 */
import fc from 'fast-check';
import * as O from '../../src/asn1/oids.js';
import { encodeContentInfo } from '../../src/cms/content-info.js';
import { ctx, integer, octets, oid, seq, setOf, tlv } from '../../src/cms/der.js';
import { decodeBody, encodeBase64Lines, parseEntity } from '../../src/mime/index.js';

// ------------------------------------------------------------------ mutations as data

export type Mutation =
  | { t: 'flip'; at: number; bit: number }
  | { t: 'truncate'; at: number }
  | { t: 'delete'; at: number; len: number }
  | { t: 'insert'; at: number; hex: string }
  | { t: 'duplicate'; at: number; len: number }
  | { t: 'derLength'; which: number; mode: 'plus' | 'minus' | 'huge4' | 'huge8' | 'huge15' | 'indefinite' | 'nonminimal' | 'zero' | 'reserved'; delta: number }
  | { t: 'derTag'; which: number; tag: number }
  | { t: 'mime'; op: MimeOp; at: number };

export const MIME_OPS = [
  'dropBoundaryParam', 'changeBoundary', 'dropCloseDelimiter', 'badBase64Char', 'dropPadding', 'dataAfterPadding', 'extraPadding',
  'injectHeaderCrlf', 'bareCrInHeader', 'headerWithoutColon', 'nulInHeader', 'duplicateContentType', 'garbleSmimeType', 'unknownCte',
  'quotedPrintableCte', 'noBlankLine', 'lfOnly', 'crOnly', 'longHeaderLine', 'leadingWhitespace',
] as const;
export type MimeOp = (typeof MIME_OPS)[number];

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('flip' as const), at: frac, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('truncate' as const), at: frac }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('insert' as const), at: frac, hex: fc.uint8Array({ minLength: 1, maxLength: 16 }).map((u) => Buffer.from(u).toString('hex')) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('duplicate' as const), at: frac, len: fc.integer({ min: 1, max: 4096 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('derLength' as const),
      which: frac,
      mode: fc.constantFrom('plus', 'minus', 'huge4', 'huge8', 'huge15', 'indefinite', 'nonminimal', 'zero', 'reserved'),
      delta: fc.integer({ min: 1, max: 100_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('derTag' as const), which: frac, tag: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('mime' as const), op: fc.constantFrom(...MIME_OPS), at: frac }) },
);

const idx = (at: number, n: number): number => Math.min(n, Math.max(0, Math.floor(at * n)));

// ------------------------------------------------------------------ DER

interface Tlv {
  /** Offset of the tag. */
  start: number;
  lenOff: number;
  lenLen: number;
  contentOff: number;
  /** -1: indefinite. */
  contentLen: number;
}

/** The TLV headers of a DER/BER buffer (bounded walk: the mutation only needs positions). */
export function tlvHeaders(buf: Buffer, maxEntries = 20_000): Tlv[] {
  const out: Tlv[] = [];
  const walk = (off: number, end: number, depth: number): void => {
    while (off < end && out.length < maxEntries && depth < 64) {
      const start = off;
      const tag = buf[off++]!;
      if ((tag & 0x1f) === 0x1f) while (off < end && buf[off++]! & 0x80);
      if (off >= end) return;
      const lenOff = off;
      const first = buf[off++]!;
      let len = 0;
      if (first === 0x80) len = -1;
      else if (first < 0x80) len = first;
      else {
        const n = first & 0x7f;
        if (n > 6 || off + n > end) return;
        for (let k = 0; k < n; k++) len = len * 256 + buf[off++]!;
      }
      const tl: Tlv = { start, lenOff, lenLen: off - lenOff, contentOff: off, contentLen: len };
      out.push(tl);
      if (len < 0) return; // indefinite: stop here (positions after it need a full BER parser)
      if (off + len > end) return;
      if (tag & 0x20) walk(off, off + len, depth + 1);
      off += len;
    }
  };
  walk(0, buf.length, 0);
  return out;
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function mutateDer(der: Buffer, m: Extract<Mutation, { t: 'derLength' | 'derTag' }>): Buffer {
  const headers = tlvHeaders(der);
  if (headers.length === 0) return der;
  const h = headers[idx(m.which, headers.length - 1)]!;
  if (m.t === 'derTag') return Buffer.concat([der.subarray(0, h.start), Buffer.from([m.tag]), der.subarray(h.start + 1)]);
  const cur = Math.max(0, h.contentLen);
  const repl = {
    plus: () => encodeLength(cur + m.delta),
    minus: () => encodeLength(Math.max(0, cur - m.delta)),
    huge4: () => Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]),
    huge8: () => Buffer.from([0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    huge15: () => Buffer.from([0x8f, ...Array<number>(15).fill(0xff)]),
    indefinite: () => Buffer.from([0x80]),
    nonminimal: () => Buffer.concat([Buffer.from([0x84]), Buffer.from([(cur >>> 24) & 0xff, (cur >>> 16) & 0xff, (cur >>> 8) & 0xff, cur & 0xff])]),
    zero: () => Buffer.from([0x00]),
    reserved: () => Buffer.from([0xff]),
  }[m.mode]();
  return Buffer.concat([der.subarray(0, h.lenOff), repl, der.subarray(h.lenOff + h.lenLen)]);
}

/** The root CMS object of a message and how to put a changed one back (bare DER, PEM or MIME body). */
function withRootDer(msg: Buffer, f: (der: Buffer) => Buffer): Buffer {
  if (msg[0] === 0x30) return f(msg);
  const text = msg.subarray(0, 64).toString('latin1');
  if (text.startsWith('-----BEGIN')) {
    const m = /^-----BEGIN (\w+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(msg.toString('latin1'));
    if (!m) return msg;
    const der = f(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
    return Buffer.from(`-----BEGIN ${m[1]}-----\n${encodeBase64Lines(der, '\n').toString('latin1')}-----END ${m[1]}-----\n`, 'latin1');
  }
  try {
    const e = parseEntity(msg);
    const der = decodeBody(e);
    if (der[0] !== 0x30) return msg;
    return Buffer.concat([e.headerBytes, msg.subarray(e.headerBytes.length, e.bodyOffset), encodeBase64Lines(f(der))]);
  } catch {
    return msg; // already broken above the DER: nothing to do at this level
  }
}

// ------------------------------------------------------------------ MIME

function headerEnd(msg: Buffer): number {
  const a = msg.indexOf('\r\n\r\n');
  const b = msg.indexOf('\n\n');
  if (a < 0) return b < 0 ? msg.length : b;
  return b < 0 ? a : Math.min(a, b);
}

function replaceFirst(msg: Buffer, re: RegExp, by: string): Buffer {
  const s = msg.toString('latin1');
  return Buffer.from(s.replace(re, by), 'latin1');
}

function mutateMime(msg: Buffer, op: MimeOp, at: number): Buffer {
  const hEnd = headerEnd(msg);
  const inHeader = idx(at, Math.max(0, hEnd - 1));
  const inBody = hEnd + idx(at, Math.max(0, msg.length - hEnd));
  const ins = (pos: number, s: string): Buffer => Buffer.concat([msg.subarray(0, pos), Buffer.from(s, 'latin1'), msg.subarray(pos)]);
  switch (op) {
    case 'dropBoundaryParam':
      return replaceFirst(msg, /;\s*boundary="?[^";\r\n]*"?/i, '');
    case 'changeBoundary':
      return replaceFirst(msg, /boundary="?([^";\r\n]*)"?/i, 'boundary="x$1"');
    case 'dropCloseDelimiter': {
      const s = msg.toString('latin1');
      const m = /\r?\n--([^\r\n]*)--[ \t]*(\r?\n|$)/.exec(s);
      return m ? Buffer.from(s.slice(0, m.index) + s.slice(m.index + m[0].length), 'latin1') : msg;
    }
    case 'badBase64Char':
      return inBody < msg.length ? Buffer.concat([msg.subarray(0, inBody), Buffer.from([0x2a + (at > 0.5 ? 0 : 0x5b)]), msg.subarray(inBody + 1)]) : msg;
    case 'dropPadding':
      return replaceFirst(msg, /=+(\r?\n[^=]*)$/, '$1');
    case 'dataAfterPadding':
      return replaceFirst(msg, /=(\r?\n)/, '=QUJD$1');
    case 'extraPadding':
      return ins(inBody, '===');
    case 'injectHeaderCrlf':
      return ins(inHeader, '\r\nContent-Type: text/plain\r\n\r\n');
    case 'bareCrInHeader':
      return ins(inHeader, '\r');
    case 'headerWithoutColon':
      return ins(0, 'This line has no colon\r\n');
    case 'nulInHeader':
      return ins(inHeader, '\x00');
    case 'duplicateContentType':
      return ins(0, 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=dup\r\n');
    case 'garbleSmimeType':
      return replaceFirst(msg, /smime-type=[\w-]+/i, at < 0.5 ? 'smime-type=signed-data; smime-type=enveloped-data' : 'smime-type="');
    case 'unknownCte':
      return replaceFirst(msg, /Content-Transfer-Encoding:\s*\S+/i, 'Content-Transfer-Encoding: x-uuencode');
    case 'quotedPrintableCte':
      return replaceFirst(msg, /Content-Transfer-Encoding:\s*\S+/i, 'Content-Transfer-Encoding: quoted-printable');
    case 'noBlankLine':
      return hEnd < msg.length ? Buffer.concat([msg.subarray(0, hEnd), msg.subarray(hEnd + (msg[hEnd] === 0x0d ? 2 : 1))]) : msg;
    case 'lfOnly':
      return Buffer.from(msg.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    case 'crOnly':
      return Buffer.from(msg.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
    case 'longHeaderLine':
      return ins(0, `X-Long: ${'a'.repeat(100_000 + Math.floor(at * 1000))}\r\n`);
    case 'leadingWhitespace':
      return ins(0, ' ');
  }
}

export function applyMutation(msg: Buffer, m: Mutation): Buffer {
  const n = msg.length;
  switch (m.t) {
    case 'flip': {
      if (n === 0) return msg;
      const out = Buffer.from(msg);
      const i = idx(m.at, n - 1);
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return msg.subarray(0, idx(m.at, n));
    case 'delete': {
      const i = idx(m.at, n);
      return Buffer.concat([msg.subarray(0, i), msg.subarray(Math.min(n, i + m.len))]);
    }
    case 'insert': {
      const i = idx(m.at, n);
      return Buffer.concat([msg.subarray(0, i), Buffer.from(m.hex, 'hex'), msg.subarray(i)]);
    }
    case 'duplicate': {
      const i = idx(m.at, n);
      const piece = msg.subarray(i, Math.min(n, i + m.len));
      return Buffer.concat([msg.subarray(0, i), piece, piece, msg.subarray(i + piece.length)]);
    }
    case 'derLength':
    case 'derTag':
      return withRootDer(msg, (der) => mutateDer(der, m));
    case 'mime':
      return mutateMime(msg, m.op, m.at);
  }
}

// ------------------------------------------------------------------ hostile inputs from scratch

export type Synthetic =
  | { s: 'cmsNesting'; depth: number }
  | { s: 'asn1Indefinite'; depth: number }
  | { s: 'asn1Definite'; depth: number }
  | { s: 'multipartSignedNesting'; depth: number }
  | { s: 'manyParts'; parts: number }
  | { s: 'hugeHeader'; bytes: number }
  | { s: 'manyHeaderLines'; lines: number }
  | { s: 'lyingTopLength'; tail: number }
  | { s: 'fragmentedOctetString'; fragments: number }
  | { s: 'deepMimeComments'; depth: number };

export const synthetic: fc.Arbitrary<Synthetic> = fc.oneof(
  fc.record({ s: fc.constant('cmsNesting' as const), depth: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ s: fc.constant('asn1Indefinite' as const), depth: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ s: fc.constant('asn1Definite' as const), depth: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ s: fc.constant('multipartSignedNesting' as const), depth: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({ s: fc.constant('manyParts' as const), parts: fc.integer({ min: 2, max: 20_000 }) }),
  fc.record({ s: fc.constant('hugeHeader' as const), bytes: fc.integer({ min: 1000, max: 1_200_000 }) }),
  fc.record({ s: fc.constant('manyHeaderLines' as const), lines: fc.integer({ min: 1, max: 200_000 }) }),
  fc.record({ s: fc.constant('lyingTopLength' as const), tail: fc.integer({ min: 0, max: 64 }) }),
  fc.record({ s: fc.constant('fragmentedOctetString' as const), fragments: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ s: fc.constant('deepMimeComments' as const), depth: fc.integer({ min: 1, max: 100_000 }) }),
);

const HEAD = 'From: Alice <alice@example.test>\r\nTo: Bob <bob@example.org>\r\nSubject: hostile\r\nMIME-Version: 1.0\r\n';

/** SignedData { v3, {}, { eContentType, [0] OCTET STRING eContent }, signerInfos {} } (no signers: parses, never verifies). */
function bareSignedData(eContentType: string, eContent: Buffer): Buffer {
  return seq(integer(3), setOf([]), seq(oid(eContentType), tlv(ctx(0), octets(eContent))), setOf([]));
}

/** A small detached-signature ContentInfo for multipart/signed (no signers). */
const DETACHED = encodeContentInfo(O.id_signedData, seq(integer(1), setOf([]), seq(oid(O.id_data)), setOf([])));

export function makeSynthetic(s: Synthetic): Buffer {
  switch (s.s) {
    case 'cmsNesting': {
      let inner = bareSignedData(O.id_data, Buffer.from('deep'));
      for (let k = 1; k < s.depth; k++) inner = bareSignedData(O.id_signedData, inner);
      return encodeContentInfo(O.id_signedData, inner);
    }
    case 'asn1Indefinite':
      return Buffer.concat([Buffer.from([0x30, 0x80, 0x06, 0x09]), oid(O.id_signedData).subarray(2), Buffer.from([0xa0, 0x80]), Buffer.alloc(s.depth * 2, Buffer.from([0x30, 0x80]))]);
    case 'asn1Definite': {
      let b: Buffer = Buffer.from([0x05, 0x00]);
      for (let k = 0; k < s.depth; k++) b = tlv(0x30, b);
      return encodeContentInfo(O.id_signedData, b);
    }
    case 'multipartSignedNesting': {
      const sig = encodeBase64Lines(DETACHED).toString('latin1');
      let part = 'Content-Type: text/plain\r\n\r\nbottom\r\n';
      for (let k = 0; k < s.depth; k++) {
        const b = `b${k}`;
        part = `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${b}"\r\n\r\n--${b}\r\n${part}\r\n--${b}\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n${sig}--${b}--\r\n`;
      }
      return Buffer.from(HEAD + part, 'latin1');
    }
    case 'manyParts': {
      const parts = Array.from({ length: s.parts }, (_, k) => `--p\r\nContent-Type: text/plain\r\n\r\n${k}\r\n`).join('');
      return Buffer.from(`${HEAD}Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=p\r\n\r\n${parts}--p--\r\n`, 'latin1');
    }
    case 'hugeHeader':
      return Buffer.from(`${HEAD}X-Big: ${'x'.repeat(s.bytes)}\r\n\r\nbody\r\n`, 'latin1');
    case 'manyHeaderLines':
      return Buffer.from(`${HEAD}${'X-A: b\r\n'.repeat(s.lines)}\r\nbody\r\n`, 'latin1');
    case 'lyingTopLength':
      return Buffer.concat([Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(s.tail, 0x30)]);
    case 'fragmentedOctetString': {
      const frag = Buffer.from([0x04, 0x01, 0x41]);
      const content = Buffer.concat([Buffer.from([0x24, 0x80]), Buffer.alloc(s.fragments * 3, frag), Buffer.from([0x00, 0x00])]);
      const sd = Buffer.concat([Buffer.from([0x30, 0x80]), integer(1), setOf([]), Buffer.from([0x30, 0x80]), oid(O.id_data), Buffer.from([0xa0, 0x80]), content, Buffer.from([0, 0, 0, 0]), setOf([]), Buffer.from([0, 0])]);
      return encodeContentInfo(O.id_signedData, sd);
    }
    case 'deepMimeComments':
      return Buffer.from(`${HEAD}Content-Type: application/pkcs7-mime; ${'('.repeat(s.depth)}smime-type=signed-data\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQExADCABgkqhkiG9w0BBwEAAKCAJIAEAkFBAAAAAAAAMQAAAAAAAA==\r\n`, 'latin1');
  }
}
