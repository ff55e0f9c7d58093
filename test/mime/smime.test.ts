import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBody, getHeader, getHeaders, parseEntity } from '../../src/mime/entity.js';
import {
  buildPkcs7MimeEntity,
  classifyEntity,
  isMessageHeader,
  prependHeaders,
  splitOuterHeaders,
  type SmimeType,
} from '../../src/mime/smime.js';
import { formatHeaderField } from '../../src/mime/headers.js';
import { expectDomsecError, fx } from './fixtures.js';

describe('classifyEntity', () => {
  const cases: Array<[string, unknown]> = [
    ['pkcs7-signed-data.eml', { kind: 'signedData', smimeType: 'signed-data' }],
    ['x-pkcs7-enveloped-data.eml', { kind: 'envelopedData', smimeType: 'enveloped-data' }],
    ['pkcs7-authenveloped-data.eml', { kind: 'authEnvelopedData', smimeType: 'authenveloped-data' }],
    ['pkcs7-no-smime-type.eml', { kind: 'pkcs7-unknown' }],
    ['pkcs7-compressed.eml', { kind: 'pkcs7-unknown', smimeType: 'compressed-data' }],
    ['octet-stream-p7m.eml', { kind: 'pkcs7-unknown' }],
    ['rfc2231.eml', { kind: 'pkcs7-unknown' }], // octet-stream with an RFC 2231-continued name *.p7m
    ['octet-stream-other.eml', { kind: 'content' }],
    ['multipart-signed-crlf.eml', { kind: 'multipartSigned', micalg: 'sha-256', protocol: 'application/pkcs7-signature' }],
    ['x-pkcs7-signature-signed.eml', { kind: 'multipartSigned', micalg: 'SHA1', protocol: 'application/x-pkcs7-signature' }],
    ['pgp-signed.eml', { kind: 'content' }],
    ['multipart-mixed-crlf.eml', { kind: 'content' }],
    ['simple-lf.eml', { kind: 'content' }],
    ['no-headers.eml', { kind: 'content' }],
  ];
  for (const [file, kind] of cases) {
    it(`${file} -> ${JSON.stringify(kind)}`, () => {
      expect(classifyEntity(parseEntity(fx(file)))).toEqual(kind);
    });
  }
  it('multipart/signed without micalg has no micalg key', () => {
    const e = parseEntity(Buffer.from('Content-Type: multipart/signed; protocol="Application/PKCS7-Signature"; boundary=b\r\n\r\n'));
    expect(classifyEntity(e)).toEqual({ kind: 'multipartSigned', protocol: 'application/pkcs7-signature' });
  });
});

describe('buildPkcs7MimeEntity', () => {
  const der = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));

  it('exact layout with outer headers first and MIME-Version added', () => {
    const out = buildPkcs7MimeEntity(der, 'enveloped-data', {
      headers: [
        ['From', 'alice@example.test'],
        ['Subject', 'x'],
      ],
    });
    const text = out.toString('latin1');
    const head = text.slice(0, text.indexOf('\r\n\r\n') + 4);
    expect(head).toBe(
      'From: alice@example.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: application/pkcs7-mime; smime-type=enveloped-data;\r\n name=smime.p7m\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: attachment; filename=smime.p7m\r\n\r\n',
    );
    const lines = text.slice(head.length).split('\r\n');
    expect(lines.pop()).toBe(''); // every line ends in CRLF
    expect(lines.slice(0, -1).every((l) => l.length === 76)).toBe(true);
    expect(lines.join('')).toBe(der.toString('base64'));
    const e = parseEntity(out);
    expect(classifyEntity(e)).toEqual({ kind: 'envelopedData', smimeType: 'enveloped-data' });
    expect(decodeBody(e).equals(der)).toBe(true);
  });

  it('reuses parsed outer header fields byte for byte and does not duplicate MIME-Version', () => {
    const orig = parseEntity(fx('simple-crlf.eml'));
    const { outer } = splitOuterHeaders(orig);
    const out = buildPkcs7MimeEntity(der, 'signed-data', { headers: [...outer, orig.headers.find((h) => h.name === 'MIME-Version')!] });
    const e = parseEntity(out);
    expect(getHeaders(e, 'mime-version')).toEqual(['1.0']);
    expect(out.subarray(0, Buffer.concat(outer.map((h) => h.raw)).length).equals(Buffer.concat(outer.map((h) => h.raw)))).toBe(true);
    expect(getHeader(e, 'subject')).toBe('A folded  subject line');
  });

  it('converts LF outer fields to the output line ending; supports eol "\\n"', () => {
    const { outer } = splitOuterHeaders(parseEntity(fx('simple-lf.eml')));
    const crlf = buildPkcs7MimeEntity(der, 'signed-data', { headers: outer });
    expect(crlf.toString('latin1').replace(/\r\n/g, '')).not.toContain('\n');
    const lf = buildPkcs7MimeEntity(der, 'signed-data', { headers: outer, eol: '\n' });
    expect(lf.includes('\r')).toBe(false);
    const e = parseEntity(lf);
    expect(e.eol).toBe('\n');
    expect(decodeBody(e).equals(der)).toBe(true);
  });

  it('signed-data without outer headers: the Content-Type fits on one line', () => {
    const out = buildPkcs7MimeEntity(Buffer.from('3000', 'hex'), 'signed-data').toString('latin1');
    expect(out).toBe(
      'MIME-Version: 1.0\r\n' +
        'Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: attachment; filename=smime.p7m\r\n\r\nMAA=\r\n',
    );
  });

  it('empty DER gives an empty body', () => {
    const e = parseEntity(buildPkcs7MimeEntity(Buffer.alloc(0), 'signed-data'));
    expect(e.body.length).toBe(0);
    expect(decodeBody(e).length).toBe(0);
  });

  it('refuses Content-* among the outer headers, header injection, unknown smime-type', () => {
    expectDomsecError(() => buildPkcs7MimeEntity(der, 'signed-data', { headers: [['Content-Type', 'text/plain']] }), 'BAD_ARGUMENT');
    expectDomsecError(() => buildPkcs7MimeEntity(der, 'signed-data', { headers: [['Subject', 'x\r\nBcc: evil@example.test']] }), 'BAD_ARGUMENT', /injection/);
    expectDomsecError(() => buildPkcs7MimeEntity(der, 'certs-only' as SmimeType), 'BAD_ARGUMENT');
  });

  it('property: random outer headers and DER survive build -> parse -> decodeBody exactly', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/).filter((n) => isMessageHeader(n));
    // Printable ASCII, spaces and tabs, no CR/LF; trimmed so the parsed value is comparable.
    const value = fc
      .array(fc.constantFrom(...'abcXYZ 019 \t;:="(),<>@.-_'.split('')), { maxLength: 200 })
      .map((a) => a.join('').replace(/^[ \t]+|[ \t]+$/g, ''));
    const smimeType = fc.constantFrom<SmimeType>('signed-data', 'enveloped-data', 'authEnveloped-data');
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.tuple(name, value), { maxLength: 8 }),
        smimeType,
        fc.constantFrom<'\r\n' | '\n'>('\r\n', '\n'),
        (bytes, headers, type, eol) => {
          const der = Buffer.from(bytes);
          const out = buildPkcs7MimeEntity(der, type, { headers, eol });
          const e = parseEntity(out);
          expect(e.eol).toBe(eol);
          expect(decodeBody(e).equals(der)).toBe(true);
          // Folding is undone by unfolding, except that a fold before WSP keeps that WSP.
          expect(e.headers.slice(0, headers.length).map((h) => [h.name, h.value])).toEqual(headers);
          expect(classifyEntity(e).kind).toBe(
            type === 'signed-data' ? 'signedData' : type === 'enveloped-data' ? 'envelopedData' : 'authEnvelopedData',
          );
          for (const l of out.subarray(0, e.bodyOffset).toString('latin1').split(eol)) {
            // Folding keeps lines within 78 columns unless the line is one word that cannot be split.
            if (l.length <= 78) continue;
            const rest = /^[ \t]/.test(l) ? l.replace(/^[ \t]+/, '') : l.slice(l.indexOf(':') + 2);
            expect(rest.trimEnd()).not.toMatch(/[ \t]/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('splitOuterHeaders', () => {
  for (const file of ['simple-crlf.eml', 'simple-lf.eml', 'multipart-signed-crlf.eml']) {
    it(`${file}: message fields outside, Content-* inside, body bytes identical`, () => {
      const e = parseEntity(fx(file));
      const { outer, inner } = splitOuterHeaders(e);
      expect(outer.every((h) => isMessageHeader(h.name))).toBe(true);
      expect(outer.map((h) => h.name)).toEqual(e.headers.filter((h) => isMessageHeader(h.name)).map((h) => h.name));
      outer.forEach((h) => expect(e.raw.includes(h.raw)).toBe(true));
      const ie = parseEntity(inner);
      expect(ie.headers.map((h) => h.name)).toEqual(
        e.headers.filter((h) => h.name.toLowerCase().startsWith('content-')).map((h) => h.name),
      );
      ie.headers.forEach((h, i) => expect(h.raw.equals(e.headers.filter((x) => /^content-/i.test(x.name))[i]!.raw)).toBe(true));
      expect(ie.body.equals(e.body)).toBe(true);
      expect(inner.subarray(inner.length - e.body.length).equals(e.body)).toBe(true);
      expect(ie.eol).toBe(e.eol);
      expect(classifyEntity(ie)).toEqual(classifyEntity(e));
    });
  }

  it('the Received field with its folding is kept whole; MIME-Version goes to neither side', () => {
    const e = parseEntity(fx('simple-crlf.eml'));
    const { outer, inner } = splitOuterHeaders(e);
    expect(outer.map((h) => h.name)).toEqual(['Received', 'From', 'To', 'Subject', 'Date', 'Message-ID', 'X-Custom']);
    expect(outer[0]!.raw.equals(e.headers[0]!.raw)).toBe(true);
    expect(inner.toString()).toBe(
      'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello Bob,\r\nThis is the body.\r\n',
    );
  });

  it('no Content-* fields: the inner entity starts with the blank line; headers only: a blank line is added', () => {
    const e = parseEntity(Buffer.from('From: a\nSubject: b\n\nbody\n'));
    expect(splitOuterHeaders(e).inner.toString()).toBe('\nbody\n');
    const h = parseEntity(fx('headers-only-noeol.eml'));
    expect(splitOuterHeaders(h).inner.toString()).toBe('\r\n');
    const c = parseEntity(Buffer.from('From: a\r\nContent-Type: text/plain'));
    expect(splitOuterHeaders(c).inner.toString()).toBe('Content-Type: text/plain\r\n\r\n');
  });

  it('isMessageHeader', () => {
    for (const n of ['From', 'To', 'Cc', 'Subject', 'Date', 'Message-ID', 'Received', 'X-Mailer', 'Authentication-Results', 'Content']) {
      expect(isMessageHeader(n)).toBe(true);
    }
    for (const n of ['Content-Type', 'content-transfer-encoding', 'CONTENT-DISPOSITION', 'Content-ID', 'MIME-Version', 'mime-version']) {
      expect(isMessageHeader(n)).toBe(false);
    }
  });
});

describe('prependHeaders', () => {
  it('prepends folded fields in the message line ending, leaving the rest byte-identical', () => {
    const raw = fx('simple-lf.eml');
    const ar =
      'mx.example.net; smime=pass header.smime-identifier=alice@example.test header.smime-serial=0123456789abcdef policy.domain=example.test';
    const out = prependHeaders(raw, [['Authentication-Results', ar], ['X-Short', 'v']]);
    expect(out.subarray(out.length - raw.length).equals(raw)).toBe(true);
    const added = out.subarray(0, out.length - raw.length).toString();
    expect(added.includes('\r')).toBe(false);
    expect(added.split('\n').filter(Boolean).length).toBeGreaterThan(2); // folded
    for (const l of added.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
    const e = parseEntity(out);
    expect(getHeader(e, 'authentication-results')).toBe(ar);
    expect(getHeader(e, 'x-short')).toBe('v');
    const crlf = prependHeaders(fx('simple-crlf.eml'), [['A', 'b']]);
    expect(crlf.subarray(0, 6).toString()).toBe('A: b\r\n');
  });

  it('refuses header injection: CR, LF or NUL in a value; bad names', () => {
    const raw = fx('simple-crlf.eml');
    for (const v of ['x\r\nBcc: evil@example.test', 'x\nBcc: e', 'x\rBcc: e', 'x\r\n\r\nbody', 'a\u0000b']) {
      expectDomsecError(() => prependHeaders(raw, [['Authentication-Results', v]]), 'BAD_ARGUMENT', /injection/);
    }
    for (const n of ['', 'Bad Name', 'Bad:Name', 'Ünicode', 'X\r\nY']) {
      expectDomsecError(() => prependHeaders(raw, [[n, 'v']]), 'BAD_ARGUMENT', /name/);
    }
  });

  it('folding: never splits a word, never leaves a whitespace-only line, refuses > 998 octets', () => {
    const long = 'a'.repeat(100);
    expect(formatHeaderField('X', `${long} b`).toString()).toBe(`X: ${long}\r\n b\r\n`);
    expect(formatHeaderField('X', 'one two   ').toString()).toBe('X: one two   \r\n');
    expect(formatHeaderField('X', '').toString()).toBe('X:\r\n');
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const f = formatHeaderField('Subject', words).toString();
    expect(f.split('\r\n').slice(0, -1).every((l) => l.length <= 78 && /\S/.test(l))).toBe(true);
    expect(f.replace(/\r\n(?=[ \t])/g, '')).toBe(`Subject: ${words}\r\n`);
    expectDomsecError(() => formatHeaderField('X', 'a'.repeat(996)), 'BAD_ARGUMENT', /998/);
  });
});
