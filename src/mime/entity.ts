/**
 * A small, raw-preserving MIME entity splitter.
 *
 * Why this is hand-written rather than taken from a mail library: the S/MIME engine must serialise
 * every layer it does not change byte for byte. A domain signature encapsulates the original
 * signature's bytes, and any re-encoding of the signed content (re-folded headers, normalised line
 * endings, re-encoded transfer encoding, re-quoted parameters) breaks the originator's signature
 * (RFC 8551 3.1.1: the content is signed in canonical form and must arrive unchanged). Libraries such
 * as mailparser decode and normalise as they go and keep neither the raw bytes nor their offsets. So
 * every structure here keeps `raw` slices of the input (Buffer.subarray views, no copies) next to the
 * decoded values, and nothing is ever rebuilt from the decoded form unless a caller asks for it.
 *
 * Line endings: CRLF (the wire form) and bare LF (files on disk, mbox exports) are both accepted, and
 * mixed; a bare CR is not a line ending. `eol` reports what the header block used so that generated
 * bytes can match it.
 */
import { DomsecError } from '../errors.js';
import { MAX_HEADER_BYTES } from '../limits.js';
import { decodeBase64Mime } from './base64.js';

export interface HeaderField {
  /** The field name as written (case kept). */
  name: string;
  /** Unfolded value: the CRLF/LF of each fold removed (the WSP after it kept), leading WSP trimmed. Decoded as UTF-8 (RFC 6532). */
  value: string;
  /** Exact bytes of the field: name, colon, value, every folded continuation line and the final line terminator (if any). */
  raw: Buffer;
}

export interface MimeEntity {
  /** The whole entity, exactly as given. */
  raw: Buffer;
  headers: HeaderField[];
  /** Raw header block, every field with its line terminator, excluding the blank separator line. */
  headerBytes: Buffer;
  /** Raw body bytes after the blank separator line, not decoded. Empty when there is no separator. */
  body: Buffer;
  /** Line ending of the header block (of its first line); CRLF when the input has no line ending at all. */
  eol: '\r\n' | '\n';
  /**
   * Offset of `body` in `raw`. `raw.subarray(headerBytes.length, bodyOffset)` is the blank separator
   * line exactly as written (CRLF or LF), empty when the entity has no separator (headers only).
   */
  bodyOffset: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/**
 * Split an entity into header fields and body at the first empty line.
 *
 *  - An entity that starts with an empty line has no header fields (RFC 2045 defaults apply).
 *  - An entity without an empty line, in which every line is a header field, is headers only with an
 *    empty body (and `bodyOffset === raw.length`).
 *  - A line in the header block that is neither a field (`name:` with a name of printable ASCII except
 *    colon, RFC 5322 2.2; WSP before the colon is accepted as RFC 5322 4.5 obsolete syntax) nor a
 *    continuation (starting with SP or HTAB) after a field is MALFORMED_MIME. That includes an mbox
 *    "From " line and a first line that starts with whitespace.
 *  - A header block longer than MAX_HEADER_BYTES is LIMIT_EXCEEDED.
 */
export function parseEntity(raw: Buffer): MimeEntity {
  const n = raw.length;
  const headers: HeaderField[] = [];
  let eol: '\r\n' | '\n' | undefined;
  let pos = 0;
  let lineNo = 0;
  // Field being accumulated: start offset, and end offset of its value text so far.
  let fieldStart = -1;
  let fieldName = '';
  let fieldColon = -1;

  const closeField = (end: number): void => {
    if (fieldStart < 0) return;
    const fieldRaw = raw.subarray(fieldStart, end);
    const valueText = raw
      .toString('utf8', fieldColon + 1, end)
      .replace(/\r?\n/g, '')
      .replace(/^[ \t]+/, '');
    headers.push({ name: fieldName, value: valueText, raw: fieldRaw });
    fieldStart = -1;
  };

  while (pos < n) {
    const lf = raw.indexOf(LF, pos);
    const next = lf < 0 ? n : lf + 1;
    const contentEnd = lf < 0 ? n : lf > pos && raw[lf - 1] === CR ? lf - 1 : lf;
    lineNo++;
    if (eol === undefined && lf >= 0) eol = contentEnd === lf ? '\n' : '\r\n';

    if (contentEnd === pos) {
      // The empty separator line.
      closeField(pos);
      return {
        raw,
        headers,
        headerBytes: raw.subarray(0, pos),
        body: raw.subarray(next),
        eol: eol ?? '\r\n',
        bodyOffset: next,
      };
    }
    if (next > MAX_HEADER_BYTES) {
      throw new DomsecError('LIMIT_EXCEEDED', `MIME header block exceeds MAX_HEADER_BYTES (${MAX_HEADER_BYTES} bytes)`);
    }
    const first = raw[pos]!;
    if (first === SP || first === HT) {
      if (fieldStart < 0) {
        throw new DomsecError('MALFORMED_MIME', 'MIME header block starts with a continuation line (leading whitespace)');
      }
    } else {
      closeField(pos);
      let i = pos;
      while (i < contentEnd) {
        const b = raw[i]!;
        if (b === COLON || b < 33 || b > 126) break;
        i++;
      }
      const nameEnd = i;
      while (i < contentEnd && (raw[i] === SP || raw[i] === HT)) i++;
      if (nameEnd === pos || i >= contentEnd || raw[i] !== COLON) {
        throw new DomsecError(
          'MALFORMED_MIME',
          `MIME header line ${lineNo} is not a header field (expected "name: value")`,
        );
      }
      fieldStart = pos;
      fieldName = raw.toString('latin1', pos, nameEnd);
      fieldColon = i;
    }
    pos = next;
  }
  // No separator line: the whole input is the header block.
  closeField(n);
  return { raw, headers, headerBytes: raw.subarray(0, n), body: raw.subarray(n), eol: eol ?? '\r\n', bodyOffset: n };
}

/** The first field with this name (case-insensitive), unfolded. */
export function getHeader(entity: Pick<MimeEntity, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of entity.headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** Every field with this name (case-insensitive), in order. */
export function getHeaders(entity: Pick<MimeEntity, 'headers'>, name: string): string[] {
  const lower = name.toLowerCase();
  return entity.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

// ---------------------------------------------------------------------------------------------
// Structured header values: Content-Type, Content-Disposition, Content-Transfer-Encoding.
// ---------------------------------------------------------------------------------------------

export interface ContentType {
  /** Lowercased. */
  type: string;
  /** Lowercased. */
  subtype: string;
  /** Parameter names lowercased; values as written (unquoted, unescaped, RFC 2231 joined and decoded). */
  params: Record<string, string>;
}

export interface StructuredValue {
  /** The leading token, lowercased (e.g. "attachment", "base64"); '' when absent. */
  value: string;
  params: Record<string, string>;
}

/** RFC 2045 5.1 tspecials, plus SP and CTLs: characters that end a token. */
const TSPECIALS = new Set('()<>@,;:\\"/[]?='.split(''));

function isTokenChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c > 32 && c < 127 && !TSPECIALS.has(ch);
}

/** Skip whitespace (including stray CR/LF) and RFC 5322 comments, which nest and may contain quoted-pairs. */
function skipCfws(s: string, i: number): number {
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      i++;
    } else if (ch === '(') {
      let depth = 0;
      while (i < s.length) {
        const c = s[i]!;
        if (c === '\\') i += 2;
        else {
          if (c === '(') depth++;
          else if (c === ')') depth--;
          i++;
          if (depth === 0) break;
        }
      }
    } else break;
  }
  return i;
}

function readToken(s: string, i: number): [string, number] {
  const start = i;
  while (i < s.length && isTokenChar(s[i]!)) i++;
  return [s.slice(start, i), i];
}

/** A quoted-string starting at s[i] === '"'. Unterminated: runs to the end (lenient). */
function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  i++;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      out += s[i + 1]!;
      i += 2;
    } else if (ch === '"') {
      return [out, i + 1];
    } else {
      if (ch !== '\r' && ch !== '\n') out += ch;
      i++;
    }
  }
  return [out, i];
}

/**
 * Parameters after the leading value: `*(";" attribute "=" value)`. Lenient in what real mail does:
 * unquoted values that contain tspecials such as "/" (protocol=application/pkcs7-signature), a trailing
 * ";", and a malformed parameter (skipped up to the next ";"). The first occurrence of a name wins;
 * an RFC 2231 form (name* or name*0...) overrides a plain one of the same name.
 */
function parseParams(s: string, i: number): Record<string, string> {
  const plain = new Map<string, string>();
  // RFC 2231 pieces: base name -> index (-1 for the unnumbered "name*") -> segment.
  const pieces = new Map<string, Map<number, { value: string; extended: boolean }>>();
  while (i < s.length) {
    i = skipCfws(s, i);
    if (i >= s.length) break;
    if (s[i] !== ';') {
      // Garbage between parameters: skip to the next ';'.
      const semi = s.indexOf(';', i);
      if (semi < 0) break;
      i = semi;
    }
    i = skipCfws(s, i + 1);
    const [attrRaw, afterAttr] = readToken(s, i);
    // '*' is a token character, so "name*0*" arrives whole.
    let j = skipCfws(s, afterAttr);
    if (attrRaw === '' || s[j] !== '=') {
      i = j;
      continue;
    }
    j = skipCfws(s, j + 1);
    let value: string;
    if (s[j] === '"') {
      [value, j] = readQuoted(s, j);
    } else {
      const start = j;
      while (j < s.length && !';"( \t\r\n'.includes(s[j]!)) j++;
      value = s.slice(start, j);
    }
    i = j;
    const attr = attrRaw.toLowerCase();
    const m = /^(.+?)(?:\*(\d+))?(\*)?$/.exec(attr);
    if (m && (m[2] !== undefined || m[3] !== undefined)) {
      const base = m[1]!;
      const index = m[2] !== undefined ? Number(m[2]) : -1;
      let map = pieces.get(base);
      if (!map) pieces.set(base, (map = new Map()));
      if (!map.has(index)) map.set(index, { value, extended: m[3] !== undefined });
    } else if (!plain.has(attr)) {
      plain.set(attr, value);
    }
  }
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of plain) params[k] = v;
  for (const [base, map] of pieces) {
    const joined = joinRfc2231(map);
    if (joined !== undefined) params[base] = joined;
  }
  return params;
}

/**
 * RFC 2231 3 and 4: join name*0, name*1, ... (stopping at the first gap) and decode the extended
 * ("*") segments: the first carries charset'language'; %XX are octets in that charset. An unknown
 * charset falls back to ISO-8859-1 so the octets survive.
 */
function joinRfc2231(map: Map<number, { value: string; extended: boolean }>): string | undefined {
  const segs: Array<{ value: string; extended: boolean }> = [];
  const single = map.get(-1);
  if (single) segs.push(single);
  else {
    for (let k = 0; map.has(k); k++) segs.push(map.get(k)!);
  }
  if (segs.length === 0) return undefined;
  let charset = 'utf-8';
  const bytes: Buffer[] = [];
  segs.forEach((seg, idx) => {
    let v = seg.value;
    if (seg.extended) {
      if (idx === 0) {
        const m = /^([^']*)'[^']*'(.*)$/s.exec(v);
        if (m) {
          if (m[1]) charset = m[1].toLowerCase();
          v = m[2]!;
        }
      }
      bytes.push(percentDecode(v));
    } else {
      bytes.push(Buffer.from(v, 'utf8'));
    }
  });
  const all = Buffer.concat(bytes);
  try {
    return new TextDecoder(charset).decode(all);
  } catch {
    return all.toString('latin1');
  }
}

function percentDecode(v: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch === 0x25 && /^[0-9A-Fa-f]{2}$/.test(v.slice(i + 1, i + 3))) {
      out.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch < 0x80) {
      out.push(ch);
    } else {
      for (const b of Buffer.from(v[i]!, 'utf8')) out.push(b);
    }
  }
  return Buffer.from(out);
}

/**
 * Parse a Content-Type value (RFC 2045 5.1, RFC 2231): type and subtype lowercased, parameters with
 * lowercased names; quoted strings with backslash escapes; comments in parentheses ignored. An absent
 * or empty value, or one without a syntactically valid type/subtype, is `text/plain; charset=us-ascii`
 * (RFC 2045 5.2).
 */
export function parseContentType(value: string | undefined): ContentType {
  const dflt = (): ContentType => ({ type: 'text', subtype: 'plain', params: withCharset() });
  if (value === undefined) return dflt();
  let i = skipCfws(value, 0);
  const [type, a] = readToken(value, i);
  i = skipCfws(value, a);
  if (type === '' || value[i] !== '/') return dflt();
  i = skipCfws(value, i + 1);
  const [subtype, b] = readToken(value, i);
  if (subtype === '') return dflt();
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), params: parseParams(value, b) };
}

function withCharset(): Record<string, string> {
  const p = Object.create(null) as Record<string, string>;
  p['charset'] = 'us-ascii';
  return p;
}

/** Parse a value of the form `token *(";" parameter)`: Content-Disposition (RFC 2183), Content-Transfer-Encoding. */
export function parseStructuredHeader(value: string | undefined): StructuredValue {
  if (value === undefined) return { value: '', params: Object.create(null) as Record<string, string> };
  const i = skipCfws(value, 0);
  const [tok, j] = readToken(value, i);
  return { value: tok.toLowerCase(), params: parseParams(value, j) };
}

/** The Content-Type of an entity (defaulted per RFC 2045 5.2). */
export function entityContentType(entity: Pick<MimeEntity, 'headers'>): ContentType {
  return parseContentType(getHeader(entity, 'Content-Type'));
}

/** The Content-Transfer-Encoding mechanism, lowercased, comments removed; '7bit' when absent (RFC 2045 6.1). */
export function contentTransferEncoding(entity: Pick<MimeEntity, 'headers'>): string {
  const v = parseStructuredHeader(getHeader(entity, 'Content-Transfer-Encoding')).value;
  return v === '' ? '7bit' : v;
}

/**
 * The body with its Content-Transfer-Encoding removed: base64 (validated, see decodeBase64Mime),
 * quoted-printable (decodeQuotedPrintable), 7bit/8bit/binary or absent returned as is (the same
 * bytes, not a copy). Any other mechanism is MALFORMED_MIME rather than a silent pass-through.
 */
export function decodeBody(entity: Pick<MimeEntity, 'headers' | 'body'>): Buffer {
  const cte = contentTransferEncoding(entity);
  switch (cte) {
    case '7bit':
    case '8bit':
    case 'binary':
      return entity.body;
    case 'base64':
      return decodeBase64Mime(entity.body, 'MIME body (Content-Transfer-Encoding: base64)');
    case 'quoted-printable':
      return decodeQuotedPrintable(entity.body);
    default:
      throw new DomsecError('MALFORMED_MIME', `unsupported Content-Transfer-Encoding "${cte}"`);
  }
}

function hexVal(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10; // lowercase: RFC 2045 6.7 (1) allows accepting it
  return -1;
}

/**
 * RFC 2045 6.7 quoted-printable: =XX octets (upper or lower case hex), "=" at the end of a line is a
 * soft line break, trailing SP/HTAB on each line is transport padding and removed, hard line breaks are
 * kept as written (CRLF or LF). An "=" not followed by two hex digits is kept literally (the robust
 * behaviour RFC 2045 6.7 (1) suggests), so this never throws.
 */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const n = body.length;
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  let pos = 0;
  while (pos < n) {
    const lf = body.indexOf(LF, pos);
    const next = lf < 0 ? n : lf + 1;
    const lineEnd = lf < 0 ? n : lf > pos && body[lf - 1] === CR ? lf - 1 : lf;
    let end = lineEnd;
    while (end > pos && (body[end - 1] === SP || body[end - 1] === HT)) end--;
    let soft = false;
    if (end > pos && body[end - 1] === 0x3d) {
      soft = true;
      end--;
    }
    for (let i = pos; i < end; i++) {
      const b = body[i]!;
      if (b === 0x3d && i + 2 < end) {
        const h = hexVal(body[i + 1]!);
        const l = hexVal(body[i + 2]!);
        if (h >= 0 && l >= 0) {
          out[o++] = (h << 4) | l;
          i += 2;
          continue;
        }
      }
      out[o++] = b;
    }
    if (!soft && lf >= 0) {
      o += body.copy(out, o, lineEnd, next);
    }
    pos = next;
  }
  return out.subarray(0, o);
}
