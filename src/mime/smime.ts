/**
 * S/MIME entity classification and generation (RFC 8551 3.2-3.5), and the outer-header rule.
 *
 * Outer headers: when a message is wrapped in an S/MIME layer, fields whose name starts with
 * "Content-" and MIME-Version belong to the MIME entity and are wrapped with it; every other field
 * (From, To, Cc, Subject, Date, Message-ID, Received, X-*, Authentication-Results, ...) is a message
 * header field and stays on the outermost entity (see isMessageHeader).
 */
import { DomsecError } from '../errors.js';
import { base64LinesLength, encodeBase64LinesInto } from './base64.js';
import { entityContentType, getHeader, parseStructuredHeader, type HeaderField, type MimeEntity } from './entity.js';
import {
  assertNoContentHeaders,
  detectEol,
  formatHeaderField,
  isMessageHeader,
  renderHeaders,
  type HeaderInput,
} from './headers.js';

export { isMessageHeader } from './headers.js';

export type EntityKind =
  | { kind: 'signedData' | 'envelopedData' | 'authEnvelopedData' | 'pkcs7-unknown'; smimeType?: string }
  | { kind: 'multipartSigned'; micalg?: string; protocol: string }
  | { kind: 'content' };

export type SmimeType = 'signed-data' | 'enveloped-data' | 'authEnveloped-data';

/**
 * What an entity is, from its headers only (the CMS contentType inside is the final word):
 *  - application/pkcs7-mime or application/x-pkcs7-mime with smime-type signed-data, enveloped-data or
 *    authEnveloped-data (RFC 8551 3.2.2, compared case-insensitively) -> signedData / envelopedData /
 *    authEnvelopedData;
 *  - the same types with no smime-type or another one (certs-only, compressed-data, unknown), and
 *    application/octet-stream named *.p7m (Content-Type name or Content-Disposition filename,
 *    RFC 8551 3.2.1) -> 'pkcs7-unknown';
 *  - multipart/signed whose protocol is application/pkcs7-signature or application/x-pkcs7-signature
 *    -> multipartSigned (protocol lowercased; micalg as written);
 *  - anything else (including multipart/signed for another protocol, e.g. PGP) -> content.
 * `smimeType` is reported lowercased.
 */
export function classifyEntity(entity: Pick<MimeEntity, 'headers'>): EntityKind {
  const ct = entityContentType(entity);
  const full = `${ct.type}/${ct.subtype}`;
  if (full === 'application/pkcs7-mime' || full === 'application/x-pkcs7-mime') {
    const st = ct.params['smime-type']?.toLowerCase();
    if (st === undefined) return { kind: 'pkcs7-unknown' };
    if (st === 'signed-data') return { kind: 'signedData', smimeType: st };
    if (st === 'enveloped-data') return { kind: 'envelopedData', smimeType: st };
    if (st === 'authenveloped-data') return { kind: 'authEnvelopedData', smimeType: st };
    return { kind: 'pkcs7-unknown', smimeType: st };
  }
  if (full === 'application/octet-stream') {
    const name = ct.params['name'];
    const filename = parseStructuredHeader(getHeader(entity, 'Content-Disposition')).params['filename'];
    if ([name, filename].some((f) => f !== undefined && /\.p7m$/i.test(f.trim()))) return { kind: 'pkcs7-unknown' };
    return { kind: 'content' };
  }
  if (full === 'multipart/signed') {
    const protocol = ct.params['protocol']?.toLowerCase();
    if (protocol === 'application/pkcs7-signature' || protocol === 'application/x-pkcs7-signature') {
      const micalg = ct.params['micalg'];
      return micalg === undefined ? { kind: 'multipartSigned', protocol } : { kind: 'multipartSigned', micalg, protocol };
    }
  }
  return { kind: 'content' };
}

export interface Pkcs7MimeOptions {
  /** Placed first, e.g. the outer RFC 5322 header fields. Content-* fields are refused (BAD_ARGUMENT). */
  headers?: HeaderInput;
  /** Line ending of everything generated; CRLF (the wire form) unless a bare-LF file is wanted. */
  eol?: '\r\n' | '\n';
}

/**
 * Build an application/pkcs7-mime entity (RFC 8551 3.2, 3.3, 3.4):
 *
 *     <outer headers>
 *     MIME-Version: 1.0            (only if not already among the outer headers)
 *     Content-Type: application/pkcs7-mime; smime-type=<type>; name=smime.p7m   (folded before
 *                   "name=" when the line would pass 78 columns)
 *     Content-Transfer-Encoding: base64
 *     Content-Disposition: attachment; filename=smime.p7m
 *
 *     <base64 of der, 76-character lines, each ending in eol>
 *
 * Assembled in one allocation of the exact size (100 MB of DER is one base64 pass and one copy).
 */
export function buildPkcs7MimeEntity(der: Buffer, smimeType: SmimeType, opts?: Pkcs7MimeOptions): Buffer {
  const eol = opts?.eol ?? '\r\n';
  if (smimeType !== 'signed-data' && smimeType !== 'enveloped-data' && smimeType !== 'authEnveloped-data') {
    throw new DomsecError('BAD_ARGUMENT', `unsupported smime-type ${JSON.stringify(smimeType)}`);
  }
  const { bytes: outer, names } = renderHeaders(opts?.headers, eol);
  assertNoContentHeaders(names);
  const hasMimeVersion = names.some((n) => n.toLowerCase() === 'mime-version');
  const head = Buffer.concat([
    outer,
    hasMimeVersion ? Buffer.alloc(0) : formatHeaderField('MIME-Version', '1.0', eol),
    // Folded when over 78 columns (RFC 5322 2.2.3): enveloped-data and authEnveloped-data lines are 80+.
    formatHeaderField('Content-Type', `application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m`, eol),
    Buffer.from(
      `Content-Transfer-Encoding: base64${eol}` +
        `Content-Disposition: attachment; filename=smime.p7m${eol}${eol}`,
      'latin1',
    ),
  ]);
  const out = Buffer.allocUnsafe(head.length + base64LinesLength(der.length, eol));
  const o = head.copy(out, 0);
  encodeBase64LinesInto(der, out, o, eol);
  return out;
}

export interface OuterSplit {
  /** Every field that is not Content-* and not MIME-Version, raw bytes kept, in order. */
  outer: HeaderField[];
  /**
   * The entity re-emitted with only its Content-* fields (raw bytes, in order), then the blank
   * separator line as written (or `eol` if the entity had none), then the body unchanged. MIME-Version
   * is in neither half: the wrapping layer's builder adds its own.
   */
  inner: Buffer;
}

/** Separate the message header fields (which stay outermost) from the MIME entity to be wrapped. */
export function splitOuterHeaders(entity: MimeEntity): OuterSplit {
  const outer: HeaderField[] = [];
  const chunks: Buffer[] = [];
  const eolBuf = Buffer.from(entity.eol, 'latin1');
  // Common layout (message fields, MIME-Version, then the Content-* fields, then the body): the inner
  // entity is a tail of the input, so it is returned as a view instead of a copy of a 100 MB body.
  const tail = contiguousInnerStart(entity);
  if (tail !== undefined) {
    for (const h of entity.headers) if (isMessageHeader(h.name)) outer.push(h);
    return { outer, inner: entity.raw.subarray(tail) };
  }
  for (const h of entity.headers) {
    if (isMessageHeader(h.name)) {
      outer.push(h);
    } else if (h.name.toLowerCase() !== 'mime-version') {
      chunks.push(h.raw);
      // Only the last field of a headers-only entity can lack its line ending.
      if (h.raw[h.raw.length - 1] !== 0x0a) chunks.push(eolBuf);
    }
  }
  const sep = entity.raw.subarray(entity.headerBytes.length, entity.bodyOffset);
  chunks.push(sep.length > 0 ? sep : eolBuf, entity.body);
  return { outer, inner: Buffer.concat(chunks) };
}

/**
 * Where the inner entity starts when it is exactly a tail of `entity.raw`: every message header field
 * and MIME-Version come before every other field, the entity has a separator line, and the fields are
 * consecutive views of `raw` covering the header block (as parseEntity makes them). Otherwise undefined (splitOuterHeaders then copies).
 */
function contiguousInnerStart(entity: MimeEntity): number | undefined {
  if (entity.bodyOffset <= entity.headerBytes.length) return undefined;
  const base = entity.raw.byteOffset;
  let start: number | undefined;
  let at = 0;
  for (const h of entity.headers) {
    // Each field must be the bytes of raw that follow the previous one (as parseEntity makes them).
    if (h.raw.buffer !== entity.raw.buffer || h.raw.byteOffset - base !== at) return undefined;
    at += h.raw.length;
    const staysOuter = isMessageHeader(h.name) || h.name.toLowerCase() === 'mime-version';
    if (start === undefined) {
      if (!staysOuter) start = h.raw.byteOffset - base;
    } else if (staysOuter) {
      return undefined;
    }
  }
  if (at !== entity.headerBytes.length) return undefined;
  return start ?? entity.headerBytes.length;
}

/**
 * Prepend header fields (e.g. Authentication-Results, RFC 8601) to a message, folded at 78 columns
 * (RFC 5322 2.2.3), using the line ending of the message's first line. A value containing CR, LF or NUL
 * is refused with BAD_ARGUMENT (header injection), as is an invalid field name. `raw` is not changed.
 */
export function prependHeaders(raw: Buffer, fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const eol = detectEol(raw);
  const rendered = fields.map(([n, v]) => formatHeaderField(n, v, eol));
  return Buffer.concat([...rendered, raw]);
}
