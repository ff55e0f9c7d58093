import { describe, expect, it } from 'vitest';
import { integer, octets, readBer, setOf, time, tlv, octetStringBytes } from '../../src/cms/der.js';

describe('DER building blocks', () => {
  it('uses the short length form below 128 and the long form above (X.690 8.1.3)', () => {
    expect(tlv(0x04, Buffer.alloc(127)).subarray(0, 2)).toEqual(Buffer.from([0x04, 0x7f]));
    expect(tlv(0x04, Buffer.alloc(128)).subarray(0, 3)).toEqual(Buffer.from([0x04, 0x81, 0x80]));
    expect(tlv(0x04, Buffer.alloc(70000)).subarray(0, 5)).toEqual(Buffer.from([0x04, 0x83, 0x01, 0x11, 0x70]));
  });

  it('encodes INTEGERs minimally and positive', () => {
    expect(integer(Buffer.from([0x00, 0x00, 0x7f]))).toEqual(Buffer.from([0x02, 0x01, 0x7f]));
    expect(integer(Buffer.from([0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(3)).toEqual(Buffer.from([0x02, 0x01, 0x03]));
  });

  it('sorts SET OF elements by their encodings (X.690 11.6)', () => {
    const a = octets(Buffer.from([2]));
    const b = octets(Buffer.from([1, 1]));
    const c = octets(Buffer.from([1]));
    expect(setOf([a, b, c])).toEqual(tlv(0x31, c, a, b));
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5652 11.3)', () => {
    expect(time(new Date('2049-12-31T23:59:59Z')).toString('latin1', 2)).toBe('491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1', 2)).toBe('20500101000000Z');
  });

  it('reads constructed (BER) OCTET STRINGs and indefinite lengths as one value', () => {
    // 24 80 | 04 02 'ab' | 04 01 'c' | 00 00  -> "abc"
    const ber = Buffer.from([0x24, 0x80, 0x04, 0x02, 0x61, 0x62, 0x04, 0x01, 0x63, 0x00, 0x00]);
    expect(octetStringBytes(readBer(ber, { what: 'test' })).toString()).toBe('abc');
  });

  it('refuses trailing bytes, truncation and empty input with MALFORMED_DER', () => {
    expect(() => readBer(Buffer.from([0x04, 0x01, 0x61, 0x00]), { what: 'x' })).toThrowError(expect.objectContaining({ code: 'MALFORMED_DER' }));
    expect(() => readBer(Buffer.from([0x04, 0x05, 0x61]), { what: 'x' })).toThrowError(expect.objectContaining({ code: 'MALFORMED_DER' }));
    expect(() => readBer(Buffer.alloc(0), { what: 'x' })).toThrowError(expect.objectContaining({ code: 'MALFORMED_DER' }));
  });
});
