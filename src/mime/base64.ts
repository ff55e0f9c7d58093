/**
 * Base64 for MIME bodies of 100 MB and more, validating.
 *
 * Node's own base64 decoder silently skips characters outside the alphabet and accepts the URL-safe
 * alphabet, so it cannot be used to *validate*; and a 512 MiB body turned into one JS string would hit
 * V8's string-length ceiling (2^29 - 24 characters). So decoding tries, in order:
 *  1. lines of one fixed width (what every encoder writes: 76 characters here, 64 for OpenSSL): the
 *     line ends are checked where they must be, the body is decoded natively line ends and all, and
 *     the decoded length proves validity (see decodeFixedLines);
 *  2. any other line layout: line ends dropped in place, native decode, proven by native re-encoding;
 *  3. a byte loop that validates every character (and names the offending one), compacts the
 *     alphabet characters into a scratch buffer and decodes natively.
 * All decode in chunks of whole 4-character quanta written straight into the output buffer. Encoding
 * works the same way in chunks of whole 57-byte (76-character) lines.
 *
 * Per-line work is done with TypedArray copyWithin (no allocation), never Buffer#copy/subarray per
 * line: those allocate a view per call, which at 100 MB (1.8 million lines) cost more than the
 * base64 itself and fed the garbage collector (measured by the benchmark, src/bench/).
 */
import { DomsecError } from '../errors.js';

/** 76 characters per encoded line: RFC 2045 6.8 ("no more than 76 characters"). 57 input bytes make 76 characters. */
export const BASE64_LINE_CHARS = 76;
const BASE64_LINE_BYTES = 57;

/**
 * Encoded bytes handed to Node's native codec at once. Whole lines (and so whole 3-byte quanta) per
 * chunk, so no padding appears mid-stream. About 1 MiB keeps the temporary string small.
 */
const ENCODE_CHUNK_LINES = 16_384;
/** Characters (a multiple of 4) decoded natively at once; about 4 MiB, again to bound the temporary string. */
const DECODE_CHUNK_CHARS = 4 * 1024 * 1024;

// 0..63 = alphabet value, 64 = '=', 65 = whitespace skipped (SP, HT, CR, LF), 255 = invalid.
const CLASS = new Uint8Array(256).fill(255);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) CLASS[alphabet.charCodeAt(i)] = i;
  CLASS[0x3d] = 64;
  CLASS[0x20] = 65;
  CLASS[0x09] = 65;
  CLASS[0x0d] = 65;
  CLASS[0x0a] = 65;
}

/**
 * Decode a MIME base64 body. Line breaks and spaces/tabs anywhere are ignored (RFC 2045 6.8). Refused
 * with MALFORMED_MIME: a character outside the alphabet, data after '=' padding, more than two '=',
 * padding that does not complete a 4-character quantum, and a data length of 4n+1 characters (which
 * no encoder can produce). Missing padding at the very end is tolerated.
 */
export function decodeBase64Mime(body: Buffer, what = 'base64 body'): Buffer {
  return decodeFixedLines(body) ?? decodeCanonicalFast(body) ?? decodeChecked(body, what);
}

/**
 * Fast path for lines of one width w (a multiple of 4) with one kind of line end, the last line
 * possibly shorter and possibly unterminated. The line ends are checked at their positions; the whole
 * body, line ends included, goes to Node's decoder, which skips CR/LF. Validity is proven by length:
 * with D data positions (everything but the line ends, trailing '=' counted separately), valid input
 * decodes to exactly 3D/4 - pads bytes, and every character Node skips (anything outside its alphabet)
 * or stops at ('=' before the end) makes the output strictly shorter. Node's alphabet is wider than
 * RFC 2045's by '-' and '_' (URL-safe), looked for separately. Anything else returns undefined.
 */
function decodeFixedLines(body: Buffer): Buffer | undefined {
  const n = body.length;
  const firstLf = body.indexOf(0x0a);
  if (firstLf <= 0) return undefined;
  const eolLen = body[firstLf - 1] === 0x0d ? 2 : 1;
  const w = firstLf + 1 - eolLen;
  if (w === 0 || w % 4 !== 0) return undefined;
  const stride = w + eolLen;
  const full = Math.floor(n / stride);
  for (let k = 0, p = w; k < full; k++, p += stride) {
    if (eolLen === 2 ? body[p] !== 0x0d || body[p + 1] !== 0x0a : body[p] !== 0x0a) return undefined;
  }
  // The last line: what follows the full lines, less one optional line end; no line end inside it.
  let lastEnd = n;
  if (lastEnd > full * stride && body[lastEnd - 1] === 0x0a) lastEnd--;
  if (lastEnd > full * stride && body[lastEnd - 1] === 0x0d) lastEnd--;
  const last = body.subarray(full * stride, lastEnd);
  if (last.indexOf(0x0a) >= 0 || last.indexOf(0x0d) >= 0) return undefined;
  const dataChars = full * w + last.length;
  if (dataChars === 0 || dataChars % 4 !== 0) return undefined;
  const endPos = last.length > 0 ? lastEnd : (full - 1) * stride + w;
  let pads = 0;
  while (pads < 2 && body[endPos - pads - 1] === 0x3d) pads++;
  if (body.indexOf(0x2d) >= 0 || body.indexOf(0x5f) >= 0) return undefined;
  const outLen = (dataChars / 4) * 3 - pads;
  const out = Buffer.allocUnsafe(outLen);
  const linesPerChunk = Math.max(1, Math.floor(DECODE_CHUNK_CHARS / w));
  let o = 0;
  for (let s = 0; s < n; s += linesPerChunk * stride) {
    o += out.write(body.toString('latin1', s, Math.min(n, s + linesPerChunk * stride)), o, 'base64');
  }
  return o === outLen ? out : undefined;
}

/**
 * Fast path for the common shape (lines of alphabet characters, optional '=' padding at the very
 * end, whitespace only at line ends), with native code doing the per-byte work: line slices are
 * copied (whitespace at line ends dropped), decoded natively, and the result re-encoded natively and
 * compared with the input. Node's decoder skips invalid characters and accepts the URL-safe alphabet,
 * so only that equality proves the input was valid canonical base64. Anything else (an invalid
 * character, whitespace inside a line, missing padding, non-zero trailing bits) returns undefined and
 * goes to the byte loop, which decodes it or names the error.
 */
function decodeCanonicalFast(body: Buffer): Buffer | undefined {
  const n = body.length;
  const compact = Buffer.allocUnsafe(n);
  body.copy(compact, 0);
  let c = 0;
  let pos = 0;
  while (pos < n) {
    const lf = body.indexOf(0x0a, pos);
    const next = lf < 0 ? n : lf + 1;
    let end = lf < 0 ? n : lf;
    while (end > pos && CLASS[body[end - 1]!] === 65) end--;
    // In place, moving left (c <= pos): no per-line allocation.
    if (end > pos) {
      compact.copyWithin(c, pos, end);
      c += end - pos;
    }
    pos = next;
  }
  if (c % 4 !== 0) return undefined;
  let pads = 0;
  while (pads < 2 && c - pads > 0 && compact[c - pads - 1] === 0x3d) pads++;
  const outLen = (c / 4) * 3 - pads;
  const out = Buffer.allocUnsafe(outLen);
  let o = 0;
  for (let s = 0; s < c; s += DECODE_CHUNK_CHARS) {
    const str = compact.toString('latin1', s, Math.min(c, s + DECODE_CHUNK_CHARS));
    const w = out.write(str, o, 'base64');
    if (out.toString('base64', o, o + w) !== str) return undefined;
    o += w;
  }
  return o === outLen ? out : undefined;
}

/** The byte loop: validates every character, tolerant of whitespace anywhere and of missing padding. */
function decodeChecked(body: Buffer, what: string): Buffer {
  const n = body.length;
  const compact = Buffer.allocUnsafe(n);
  let c = 0;
  let pads = 0;
  let padAt = -1;
  for (let i = 0; i < n; i++) {
    const b = body[i]!;
    const k = CLASS[b]!;
    if (k < 64) {
      if (pads !== 0) {
        throw new DomsecError('MALFORMED_MIME', `${what}: base64 data after '=' padding at byte offset ${i}`);
      }
      compact[c++] = b;
    } else if (k === 64) {
      if (pads === 0) padAt = i;
      pads++;
    } else if (k === 255) {
      throw new DomsecError(
        'MALFORMED_MIME',
        `${what}: invalid base64 character 0x${b.toString(16).padStart(2, '0')} at byte offset ${i}`,
      );
    }
  }
  const rem = c % 4;
  if (rem === 1) {
    throw new DomsecError('MALFORMED_MIME', `${what}: impossible base64 length (${c} data characters, 4n+1)`);
  }
  if (pads > 2 || (pads > 0 && (c + pads) % 4 !== 0)) {
    throw new DomsecError('MALFORMED_MIME', `${what}: bad base64 padding ('=' x${pads} at byte offset ${padAt})`);
  }
  const outLen = Math.floor(c / 4) * 3 + (rem === 0 ? 0 : rem - 1);
  const out = Buffer.allocUnsafe(outLen);
  let o = 0;
  for (let s = 0; s < c; s += DECODE_CHUNK_CHARS) {
    const e = Math.min(c, s + DECODE_CHUNK_CHARS);
    o += out.write(compact.toString('latin1', s, e), o, 'base64');
  }
  if (o !== outLen) {
    // Cannot happen with validated input; kept so a codec surprise is a typed error, not corrupt data.
    throw new DomsecError('MALFORMED_MIME', `${what}: base64 decoded to ${o} bytes, expected ${outLen}`);
  }
  return out;
}

/** Length of `encodeBase64Lines(data, eol)` for `n` input bytes. */
export function base64LinesLength(n: number, eol: '\r\n' | '\n' = '\r\n'): number {
  const encLen = Math.ceil(n / 3) * 4;
  return encLen + Math.ceil(encLen / BASE64_LINE_CHARS) * eol.length;
}

/** Encode as base64 in lines of 76 characters, each line (including the last) followed by `eol`. */
export function encodeBase64Lines(data: Buffer, eol: '\r\n' | '\n' = '\r\n'): Buffer {
  const out = Buffer.allocUnsafe(base64LinesLength(data.length, eol));
  encodeBase64LinesInto(data, out, 0, eol);
  return out;
}

/**
 * Encode into `out` at `offset` (which must have base64LinesLength(data.length, eol) bytes free), so
 * that a whole message can be assembled in one allocation. Returns the offset after the last byte.
 */
export function encodeBase64LinesInto(data: Buffer, out: Buffer, offset: number, eol: '\r\n' | '\n' = '\r\n'): number {
  const eolLen = eol.length;
  const e0 = eol.charCodeAt(0);
  const e1 = eolLen === 2 ? eol.charCodeAt(1) : 0;
  const chunkBytes = BASE64_LINE_BYTES * ENCODE_CHUNK_LINES;
  const stride = BASE64_LINE_CHARS + eolLen;
  let o = offset;
  for (let s = 0; s < data.length; s += chunkBytes) {
    // The chunk's base64 goes straight to where its lines start; then the lines are moved apart in
    // place, last first (each moves right, over space no unmoved line uses), and the line ends written.
    const chars = out.write(data.toString('base64', s, Math.min(data.length, s + chunkBytes)), o, 'latin1');
    const lines = Math.ceil(chars / BASE64_LINE_CHARS);
    for (let k = lines - 1; k >= 0; k--) {
      const src = o + k * BASE64_LINE_CHARS;
      const len = Math.min(BASE64_LINE_CHARS, chars - k * BASE64_LINE_CHARS);
      const dst = o + k * stride;
      if (dst !== src) out.copyWithin(dst, src, src + len);
      out[dst + len] = e0;
      if (eolLen === 2) out[dst + len + 1] = e1;
    }
    o += chars + lines * eolLen;
  }
  return o;
}
