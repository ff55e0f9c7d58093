import { describe, expect, it } from 'vitest';
import {
  contentTransferEncoding,
  decodeBody,
  decodeQuotedPrintable,
  getHeader,
  getHeaders,
  parseContentType,
  parseEntity,
  parseStructuredHeader,
} from '../../src/mime/entity.js';
import { MAX_HEADER_BYTES } from '../../src/limits.js';
import { expectDomsecError, fx } from './fixtures.js';

describe('parseEntity: CRLF and LF', () => {
  for (const [file, eol] of [
    ['simple-crlf.eml', '\r\n'],
    ['simple-lf.eml', '\n'],
  ] as const) {
    it(`${file}: headers, folding, body, eol`, () => {
      const raw = fx(file);
      const e = parseEntity(raw);
      expect(e.eol).toBe(eol);
      expect(e.raw).toBe(raw);
      expect(e.headers.map((h) => h.name)).toEqual([
        'Received',
        'From',
        'To',
        'Subject',
        'Date',
        'Message-ID',
        'X-Custom',
        'MIME-Version',
        'Content-Type',
        'Content-Transfer-Encoding',
      ]);
      // Unfolded: the line terminator removed, the folding whitespace kept.
      expect(getHeader(e, 'subject')).toBe('A folded  subject line');
      expect(getHeader(e, 'RECEIVED')).toBe(
        'from mail.example.test (mail.example.test [192.0.2.1])\tby mx.example.net with ESMTPS id abc123;\tThu, 28 Nov 2024 12:00:00 +0000',
      );
      expect(getHeader(e, 'x-custom')).toBe('padded value');
      // raw of a folded field: every continuation line and the terminator.
      const subj = e.headers[3]!;
      expect(subj.raw.toString('latin1')).toBe(`Subject: A folded${eol}  subject line${eol}`);
      expect(e.headers[0]!.raw.toString('latin1').split(eol)).toHaveLength(4);
      // Header block + separator + body is the input, exactly.
      expect(Buffer.concat(e.headers.map((h) => h.raw)).equals(e.headerBytes)).toBe(true);
      const sep = raw.subarray(e.headerBytes.length, e.bodyOffset);
      expect(sep.toString('latin1')).toBe(eol);
      expect(Buffer.concat([e.headerBytes, sep, e.body]).equals(raw)).toBe(true);
      expect(e.body.toString('latin1')).toBe(`Hello Bob,${eol}This is the body.${eol}`);
      expect(decodeBody(e)).toBe(e.body); // 7bit: the same bytes, not a copy
    });
  }

  it('mixed line endings: LF LF and CRLF LF both end the header block', () => {
    const e = parseEntity(fx('mixed-eol.eml'));
    expect(e.eol).toBe('\r\n');
    expect(e.headers.map((h) => [h.name, h.value])).toEqual([
      ['From', 'a@example.test'],
      ['To', 'b@example.net'],
      ['Subject', 'mixed'],
    ]);
    expect(e.headers[1]!.raw.toString('latin1')).toBe('To: b@example.net\n');
    expect(e.body.toString('latin1')).toBe('body line 1\r\nbody line 2\n');
    const e2 = parseEntity(Buffer.from('A: 1\n\r\nbody'));
    expect(e2.eol).toBe('\n');
    expect(e2.body.toString()).toBe('body');
    expect(e2.bodyOffset).toBe(7);
  });

  it('headers only: no separator means an empty body', () => {
    const raw = fx('headers-only.eml');
    const e = parseEntity(raw);
    expect(e.headers.map((h) => h.value)).toEqual(['a@example.test', 'no body']);
    expect(e.body.length).toBe(0);
    expect(e.bodyOffset).toBe(raw.length);
    expect(e.headerBytes.equals(raw)).toBe(true);
    const e2 = parseEntity(fx('headers-only-noeol.eml'));
    expect(getHeader(e2, 'subject')).toBe('no body');
    expect(e2.headers[1]!.raw.toString()).toBe('Subject: no body');
  });

  it('no headers: a leading blank line starts the body', () => {
    const e = parseEntity(fx('no-headers.eml'));
    expect(e.headers).toEqual([]);
    expect(e.headerBytes.length).toBe(0);
    expect(e.body.toString()).toBe('just a body\r\n');
    expect(parseContentType(getHeader(e, 'content-type'))).toEqual({
      type: 'text',
      subtype: 'plain',
      params: { charset: 'us-ascii' },
    });
  });

  it('empty input: no headers, empty body, CRLF default', () => {
    const e = parseEntity(Buffer.alloc(0));
    expect(e.headers).toEqual([]);
    expect(e.body.length).toBe(0);
    expect(e.eol).toBe('\r\n');
  });

  it('obsolete WSP before the colon is accepted; name kept as written', () => {
    const e = parseEntity(Buffer.from('Subject : hi\r\n\r\n'));
    expect(e.headers[0]!.name).toBe('Subject');
    expect(e.headers[0]!.value).toBe('hi');
  });

  it('UTF-8 header values (RFC 6532) decode; raw keeps the bytes', () => {
    const raw = Buffer.from('Subject: café\r\n\r\n', 'utf8');
    const e = parseEntity(raw);
    expect(getHeader(e, 'subject')).toBe('café');
    expect(e.headers[0]!.raw.equals(raw.subarray(0, raw.length - 2))).toBe(true);
  });

  it('getHeaders returns every occurrence in order, case-insensitively', () => {
    const e = parseEntity(Buffer.from('Received: a\r\nreceived: b\r\nRECEIVED: c\r\nX: y\r\n\r\n'));
    expect(getHeaders(e, 'Received')).toEqual(['a', 'b', 'c']);
    expect(getHeaders(e, 'missing')).toEqual([]);
    expect(getHeader(e, 'received')).toBe('a');
    expect(getHeader(e, 'missing')).toBeUndefined();
  });
});

describe('parseEntity: refusals', () => {
  it('an mbox "From " first line is not a header field', () => {
    expectDomsecError(() => parseEntity(fx('mbox-from-line.eml')), 'MALFORMED_MIME', /line 1 is not a header field/);
  });
  it('a first line starting with whitespace', () => {
    expectDomsecError(() => parseEntity(fx('leading-continuation.eml')), 'MALFORMED_MIME', /continuation/);
  });
  it('a later line without a colon', () => {
    expectDomsecError(() => parseEntity(fx('bad-header-line.eml')), 'MALFORMED_MIME', /line 2 /);
  });
  it('an empty field name, and a non-ASCII name', () => {
    expectDomsecError(() => parseEntity(Buffer.from(': value\r\n\r\n')), 'MALFORMED_MIME');
    expectDomsecError(() => parseEntity(Buffer.from('Sübject: x\r\n\r\n', 'utf8')), 'MALFORMED_MIME');
  });
  it('a header block over MAX_HEADER_BYTES is LIMIT_EXCEEDED; exactly at the limit is fine', () => {
    const field = (len: number): string => `X-Big: ${'a'.repeat(len - 'X-Big: '.length - 2)}\r\n`;
    const ok = Buffer.from(field(MAX_HEADER_BYTES) + '\r\nbody');
    expect(parseEntity(ok).headerBytes.length).toBe(MAX_HEADER_BYTES);
    const big = Buffer.from(field(MAX_HEADER_BYTES + 1) + '\r\nbody');
    expectDomsecError(() => parseEntity(big), 'LIMIT_EXCEEDED', /MAX_HEADER_BYTES/);
    // Many small fields add up too; and a single huge line without any LF.
    const many = Buffer.from('X-A: b\r\n'.repeat(MAX_HEADER_BYTES / 8 + 1) + '\r\n');
    expectDomsecError(() => parseEntity(many), 'LIMIT_EXCEEDED');
    expectDomsecError(() => parseEntity(Buffer.from('X: ' + 'a'.repeat(MAX_HEADER_BYTES))), 'LIMIT_EXCEEDED');
  });
  it('the header limit does not apply to the body', () => {
    const body = Buffer.alloc(MAX_HEADER_BYTES * 3, 0x61);
    const e = parseEntity(Buffer.concat([Buffer.from('A: b\r\n\r\n'), body]));
    expect(e.body.length).toBe(body.length);
  });
});

describe('parseContentType', () => {
  it('defaults to text/plain; charset=us-ascii when absent, empty or invalid (RFC 2045 5.2)', () => {
    const dflt = { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } };
    expect(parseContentType(undefined)).toEqual(dflt);
    expect(parseContentType('')).toEqual(dflt);
    expect(parseContentType('text')).toEqual(dflt);
    expect(parseContentType('/plain')).toEqual(dflt);
    expect(parseContentType('text/')).toEqual(dflt);
  });

  it('lowercases type, subtype and parameter names, keeps value case', () => {
    const ct = parseContentType('Multipart/Signed; Protocol="application/pkcs7-signature"; MICALG=SHA-256; Boundary="AbC"');
    expect(ct.type).toBe('multipart');
    expect(ct.subtype).toBe('signed');
    expect(ct.params).toEqual({ protocol: 'application/pkcs7-signature', micalg: 'SHA-256', boundary: 'AbC' });
  });

  it('quoted strings with escapes; comments ignored, also around "/" and "="', () => {
    const ct = parseContentType(
      '(lead) text (c1) / (c2) html (a \\) nested (comment)) ; charset (x) = "utf\\"-8" ; x="a;b" (tail)',
    );
    expect(ct.type).toBe('text');
    expect(ct.subtype).toBe('html');
    expect(ct.params).toEqual({ charset: 'utf"-8', x: 'a;b' });
  });

  it('lenient: unquoted tspecials in values, trailing ";", garbage and duplicate parameters', () => {
    const ct = parseContentType('multipart/signed; protocol=application/pkcs7-signature; micalg=sha-256;; bogus ; a=1; a=2;');
    expect(ct.params).toEqual({ protocol: 'application/pkcs7-signature', micalg: 'sha-256', a: '1' });
  });

  it('folded values (CRLF kept in the string) parse the same', () => {
    expect(parseContentType('text/plain;\r\n\tcharset=utf-8').params['charset']).toBe('utf-8');
  });

  it('RFC 2231 continuations, extended values, charset and precedence', () => {
    const ct = parseContentType(
      "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
    );
    expect(ct.params['title']).toBe("This is even more ***fun*** isn't it!");
    expect(parseContentType("a/b; name*=utf-8''%E2%82%AC%20rates").params['name']).toBe('€ rates');
    expect(parseContentType("a/b; name*=iso-8859-1'de'%E4").params['name']).toBe('ä');
    // Unknown charset: octets survive as latin1.
    expect(parseContentType("a/b; name*=x-unknown''%E4").params['name']).toBe('\u00e4');
    // Plain segments joined; stops at the first gap.
    expect(parseContentType('a/b; n*0=foo; n*1=bar; n*3=baz').params['n']).toBe('foobar');
    // No segment 0: ignored.
    expect(parseContentType('a/b; n*1=bar').params['n']).toBeUndefined();
    // The RFC 2231 form wins over a plain parameter of the same name.
    expect(parseContentType("a/b; name=plain; name*=utf-8''ext").params['name']).toBe('ext');
    // A malformed %-escape is kept literally.
    expect(parseContentType("a/b; n*=utf-8''100%ZZ").params['n']).toBe('100%ZZ');
  });

  it('rfc2231.eml: continuation, comment, escaped quotes, Content-Disposition filename*', () => {
    const e = parseEntity(fx('rfc2231.eml'));
    const ct = parseContentType(getHeader(e, 'content-type'));
    expect(`${ct.type}/${ct.subtype}`).toBe('application/octet-stream');
    expect(ct.params).toEqual({ name: 'long-filename.p7m', 'x-note': 'say "hi" (not a comment)' });
    const cd = parseStructuredHeader(getHeader(e, 'content-disposition'));
    expect(cd.value).toBe('attachment');
    expect(cd.params['filename']).toBe('€ rates.txt');
    expect(decodeBody(e).toString()).toBe('hello');
  });

  it('params has no prototype keys', () => {
    expect(parseContentType('a/b; constructor=x').params['constructor']).toBe('x');
    expect(parseContentType('a/b').params['toString']).toBeUndefined();
  });
});

describe('decodeBody', () => {
  it('base64 tolerant of line breaks, trailing spaces, tabs, mechanism case and comments', () => {
    const e = parseEntity(fx('base64-ok.eml'));
    expect(contentTransferEncoding(e)).toBe('base64');
    expect(decodeBody(e).equals(fx('base64-ok.payload'))).toBe(true);
  });

  it('base64 with an invalid character names it and its offset', () => {
    expectDomsecError(() => decodeBody(parseEntity(fx('base64-bad-char.eml'))), 'MALFORMED_MIME', /invalid base64 character 0x21 at byte offset 12/);
  });

  it('base64 with an impossible length (4n+1)', () => {
    expectDomsecError(() => decodeBody(parseEntity(fx('base64-bad-length.eml'))), 'MALFORMED_MIME', /impossible base64 length/);
  });

  it('base64 with data after padding, or bad padding', () => {
    expectDomsecError(() => decodeBody(parseEntity(fx('base64-data-after-pad.eml'))), 'MALFORMED_MIME', /after '=' padding/);
    const mk = (b: string) => parseEntity(Buffer.from(`Content-Transfer-Encoding: base64\r\n\r\n${b}`));
    expectDomsecError(() => decodeBody(mk('aGk===')), 'MALFORMED_MIME', /padding/);
    expectDomsecError(() => decodeBody(mk('aGk==')), 'MALFORMED_MIME', /padding/);
    expectDomsecError(() => decodeBody(mk('aGk=\r\n=')), 'MALFORMED_MIME', /padding/);
  });

  it('base64 edge cases: empty, unpadded tail, whitespace only', () => {
    const mk = (b: string) => decodeBody(parseEntity(Buffer.from(`Content-Transfer-Encoding: base64\r\n\r\n${b}`)));
    expect(mk('').length).toBe(0);
    expect(mk(' \r\n\t\r\n').length).toBe(0);
    expect(mk('aGk').toString()).toBe('hi');
    expect(mk('aGk=').toString()).toBe('hi');
    expect(mk('aA==').toString('hex')).toBe('68');
    expect(mk('aGVs\r\nbG8=\r\n').toString()).toBe('hello');
  });

  it('quoted-printable: escapes, lowercase hex, soft breaks, transport padding, bad escapes kept', () => {
    const e = parseEntity(fx('qp.eml'));
    expect(decodeBody(e).toString('utf8')).toBe('café naïve\r\nsoft break and = sign\r\nbad =ZZ escape');
    expect(decodeQuotedPrintable(Buffer.from('a=\nb\n=4')).toString()).toBe('ab\n=4');
    expect(decodeQuotedPrintable(Buffer.from('x=\r\n')).toString()).toBe('x');
  });

  it('7bit, 8bit, binary and absent: the body as is', () => {
    for (const cte of ['7bit', '8BIT', 'binary']) {
      const e = parseEntity(Buffer.from(`Content-Transfer-Encoding: ${cte}\r\n\r\n=41 aGk=\r\n`));
      expect(decodeBody(e).toString()).toBe('=41 aGk=\r\n');
    }
    expect(decodeBody(parseEntity(Buffer.from('A: b\r\n\r\nraw'))).toString()).toBe('raw');
  });

  it('an unknown transfer encoding is refused, not passed through', () => {
    const e = parseEntity(Buffer.from('Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n'));
    expectDomsecError(() => decodeBody(e), 'MALFORMED_MIME', /x-uuencode/);
  });
});
