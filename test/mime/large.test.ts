import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBody, parseEntity } from '../../src/mime/entity.js';
import { buildMultipartSigned, canonicalizeCrlf, splitMultipart } from '../../src/mime/multipart.js';
import { buildPkcs7MimeEntity } from '../../src/mime/smime.js';

/**
 * Sanity bounds only (issue 2: at least 100 MB of content). Real throughput is measured by the
 * benchmark; these catch accidental quadratic behaviour or per-character string building.
 */
const MB = 1024 * 1024;
const BOUND_MS = 10_000;

function timed<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  console.log(`[mime large] ${label}: ${ms.toFixed(0)} ms`);
  expect(ms).toBeLessThan(BOUND_MS);
  return r;
}

describe('100 MB bodies', () => {
  it('buildPkcs7MimeEntity -> parseEntity -> decodeBody round-trips 100 MB of DER', () => {
    const der = randomFillSync(Buffer.allocUnsafe(100 * MB));
    const msg = timed('buildPkcs7MimeEntity 100 MB', () => buildPkcs7MimeEntity(der, 'signed-data', { headers: [['Subject', 'big']] }));
    const e = timed('parseEntity', () => parseEntity(msg));
    expect(e.body.length).toBeGreaterThan(136 * MB);
    const out = timed('decodeBody (base64) 100 MB', () => decodeBody(e));
    expect(out.length).toBe(der.length);
    expect(out.equals(der)).toBe(true);
  });

  it('a 100 MB bad base64 character near the end is found', () => {
    const body = Buffer.alloc(100 * MB, 0x41);
    for (let i = 76; i < body.length; i += 78) {
      body[i] = 0x0d;
      body[i + 1] = 0x0a;
    }
    body[body.length - 10] = 0x2a; // '*'
    const e = parseEntity(Buffer.concat([Buffer.from('Content-Transfer-Encoding: base64\r\n\r\n'), body]));
    timed('decodeBody rejecting 100 MB', () => expect(() => decodeBody(e)).toThrow(/invalid base64 character 0x2a/));
  });

  it('multipart/signed with a 100 MB LF first part: canonicalise, build, split', () => {
    const line = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n');
    const text = Buffer.alloc(100 * MB);
    for (let o = 0; o < text.length; o += line.length) line.copy(text, o);
    const signedPart = Buffer.concat([Buffer.from('Content-Type: text/plain\n\n'), text.subarray(0, text.lastIndexOf(0x0a))]);
    const canon = timed('canonicalizeCrlf 100 MB', () => canonicalizeCrlf(signedPart));
    const msg = timed('buildMultipartSigned', () =>
      buildMultipartSigned({ signedPart, signatureDer: Buffer.from('3003020101', 'hex'), micalg: 'sha-256', boundary: 'big-b' }),
    );
    const s = timed('parseEntity + splitMultipart', () => splitMultipart(parseEntity(msg)));
    expect(s.parts).toHaveLength(2);
    expect(s.parts[0]!.equals(canon)).toBe(true);
  });
});
