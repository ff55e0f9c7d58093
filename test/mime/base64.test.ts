import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64LinesLength, decodeBase64Mime, encodeBase64Lines } from '../../src/mime/base64.js';
import { expectDomsecError } from './fixtures.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('encodeBase64Lines', () => {
  it('76-character lines, every line terminated, exact length', () => {
    const data = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
    const out = encodeBase64Lines(data).toString('latin1');
    expect(out.length).toBe(base64LinesLength(200));
    const lines = out.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => l.length)).toEqual([76, 76, 76, 40]);
    expect(lines.join('')).toBe(data.toString('base64'));
    expect(encodeBase64Lines(Buffer.alloc(57), '\n').toString()).toBe('A'.repeat(76) + '\n');
    expect(encodeBase64Lines(Buffer.alloc(0)).length).toBe(0);
  });
});

describe('decodeBase64Mime', () => {
  it('property: decode(encode(x)) === x for CRLF and LF, across chunk sizes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.constantFrom<'\r\n' | '\n'>('\r\n', '\n'), (bytes, eol) => {
        const data = Buffer.from(bytes);
        expect(decodeBase64Mime(encodeBase64Lines(data, eol)).equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: one byte replaced by a character outside the alphabet is refused at its offset', () => {
    const bad = fc.integer({ min: 0, max: 255 }).filter((b) => !(ALPHABET + '= \t\r\n').includes(String.fromCharCode(b)));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.nat(), bad, (bytes, at, b) => {
        const enc = encodeBase64Lines(Buffer.from(bytes));
        const i = at % enc.length;
        enc[i] = b;
        expectDomsecError(() => decodeBase64Mime(enc), 'MALFORMED_MIME', new RegExp(`invalid base64 character 0x${b.toString(16).padStart(2, '0')} at byte offset ${i}$`));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses the URL-safe alphabet that Node would silently accept', () => {
    expectDomsecError(() => decodeBase64Mime(Buffer.from('ab-_\r\n')), 'MALFORMED_MIME', /0x2d/);
    expectDomsecError(() => decodeBase64Mime(Buffer.from('ab_c')), 'MALFORMED_MIME', /0x5f/);
  });

  it('accepts non-canonical input the fast path cannot prove: non-zero trailing bits, inner spaces, no padding', () => {
    expect(decodeBase64Mime(Buffer.from('aGl=')).toString()).toBe('hi');
    expect(decodeBase64Mime(Buffer.from('aG Vs\tbG8=')).toString()).toBe('hello');
    expect(decodeBase64Mime(Buffer.from('aGVsbG8')).toString()).toBe('hello');
    expect(decodeBase64Mime(Buffer.from('aGVs\r\n\r\nbG8=\r\n\r\n')).toString()).toBe('hello');
  });

  it('padding errors', () => {
    expectDomsecError(() => decodeBase64Mime(Buffer.from('aGk=aGk=')), 'MALFORMED_MIME', /after '=' padding at byte offset 4/);
    expectDomsecError(() => decodeBase64Mime(Buffer.from('====')), 'MALFORMED_MIME', /padding/);
    expectDomsecError(() => decodeBase64Mime(Buffer.from('a===')), 'MALFORMED_MIME', /impossible base64 length/);
    expectDomsecError(() => decodeBase64Mime(Buffer.from('aGVsb')), 'MALFORMED_MIME', /impossible base64 length \(5 data/);
  });
});
