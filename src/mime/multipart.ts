/**
 * Multipart split and multipart/signed generation, raw-preserving (see entity.ts for why).
 *
 * RFC 2046 5.1.1: a delimiter is CRLF "--" boundary, at the start of a line, followed by optional
 * transport padding (LWSP) and a line ending; the close delimiter has "--" after the boundary. The
 * line ending *before* a delimiter belongs to the delimiter, not to the preceding part. So each part
 * here is exactly the bytes a multipart/signed signature covers (RFC 1847 2.1, RFC 8551 3.5): from
 * after the delimiter line's line ending up to (not including) the line ending that precedes the next
 * delimiter. Bare-LF input is accepted the same way (LF instead of CRLF).
 */
import { DomsecError } from '../errors.js';
import { MAX_MULTIPART_PARTS } from '../limits.js';
import { encodeBase64LinesInto, base64LinesLength } from './base64.js';
import { entityContentType, type MimeEntity } from './entity.js';
import { assertNoContentHeaders, formatHeaderField, renderHeaders, type HeaderInput } from './headers.js';

export interface MultipartSplit {
  boundary: string;
  /** Bytes before the first delimiter, without the line ending that belongs to that delimiter. */
  preamble: Buffer;
  /** Exact raw bytes of each body part (headers, blank line, body), without the line ending before the next delimiter. */
  parts: Buffer[];
  /** Bytes after the close delimiter line (after its line ending). */
  epilogue: Buffer;
  /**
   * The delimiter lines exactly as written, each including the line ending before it (none for a
   * delimiter at offset 0) and its own line ending: delimiters[i] precedes parts[i]; the last one is the
   * close delimiter. preamble + delimiters[0] + parts[0] + ... + parts[k-1] + delimiters[k] + epilogue
   * is exactly entity.body.
   */
  delimiters: Buffer[];
  /** [start, end) of each part as offsets into entity.body. */
  partRanges: Array<[number, number]>;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const DASH = 0x2d;

interface Delim {
  /** Start of the line ending before the delimiter (or of the delimiter itself at offset 0). */
  eolStart: number;
  close: boolean;
  /** Offset after the delimiter line's line ending (or end of body). */
  after: number;
}

function findDelimiter(body: Buffer, dash: Buffer, from: number): Delim | undefined {
  const n = body.length;
  for (let p = body.indexOf(dash, from); p >= 0; p = body.indexOf(dash, p + 1)) {
    if (p !== 0 && body[p - 1] !== LF) continue;
    let q = p + dash.length;
    let close = false;
    if (body[q] === DASH && body[q + 1] === DASH) {
      close = true;
      q += 2;
    }
    while (q < n && (body[q] === SP || body[q] === HT)) q++;
    let after: number;
    if (q === n) after = n;
    else if (body[q] === LF) after = q + 1;
    else if (body[q] === CR && body[q + 1] === LF) after = q + 2;
    else continue; // "--boundary" followed by other text on the line: not a delimiter
    const eolStart = p === 0 ? 0 : p >= 2 && body[p - 2] === CR ? p - 2 : p - 1;
    return { eolStart, close, after };
  }
  return undefined;
}

/**
 * Split a multipart entity into preamble, raw parts and epilogue. MALFORMED_MIME: not multipart/*, no
 * boundary parameter, no delimiter, no body part before the close delimiter, no close delimiter
 * (truncated). LIMIT_EXCEEDED: more than MAX_MULTIPART_PARTS parts.
 */
export function splitMultipart(entity: Pick<MimeEntity, 'headers' | 'body'>): MultipartSplit {
  const ct = entityContentType(entity);
  if (ct.type !== 'multipart') {
    throw new DomsecError('MALFORMED_MIME', `expected a multipart entity, found ${ct.type}/${ct.subtype}`);
  }
  const boundary = ct.params['boundary'];
  if (boundary === undefined || boundary === '') {
    throw new DomsecError('MALFORMED_MIME', `multipart/${ct.subtype} without a boundary parameter`);
  }
  const body = entity.body;
  const dash = Buffer.from(`--${boundary}`, 'utf8');
  const first = findDelimiter(body, dash, 0);
  if (!first) {
    throw new DomsecError('MALFORMED_MIME', `multipart/${ct.subtype}: no delimiter line for boundary "${boundary}"`);
  }
  if (first.close) {
    throw new DomsecError('MALFORMED_MIME', `multipart/${ct.subtype}: no body part before the close delimiter`);
  }
  const parts: Buffer[] = [];
  const partRanges: Array<[number, number]> = [];
  const delimiters: Buffer[] = [body.subarray(first.eolStart, first.after)];
  let prev = first;
  for (;;) {
    const d = findDelimiter(body, dash, prev.after);
    if (!d) {
      throw new DomsecError(
        'MALFORMED_MIME',
        `multipart/${ct.subtype}: no close delimiter "--${boundary}--" (truncated message?)`,
      );
    }
    // A delimiter right after the previous delimiter line shares its line ending: the part is empty.
    const end = Math.max(prev.after, d.eolStart);
    parts.push(body.subarray(prev.after, end));
    partRanges.push([prev.after, end]);
    if (parts.length > MAX_MULTIPART_PARTS) {
      throw new DomsecError('LIMIT_EXCEEDED', `multipart entity has more than MAX_MULTIPART_PARTS (${MAX_MULTIPART_PARTS}) parts`);
    }
    delimiters.push(body.subarray(end, d.after));
    if (d.close) {
      return {
        boundary,
        preamble: body.subarray(0, first.eolStart),
        parts,
        epilogue: body.subarray(d.after),
        delimiters,
        partRanges,
      };
    }
    prev = d;
  }
}

/**
 * Convert every bare LF to CRLF (RFC 8551 3.1.1 / RFC 1847: a multipart/signed first part is signed in
 * canonical CRLF form). Existing CRLF pairs and bare CRs are left alone. Returns the input buffer itself
 * when it has no bare LF.
 */
export function canonicalizeCrlf(buf: Buffer): Buffer {
  let bare = 0;
  for (let lf = buf.indexOf(LF); lf >= 0; lf = buf.indexOf(LF, lf + 1)) {
    if (lf === 0 || buf[lf - 1] !== CR) bare++;
  }
  if (bare === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length + bare);
  let o = 0;
  let pos = 0;
  for (let lf = buf.indexOf(LF); lf >= 0; lf = buf.indexOf(LF, lf + 1)) {
    if (lf === 0 || buf[lf - 1] !== CR) {
      o += buf.copy(out, o, pos, lf);
      out[o++] = CR;
      out[o++] = LF;
      pos = lf + 1;
    }
  }
  buf.copy(out, o, pos);
  return out;
}

/** RFC 2046 5.1.1 bcharsnospace / bchars: 1 to 70 characters, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

export interface MultipartSignedOptions {
  /** The first part (the signed MIME entity with its headers). Canonicalised to CRLF before use. */
  signedPart: Buffer;
  /** The detached signedData, DER. Emitted base64 in 76-character lines. */
  signatureDer: Buffer;
  /** RFC 8551 3.5.3 micalg, e.g. "sha-256" (several joined with ","). */
  micalg: string;
  /** RFC 2046 boundary: 1-70 bchars, must not occur at the start of a line of the signed part. */
  boundary: string;
  /** Outer (RFC 5322) header fields placed first. Content-* fields are refused; MIME-Version is added if absent. */
  headers?: HeaderInput;
  /** Default application/pkcs7-signature; application/x-pkcs7-signature for old agents. */
  protocol?: 'application/pkcs7-signature' | 'application/x-pkcs7-signature';
}

/**
 * Build a multipart/signed message (RFC 1847, RFC 8551 3.5), CRLF throughout. The first part is
 * `canonicalizeCrlf(signedPart)` byte for byte: the signature must have been computed over exactly
 * those bytes. BAD_ARGUMENT: invalid boundary or micalg, boundary present in the signed part,
 * Content-* among the outer headers.
 */
export function buildMultipartSigned(opts: MultipartSignedOptions): Buffer {
  const eol = '\r\n';
  const { boundary, micalg } = opts;
  const protocol = opts.protocol ?? 'application/pkcs7-signature';
  if (!BOUNDARY.test(boundary)) {
    throw new DomsecError('BAD_ARGUMENT', `invalid multipart boundary ${JSON.stringify(boundary)} (RFC 2046 5.1.1)`);
  }
  if (!/^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/.test(micalg)) {
    throw new DomsecError('BAD_ARGUMENT', `invalid micalg ${JSON.stringify(micalg)}`);
  }
  if (opts.signatureDer.length === 0) throw new DomsecError('BAD_ARGUMENT', 'empty signatureDer');
  const signed = canonicalizeCrlf(opts.signedPart);
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  for (let p = signed.indexOf(dash); p >= 0; p = signed.indexOf(dash, p + 1)) {
    if (p === 0 || signed[p - 1] === LF) {
      throw new DomsecError('BAD_ARGUMENT', `boundary "${boundary}" occurs in the signed part; choose another`);
    }
  }
  const { bytes: outer, names } = renderHeaders(opts.headers, eol);
  assertNoContentHeaders(names);
  const lower = names.map((n) => n.toLowerCase());
  const micalgParam = micalg.includes(',') ? `"${micalg.toLowerCase()}"` : micalg.toLowerCase();
  const head = Buffer.concat([
    outer,
    lower.includes('mime-version') ? Buffer.alloc(0) : formatHeaderField('MIME-Version', '1.0', eol),
    formatHeaderField(
      'Content-Type',
      `multipart/signed; protocol="${protocol}"; micalg=${micalgParam}; boundary="${boundary}"`,
      eol,
    ),
    Buffer.from(`${eol}--${boundary}${eol}`, 'latin1'),
  ]);
  const sigProto = protocol.slice('application/'.length);
  const mid = Buffer.from(
    `${eol}--${boundary}${eol}` +
      `Content-Type: application/${sigProto}; name=smime.p7s${eol}` +
      `Content-Transfer-Encoding: base64${eol}` +
      `Content-Disposition: attachment; filename=smime.p7s${eol}${eol}`,
    'latin1',
  );
  // The last base64 line's CRLF is the one that belongs to the close delimiter.
  const tail = Buffer.from(`--${boundary}--${eol}`, 'latin1');
  const sigLen = base64LinesLength(opts.signatureDer.length, eol);
  const out = Buffer.allocUnsafe(head.length + signed.length + mid.length + sigLen + tail.length);
  let o = head.copy(out, 0);
  o += signed.copy(out, o);
  o += mid.copy(out, o);
  o = encodeBase64LinesInto(opts.signatureDer, out, o, eol);
  tail.copy(out, o);
  return out;
}
