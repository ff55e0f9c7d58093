/**
 * Generating header fields: validation (no header injection), RFC 5322 2.2.3 folding, and the rule
 * that decides which fields belong to the message and which to the MIME entity.
 */
import { DomsecError } from '../errors.js';
import type { HeaderField } from './entity.js';

/** Header fields given to a builder: parsed fields (raw bytes reused) or [name, value] pairs (formatted and folded). */
export type HeaderInput = ReadonlyArray<HeaderField> | ReadonlyArray<readonly [string, string]>;

/** RFC 5322 2.2.3: lines SHOULD be no more than 78 characters, excluding the CRLF. */
export const FOLD_COLUMNS = 78;
/** RFC 5322 2.1.1: lines MUST be no more than 998 characters, excluding the CRLF. */
export const MAX_LINE_OCTETS = 998;

/**
 * Which entity a header field belongs to. Fields whose name starts with "Content-" (Content-Type,
 * Content-Transfer-Encoding, Content-Disposition, Content-ID, Content-Description, ...) and MIME-Version
 * describe the MIME entity (RFC 2045 3, 4) and go with it when it is wrapped. Every other field
 * (From, To, Cc, Subject, Date, Message-ID, Received, Return-Path, X-*, Authentication-Results, ...)
 * is a message header field (RFC 5322 3.6) and stays on the outermost entity, where mail agents
 * and the user look for it.
 */
export function isMessageHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return !(lower.startsWith('content-') || lower === 'mime-version');
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Format one field `Name: value` + eol, folded before whitespace so lines stay within 78 columns where
 * the value allows (a run without whitespace is never split). Refused with BAD_ARGUMENT: a name that is
 * not RFC 5322 ftext, a value containing CR, LF or NUL (header injection: a value must not be able to
 * start a new field or end the header block), or a line that cannot be kept within 998 octets.
 */
export function formatHeaderField(name: string, value: string, eol: '\r\n' | '\n' = '\r\n'): Buffer {
  if (!FIELD_NAME.test(name)) {
    throw new DomsecError('BAD_ARGUMENT', `invalid header field name ${JSON.stringify(name)}`);
  }
  if (/[\r\n\0]/.test(value)) {
    throw new DomsecError(
      'BAD_ARGUMENT',
      `header field ${name}: value contains CR, LF or NUL (header injection refused)`,
    );
  }
  // Each token: optional leading WSP then a run of non-WSP; trailing WSP is its own last token. Folding
  // happens only before a token that starts with WSP and has text, so no line is whitespace only.
  const tokens = value.match(/[ \t]*[^ \t]+|[ \t]+$/g) ?? [];
  const lines: string[] = [];
  let cur = value === '' ? `${name}:` : `${name}: `;
  let hasContent = false;
  for (const t of tokens) {
    if (hasContent && cur.length + t.length > FOLD_COLUMNS && /^[ \t]+[^ \t]/.test(t)) {
      lines.push(cur);
      cur = t;
    } else {
      cur += t;
    }
    hasContent = true;
  }
  lines.push(cur);
  for (const l of lines) {
    if (Buffer.byteLength(l, 'utf8') > MAX_LINE_OCTETS) {
      throw new DomsecError('BAD_ARGUMENT', `header field ${name}: cannot fold a line within ${MAX_LINE_OCTETS} octets`);
    }
  }
  return Buffer.from(lines.join(eol) + eol, 'utf8');
}

/** Convert every line ending (CRLF or bare LF) to `eol`. Returns the input itself when nothing changes. */
export function convertEol(buf: Buffer, eol: '\r\n' | '\n'): Buffer {
  const parts: Buffer[] = [];
  const eolBuf = Buffer.from(eol, 'latin1');
  let changed = false;
  let pos = 0;
  for (let lf = buf.indexOf(0x0a); lf >= 0; lf = buf.indexOf(0x0a, lf + 1)) {
    const hasCr = lf > 0 && buf[lf - 1] === 0x0d;
    if (hasCr === (eol === '\r\n')) continue;
    changed = true;
    parts.push(buf.subarray(pos, hasCr ? lf - 1 : lf), eolBuf);
    pos = lf + 1;
  }
  if (!changed) return buf;
  parts.push(buf.subarray(pos));
  return Buffer.concat(parts);
}

/**
 * Render header fields given to a builder. Parsed fields keep their raw bytes (folding and all), with
 * line endings converted to `eol` and a terminator added if the field had none; pairs are formatted.
 */
export function renderHeaders(headers: HeaderInput | undefined, eol: '\r\n' | '\n'): { bytes: Buffer; names: string[] } {
  const chunks: Buffer[] = [];
  const names: string[] = [];
  const eolBuf = Buffer.from(eol, 'latin1');
  for (const h of headers ?? []) {
    if (isPair(h)) {
      chunks.push(formatHeaderField(h[0], h[1], eol));
      names.push(h[0]);
    } else {
      let raw = convertEol(h.raw, eol);
      if (raw[raw.length - 1] !== 0x0a) raw = Buffer.concat([raw, eolBuf]);
      chunks.push(raw);
      names.push(h.name);
    }
  }
  return { bytes: Buffer.concat(chunks), names };
}

function isPair(h: HeaderField | readonly [string, string]): h is readonly [string, string] {
  return Array.isArray(h);
}

/** Line ending of the first line of `raw` (CRLF when it has none). */
export function detectEol(raw: Buffer): '\r\n' | '\n' {
  const lf = raw.indexOf(0x0a);
  return lf > 0 && raw[lf - 1] === 0x0d ? '\r\n' : lf >= 0 ? '\n' : '\r\n';
}

/** Builders put the MIME entity's own Content-* fields; outer headers must not bring their own (BAD_ARGUMENT). */
export function assertNoContentHeaders(names: string[]): void {
  for (const n of names) {
    if (n.toLowerCase().startsWith('content-')) {
      throw new DomsecError('BAD_ARGUMENT', `outer header ${n} is a MIME entity field, not a message field`);
    }
  }
}
