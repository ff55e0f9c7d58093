import { describe, expect, it } from 'vitest';
import { decodeBody, getHeader, parseEntity } from '../../src/mime/entity.js';
import { buildMultipartSigned, canonicalizeCrlf, splitMultipart, type MultipartSplit } from '../../src/mime/multipart.js';
import { classifyEntity } from '../../src/mime/smime.js';
import { MAX_MULTIPART_PARTS } from '../../src/limits.js';
import { expectDomsecError, fx } from './fixtures.js';

function rejoin(s: MultipartSplit): Buffer {
  const chunks: Buffer[] = [s.preamble];
  s.parts.forEach((p, i) => chunks.push(s.delimiters[i]!, p));
  chunks.push(s.delimiters[s.parts.length]!, s.epilogue);
  return Buffer.concat(chunks);
}

describe('splitMultipart', () => {
  for (const [file, eol] of [
    ['multipart-mixed-crlf.eml', '\r\n'],
    ['multipart-mixed-lf.eml', '\n'],
  ] as const) {
    it(`${file}: preamble, parts, epilogue, padding, near-miss delimiter`, () => {
      const e = parseEntity(fx(file));
      const s = splitMultipart(e);
      expect(s.boundary).toBe('==b1 x==');
      expect(s.preamble.toString()).toBe('This is the preamble.');
      expect(s.parts).toHaveLength(2);
      // The line ending before each delimiter belongs to the delimiter (RFC 2046 5.1.1).
      expect(s.parts[0]!.toString()).toBe(
        ['Content-Type: text/plain', '', 'part one', '--==b1 x==-not-a-delimiter', 'still part one'].join(eol),
      );
      expect(s.parts[1]!.toString()).toBe(
        ['Content-Type: text/plain', 'Content-Transfer-Encoding: base64', '', 'cGFydCB0d28=', ''].join(eol),
      );
      expect(s.epilogue.toString()).toBe(`This is the epilogue.${eol}`);
      // Transport padding on the first delimiter line is kept in the delimiter bytes.
      expect(s.delimiters[0]!.toString()).toBe(`${eol}--==b1 x==  ${eol}`);
      expect(s.delimiters[2]!.toString()).toBe(`${eol}--==b1 x==--${eol}`);
      // Exact round trip, and the parts are views of the body at partRanges.
      expect(rejoin(s).equals(e.body)).toBe(true);
      s.partRanges.forEach(([a, b], i) => expect(e.body.subarray(a, b).equals(s.parts[i]!)).toBe(true));
      // Round trip with freshly written delimiters (no padding) gives back the body minus the padding.
      const rebuilt = Buffer.concat([
        s.preamble,
        ...s.parts.flatMap((p) => [Buffer.from(`${eol}--${s.boundary}${eol}`), p]),
        Buffer.from(`${eol}--${s.boundary}--${eol}`),
        s.epilogue,
      ]);
      expect(rebuilt.toString()).toBe(e.body.toString().replace('==  ', '=='));
      // Parts are entities themselves.
      expect(decodeBody(parseEntity(s.parts[1]!)).toString()).toBe('part two');
    });
  }

  it('multipart/signed: the first part is exactly the signed bytes', () => {
    const e = parseEntity(fx('multipart-signed-crlf.eml'));
    expect(classifyEntity(e)).toEqual({ kind: 'multipartSigned', micalg: 'sha-256', protocol: 'application/pkcs7-signature' });
    const s = splitMultipart(e);
    expect(s.boundary).toBe('----=_Part_0_1');
    expect(s.parts).toHaveLength(2);
    expect(s.parts[0]!.equals(fx('multipart-signed.first-part.txt'))).toBe(true);
    expect(s.preamble.toString()).toBe('This is an S/MIME signed message');
    expect(s.epilogue.length).toBe(0);
    expect(rejoin(s).equals(e.body)).toBe(true);
    const sig = parseEntity(s.parts[1]!);
    expect(getHeader(sig, 'content-type')).toBe('application/pkcs7-signature; name=smime.p7s');
    expect(decodeBody(sig).subarray(0, 2).toString('hex')).toBe('3082');
  });

  it('multipart/signed with LF line endings: canonicalised first part equals the CRLF one', () => {
    const s = splitMultipart(parseEntity(fx('multipart-signed-lf.eml')));
    expect(s.parts[0]!.includes('\r')).toBe(false);
    expect(canonicalizeCrlf(s.parts[0]!).equals(fx('multipart-signed.first-part.txt'))).toBe(true);
  });

  it('a delimiter at offset 0 (no preamble), an empty part, no trailing line ending, no epilogue', () => {
    const body = '--b\r\n--b\r\nA: 1\r\n\r\nx\r\n--b--';
    const e = parseEntity(Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${body}`));
    const s = splitMultipart(e);
    expect(s.preamble.length).toBe(0);
    expect(s.parts.map((p) => p.toString())).toEqual(['', 'A: 1\r\n\r\nx']);
    expect(s.epilogue.length).toBe(0);
    expect(rejoin(s).toString()).toBe(body);
  });

  it('"--boundary" inside a line, or as a prefix of a longer word, is not a delimiter', () => {
    const body = 'x --b\r\n--b\r\ntext --b --b\r\n--bb\r\n--b--x\r\n--b--\r\n';
    const s = splitMultipart(parseEntity(Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${body}`)));
    expect(s.preamble.toString()).toBe('x --b');
    expect(s.parts.map((p) => p.toString())).toEqual(['text --b --b\r\n--bb\r\n--b--x']);
  });

  it('truncated (no close delimiter) is refused', () => {
    expectDomsecError(() => splitMultipart(parseEntity(fx('multipart-truncated.eml'))), 'MALFORMED_MIME', /no close delimiter/);
  });
  it('missing boundary parameter', () => {
    expectDomsecError(() => splitMultipart(parseEntity(fx('multipart-no-boundary.eml'))), 'MALFORMED_MIME', /boundary/);
  });
  it('no parts before the close delimiter', () => {
    expectDomsecError(() => splitMultipart(parseEntity(fx('multipart-no-parts.eml'))), 'MALFORMED_MIME', /no body part/);
  });
  it('no delimiter at all', () => {
    expectDomsecError(() => splitMultipart(parseEntity(fx('multipart-no-delimiter.eml'))), 'MALFORMED_MIME', /no delimiter/);
  });
  it('not multipart', () => {
    expectDomsecError(() => splitMultipart(parseEntity(fx('simple-crlf.eml'))), 'MALFORMED_MIME', /text\/plain/);
  });

  it('MAX_MULTIPART_PARTS: at the limit passes, one more is LIMIT_EXCEEDED', () => {
    const mk = (k: number) =>
      parseEntity(Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\np\r\n'.repeat(k)}--b--\r\n`));
    expect(splitMultipart(mk(MAX_MULTIPART_PARTS)).parts).toHaveLength(MAX_MULTIPART_PARTS);
    expectDomsecError(() => splitMultipart(mk(MAX_MULTIPART_PARTS + 1)), 'LIMIT_EXCEEDED', /MAX_MULTIPART_PARTS/);
  });
});

describe('canonicalizeCrlf', () => {
  it('converts bare LF only; CRLF and bare CR untouched', () => {
    expect(canonicalizeCrlf(Buffer.from('\na\r\nb\nc\rd\n\n')).toString()).toBe('\r\na\r\nb\r\nc\rd\r\n\r\n');
  });
  it('returns the same buffer when nothing changes', () => {
    const b = Buffer.from('a\r\nb');
    expect(canonicalizeCrlf(b)).toBe(b);
    const empty = Buffer.alloc(0);
    expect(canonicalizeCrlf(empty)).toBe(empty);
  });
});

describe('buildMultipartSigned', () => {
  const signedPart = Buffer.from('Content-Type: text/plain\n\nhello\nworld');
  const signatureDer = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));

  it('produces a multipart/signed whose split gives back the canonical part and the DER', () => {
    const out = buildMultipartSigned({
      signedPart,
      signatureDer,
      micalg: 'SHA-256',
      boundary: 'sig-boundary-1',
      headers: [
        ['From', 'alice@example.test'],
        ['Subject', 'signed'],
      ],
    });
    expect(out.toString('latin1').split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
    const e = parseEntity(out);
    expect(e.headers.map((h) => h.name)).toEqual(['From', 'Subject', 'MIME-Version', 'Content-Type']);
    expect(getHeader(e, 'content-type')).toBe(
      'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig-boundary-1"',
    );
    expect(classifyEntity(e)).toEqual({ kind: 'multipartSigned', micalg: 'sha-256', protocol: 'application/pkcs7-signature' });
    const s = splitMultipart(e);
    expect(s.parts).toHaveLength(2);
    expect(s.parts[0]!.equals(canonicalizeCrlf(signedPart))).toBe(true);
    const sig = parseEntity(s.parts[1]!);
    expect(sig.headers.map((h) => h.raw.toString())).toEqual([
      'Content-Type: application/pkcs7-signature; name=smime.p7s\r\n',
      'Content-Transfer-Encoding: base64\r\n',
      'Content-Disposition: attachment; filename=smime.p7s\r\n',
    ]);
    expect(decodeBody(sig).equals(signatureDer)).toBe(true);
    expect(sig.body.toString().split('\r\n')[0]).toHaveLength(76);
    expect(s.epilogue.length).toBe(0);
    expect(out.toString().endsWith('\r\n--sig-boundary-1--\r\n')).toBe(true);
    // Every line within 78 columns (the Content-Type is folded).
    for (const l of out.subarray(0, e.bodyOffset).toString().split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
  });

  it('keeps a given MIME-Version, uses x-pkcs7-signature when asked', () => {
    const out = buildMultipartSigned({
      signedPart,
      signatureDer,
      micalg: 'sha-1',
      boundary: 'b',
      protocol: 'application/x-pkcs7-signature',
      headers: [['MIME-Version', '1.0']],
    });
    const e = parseEntity(out);
    expect(e.headers.filter((h) => h.name.toLowerCase() === 'mime-version')).toHaveLength(1);
    expect(splitMultipart(e).parts[1]!.toString()).toMatch(/^Content-Type: application\/x-pkcs7-signature; name=smime.p7s\r\n/);
  });

  it('refuses a boundary that occurs in the signed part, an invalid boundary or micalg, Content-* outer headers', () => {
    expectDomsecError(
      () => buildMultipartSigned({ signedPart: Buffer.from('A: b\r\n\r\n--bnd-x\r\n'), signatureDer, micalg: 'sha-256', boundary: 'bnd' }),
      'BAD_ARGUMENT',
      /occurs in the signed part/,
    );
    for (const boundary of ['', 'a'.repeat(71), 'ends in space ', 'bad"quote', 'line\r\nbreak']) {
      expectDomsecError(() => buildMultipartSigned({ signedPart, signatureDer, micalg: 'sha-256', boundary }), 'BAD_ARGUMENT', /boundary/);
    }
    expectDomsecError(() => buildMultipartSigned({ signedPart, signatureDer, micalg: 'sha-256"; x="', boundary: 'b' }), 'BAD_ARGUMENT', /micalg/);
    expectDomsecError(
      () => buildMultipartSigned({ signedPart, signatureDer, micalg: 'sha-256', boundary: 'b', headers: [['Content-Type', 'text/plain']] }),
      'BAD_ARGUMENT',
      /Content-Type/,
    );
    expectDomsecError(() => buildMultipartSigned({ signedPart, signatureDer: Buffer.alloc(0), micalg: 'sha-256', boundary: 'b' }), 'BAD_ARGUMENT');
  });
});
