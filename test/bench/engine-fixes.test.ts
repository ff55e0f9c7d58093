/**
 * The performance fixes the benchmark led to (README "Benchmark"), held to the behaviour they replaced:
 *  - base64: lines moved with copyWithin when encoding; a fixed-width-lines fast path when decoding that
 *    must accept exactly what the validating decoder accepts, with the same bytes and the same errors;
 *  - DER: tlvChain() joins once and must encode exactly as nested tlv() calls;
 *  - splitOuterHeaders: a view instead of a copy when the Content-* fields close the header block.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBase64Mime, encodeBase64Lines } from '../../src/mime/base64.js';
import { parseEntity, splitOuterHeaders } from '../../src/mime/index.js';
import { tlv, tlvChain, TAG } from '../../src/cms/der.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of `data` in lines of `width` characters, each ended by `eol` (the last one optionally not). */
function lines(data: Buffer, width: number, eol: string, finalEol: boolean): Buffer {
  const b64 = data.toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += width) out.push(b64.slice(i, i + width));
  return Buffer.from(out.join(eol) + (finalEol && out.length ? eol : ''), 'latin1');
}

describe('encodeBase64Lines (lines moved in place)', () => {
  it('equals the naive line split, across the 1 MiB chunk boundary, CRLF and LF', () => {
    for (const n of [0, 1, 56, 57, 58, 933_887, 933_888, 933_889, 2_000_001]) {
      const data = randomBytes(n);
      for (const eol of ['\r\n', '\n'] as const) expect(encodeBase64Lines(data, eol).equals(lines(data, 76, eol, true)), `${n} ${JSON.stringify(eol)}`).toBe(true);
    }
  });
});

describe('decodeBase64Mime fixed-width fast path', () => {
  const width = fc.integer({ min: 1, max: 40 }).map((k) => k * 4);
  const eol = fc.constantFrom('\r\n', '\n');

  it('property: any width that is a multiple of 4 (OpenSSL writes 64), CRLF or LF, final line end or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), width, eol, fc.boolean(), (bytes, w, e, fin) => {
        const data = Buffer.from(bytes);
        expect(decodeBase64Mime(lines(data, w, e, fin)).equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: one byte replaced by a character outside the alphabet is refused at its offset, whatever the width', () => {
    const bad = fc.integer({ min: 0, max: 255 }).filter((b) => !(ALPHABET + '= \t\r\n').includes(String.fromCharCode(b)));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), width, eol, fc.nat(), bad, (bytes, w, e, at, b) => {
        const enc = lines(Buffer.from(bytes), w, e, true);
        const i = at % enc.length;
        enc[i] = b;
        expect(() => decodeBase64Mime(enc)).toThrow(new RegExp(`invalid base64 character 0x${b.toString(16).padStart(2, '0')} at byte offset ${i}$`));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses URL-safe characters and data after padding in regular lines; decodes a line end or space inside a line like the validating path', () => {
    const enc = lines(Buffer.alloc(300, 0xfb), 64, '\r\n', true);
    const urlSafe = Buffer.from(enc);
    urlSafe[70] = 0x2d; // '-'
    expect(() => decodeBase64Mime(urlSafe)).toThrow(/0x2d at byte offset 70/);
    const padded = Buffer.from(enc);
    padded[10] = 0x3d; // '=' in the middle
    expect(() => decodeBase64Mime(padded)).toThrow(/after '=' padding/);
    const data = randomBytes(200);
    const spaced = lines(data, 64, '\r\n', true).toString('latin1');
    const withSpace = Buffer.from(spaced.slice(0, 20) + ' ' + spaced.slice(20), 'latin1');
    expect(decodeBase64Mime(withSpace).equals(data)).toBe(true);
    const withBreak = Buffer.from(spaced.slice(0, 20) + '\r\n' + spaced.slice(20), 'latin1');
    expect(decodeBase64Mime(withBreak).equals(data)).toBe(true);
  });
});

describe('tlvChain', () => {
  it('property: encodes exactly as nested tlv(), at every length form', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }), fc.integer({ min: 0, max: 70_000 }), (parts, big) => {
        const bufs = parts.map((p) => Buffer.from(p));
        const content = Buffer.alloc(big, 7);
        const nested = tlv(TAG.SEQUENCE, ...bufs, tlv(0xa0, tlv(TAG.OCTET_STRING, content)));
        const chained = tlvChain(TAG.SEQUENCE, ...bufs, tlvChain(0xa0, tlvChain(TAG.OCTET_STRING, content)));
        expect(chained.length).toBe(nested.length);
        expect(chained.toBuffer().equals(nested)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('splitOuterHeaders', () => {
  const body = 'QUJD\r\n';
  it('returns a view of the input when the Content-* fields close the header block', () => {
    const raw = Buffer.from(`From: a@example.test\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}`);
    const s = splitOuterHeaders(parseEntity(raw));
    expect(s.inner.toString()).toBe(`Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}`);
    expect(s.inner.buffer).toBe(raw.buffer);
    expect(s.inner.byteOffset).toBe(raw.byteOffset + raw.indexOf('Content-Type'));
    expect(s.outer.map((h) => h.name)).toEqual(['From', 'Subject']);
  });

  it('copies, with the same result as before, when fields are interleaved or there are only message fields', () => {
    const raw = Buffer.from(`Content-Type: text/plain\r\nFrom: a@example.test\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}`);
    const s = splitOuterHeaders(parseEntity(raw));
    expect(s.inner.toString()).toBe(`Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}`);
    const only = splitOuterHeaders(parseEntity(Buffer.from(`From: a@example.test\r\nMIME-Version: 1.0\r\n\r\n${body}`)));
    expect(only.inner.toString()).toBe(`\r\n${body}`);
  });
});
