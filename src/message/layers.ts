/**
 * The message model: a message (RFC 5322 + MIME, or a bare DER/BER/PEM CMS object) as a tree of layers.
 *
 *   signedData          application/pkcs7-mime; smime-type=signed-data (content encapsulated)
 *   multipartSigned     multipart/signed with application/pkcs7-signature (detached originator signature)
 *   envelopedData       application/pkcs7-mime; smime-type=enveloped-data
 *   authEnvelopedData   application/pkcs7-mime; smime-type=authEnveloped-data (RFC 5083)
 *   content             the original content (anything else)
 *
 * The content of every CMS layer is itself a MIME entity that may hold the next layer. Every layer keeps
 * the exact bytes it was parsed from, so a layer that is not changed is written back byte for byte.
 */
import { DomsecError, isDomsecError } from '../errors.js';
import { MAX_LAYER_DEPTH, MAX_MESSAGE_BYTES } from '../limits.js';
import * as O from '../asn1/oids.js';
import { encodeContentInfo, parseContentInfo } from '../cms/content-info.js';
import { readBer } from '../cms/der.js';
import { parseSignedDataContent, type ParsedSignedData } from '../cms/signed-data.js';
import { parseEnvelopeContent, decryptEnvelopedContent, type ParsedEnvelope } from '../cms/enveloped-data.js';
import { decryptAuthEnvelopedContent } from '../cms/auth-enveloped-data.js';
import type { RecipientKey } from '../cms/recipient-info.js';
import { classifyEntity, decodeBody, parseEntity, splitMultipart, canonicalizeCrlf, type MimeEntity } from '../mime/index.js';

export type LayerKind = 'signedData' | 'multipartSigned' | 'envelopedData' | 'authEnvelopedData' | 'content';

interface LayerBase {
  depth: number;
  /** The MIME entity that carries this layer; absent when the input (or an eContent) is bare CMS or bare content. */
  entity?: MimeEntity;
  /** Exact bytes of this layer as found: the MIME entity, or the DER when there is no MIME wrapper. */
  raw: Buffer;
}

export interface SignedLayer extends LayerBase {
  kind: 'signedData' | 'multipartSigned';
  /**
   * DER/BER of the ContentInfo (for multipart/signed: of the detached signature); for plain CMS nesting
   * (cmsNested) the SignedData itself, as RFC 5652 5.2 carries it: use contentInfoDer() for a ContentInfo.
   */
  der: Buffer;
  /** The layer was the eContent or plaintext of its outer layer as plain CMS (contentType not id-data), without MIME. */
  cmsNested?: true;
  sd: ParsedSignedData;
  /**
   * The bytes the signatures cover: eContent, or the canonicalised first part of a multipart/signed.
   * Absent (with `inner`) for a detached SignedData read on its own: the content is elsewhere.
   */
  content?: Buffer;
  inner?: Layer;
}

export interface EnvelopeLayer extends LayerBase {
  kind: 'envelopedData' | 'authEnvelopedData';
  /** As SignedLayer.der: the ContentInfo, or for plain CMS nesting (cmsNested) the EnvelopedData/AuthEnvelopedData itself. */
  der: Buffer;
  cmsNested?: true;
  env: ParsedEnvelope;
  /** Present once the layer was decrypted with one of the supplied keys. */
  inner?: Layer;
  opened?: { recipientIndex: number; certDer: Buffer };
  /** Why it could not be opened (no key given, no matching RecipientInfo, decryption failure). */
  openError?: DomsecError;
}

export interface ContentLayer extends LayerBase {
  kind: 'content';
}

export type Layer = SignedLayer | EnvelopeLayer | ContentLayer;

export interface ParseMessageOptions {
  /** Keys to open encrypted layers with (recipient or DCA): each is tried on every envelope. */
  keys?: RecipientKey[];
}

const PEM_RE = /^-----BEGIN (CMS|PKCS7)-----\r?\n([\s\S]*?)-----END \1-----/;

/** Parse a whole message (or bare CMS object) into its layer tree. */
export function parseMessage(raw: Buffer, opts: ParseMessageOptions = {}): Layer {
  if (raw.length > MAX_MESSAGE_BYTES) throw new DomsecError('LIMIT_EXCEEDED', `message is ${raw.length} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`);
  if (raw.length === 0) throw new DomsecError('MALFORMED_MIME', 'empty message');
  const head = raw.subarray(0, 40).toString('latin1');
  const pem = head.startsWith('-----BEGIN') ? PEM_RE.exec(raw.toString('latin1')) : null;
  if (pem) return parseCms(Buffer.from(pem[2]!.replace(/\s+/g, ''), 'base64'), 0, opts, undefined, Buffer.from(raw));
  // A bare CMS object is a SEQUENCE; an RFC 5322 message starts with a header field name (printable ASCII).
  if (raw[0] === 0x30) return parseCms(raw, 0, opts);
  return parseMimeLayer(raw, 0, opts);
}

function checkDepth(depth: number): void {
  if (depth > MAX_LAYER_DEPTH) throw new DomsecError('LIMIT_EXCEEDED', `more than ${MAX_LAYER_DEPTH} nested layers`);
}

function parseMimeLayer(raw: Buffer, depth: number, opts: ParseMessageOptions): Layer {
  checkDepth(depth);
  const entity = parseEntity(raw);
  const kind = classifyEntity(entity);
  if (kind.kind === 'content') return { kind: 'content', depth, entity, raw };
  if (kind.kind === 'multipartSigned') {
    const split = splitMultipart(entity);
    if (split.parts.length !== 2) throw new DomsecError('MALFORMED_MIME', `multipart/signed has ${split.parts.length} parts, RFC 1847 requires 2`);
    const signedPart = split.parts[0]!;
    const sigEntity = parseEntity(split.parts[1]!);
    const der = decodeBody(sigEntity);
    const ci = parseContentInfo(der, 'detached signature');
    if (ci.contentType !== O.id_signedData) throw new DomsecError('UNSUPPORTED_CONTENT_TYPE', `multipart/signed signature is ${O.oidName(ci.contentType)}, not signedData`);
    const sd = parseSignedDataContent(ci.content);
    // RFC 8551 3.1.1: the signature covers the canonical (CRLF) form of the first part.
    const content = canonicalizeCrlf(signedPart);
    return { kind: 'multipartSigned', depth, entity, raw, der, sd, content, inner: parseMimeLayer(signedPart, depth + 1, opts) };
  }
  const der = decodeBody(entity);
  return parseCms(der, depth, opts, entity, raw);
}

function parseCms(der: Buffer, depth: number, opts: ParseMessageOptions, entity?: MimeEntity, raw?: Buffer): Layer {
  checkDepth(depth);
  const ci = parseContentInfo(der, 'CMS ContentInfo');
  return cmsLayer(ci.contentType, ci.content, der, depth, opts, entity, raw ?? der);
}

function cmsLayer(
  contentType: string,
  content: ReturnType<typeof readBer>,
  der: Buffer,
  depth: number,
  opts: ParseMessageOptions,
  entity: MimeEntity | undefined,
  raw: Buffer,
  cmsNested = false,
): Layer {
  const base = { depth, raw, ...(entity ? { entity } : {}), ...(cmsNested ? { cmsNested: true as const } : {}) };
  if (contentType === O.id_signedData) {
    const sd = parseSignedDataContent(content);
    // A detached signature read on its own (RFC 5652 5.2): a layer with no content; verification says SIG_NO_CONTENT.
    if (sd.eContent === undefined) return { kind: 'signedData', ...base, der, sd };
    return { kind: 'signedData', ...base, der, sd, content: sd.eContent, inner: innerLayer(sd.eContentType, sd.eContent, depth + 1, opts) };
  }
  if (contentType === O.id_envelopedData || contentType === O.id_ct_authEnvelopedData) {
    const kind = contentType === O.id_envelopedData ? 'envelopedData' : 'authEnvelopedData';
    const env = parseEnvelopeContent(content, kind);
    const layer: EnvelopeLayer = { kind, ...base, der, env };
    openEnvelope(layer, opts);
    return layer;
  }
  throw new DomsecError('UNSUPPORTED_CONTENT_TYPE', `CMS content type ${contentType} (${O.oidName(contentType)}) is not supported`);
}

/** What an eContent or decrypted content holds: a MIME entity (id-data), or a CMS content of the named type. */
function innerLayer(contentType: string, bytes: Buffer, depth: number, opts: ParseMessageOptions): Layer {
  checkDepth(depth);
  if (contentType === O.id_signedData || contentType === O.id_envelopedData || contentType === O.id_ct_authEnvelopedData) {
    // Plain CMS nesting (no MIME between layers): eContent is the DER of the inner content itself (RFC 5652 5.2).
    const block = readBer(bytes, { what: `${O.oidName(contentType)} eContent` });
    return cmsLayer(contentType, block, bytes, depth, opts, undefined, bytes, true);
  }
  if (contentType !== O.id_data) return { kind: 'content', depth, raw: bytes };
  try {
    return parseMimeLayer(bytes, depth, opts);
  } catch (e) {
    // Not a MIME entity (e.g. raw CMS test content such as "This is some sample content."): keep it as opaque content.
    if (isDomsecError(e) && e.code === 'MALFORMED_MIME') return { kind: 'content', depth, raw: bytes };
    throw e;
  }
}

function openEnvelope(layer: EnvelopeLayer, opts: ParseMessageOptions): void {
  const keys = opts.keys ?? [];
  if (keys.length === 0) {
    layer.openError = new DomsecError('NO_MATCHING_RECIPIENT', 'no key supplied for this encrypted layer');
    return;
  }
  let last: DomsecError | undefined;
  for (const who of keys) {
    try {
      const r = layer.kind === 'envelopedData' ? decryptEnvelopedContent(layer.env, who) : decryptAuthEnvelopedContent(layer.env, who);
      layer.opened = { recipientIndex: r.recipientIndex, certDer: who.certDer };
      layer.inner = innerLayer(layer.env.contentType, r.content, layer.depth + 1, opts);
      return;
    } catch (e) {
      if (!isDomsecError(e)) throw e;
      // A parse error inside decrypted content is a real error about the message, not about this key.
      if (e.code !== 'NO_MATCHING_RECIPIENT' && e.code !== 'DECRYPT_FAILED' && e.code !== 'UNSUPPORTED_ALGORITHM') throw e;
      if (!last || last.code === 'NO_MATCHING_RECIPIENT') last = e;
    }
  }
  layer.openError = last;
}

/**
 * The layer as a ContentInfo, ready to be carried in its own application/pkcs7-mime entity: `der` as is,
 * or for a plain-CMS-nested layer its content wrapped in a ContentInfo of its type (the inner
 * SignedData/EnvelopedData bytes unchanged). A multipart/signed layer gives its detached signature.
 */
export function contentInfoDer(layer: SignedLayer | EnvelopeLayer): Buffer {
  if (!layer.cmsNested) return layer.der;
  const type = layer.kind === 'envelopedData' ? O.id_envelopedData : layer.kind === 'authEnvelopedData' ? O.id_ct_authEnvelopedData : O.id_signedData;
  return encodeContentInfo(type, layer.der);
}

// ------------------------------------------------------------------ shape

/**
 * The layer shape, e.g. `S[domainSig](E(S[-](data)))`:
 *  S[...] signedData, M[...] multipart/signed: what its SignerInfos carry (grammar in ./shape.ts)
 *  E(...) envelopedData, A(...) authEnvelopedData; `E(?)` when it was not opened
 *  data   the original content
 */
export function shapeOf(layer: Layer): string {
  switch (layer.kind) {
    case 'content':
      return layerLabel(layer);
    case 'envelopedData':
    case 'authEnvelopedData':
      return `${layerLabel(layer)}(${layer.inner ? shapeOf(layer.inner) : '?'})`;
    case 'signedData':
    case 'multipartSigned':
      return `${layerLabel(layer)}(${layer.inner ? shapeOf(layer.inner) : 'detached'})`;
  }
}

/** A layer's own token in the shape notation, without the layers inside it: `data`, `E`, `A`, `S[...]`, `M[...]`. */
export function layerLabel(layer: Layer): string {
  switch (layer.kind) {
    case 'content':
      return 'data';
    case 'envelopedData':
      return 'E';
    case 'authEnvelopedData':
      return 'A';
    case 'signedData':
      return `S[${signedLabel(layer.sd)}]`;
    case 'multipartSigned':
      return `M[${signedLabel(layer.sd)}]`;
  }
}

// The labels of S[...] and M[...], and the SignatureType short names, are defined with the grammar in ./shape.ts.
import { signedLabel } from './shape.js';
export { SIGNATURE_TYPE_SHORT_NAMES, signedLabel } from './shape.js';

/** Layers from the outside in, following opened envelopes. */
export function layerChain(root: Layer): Layer[] {
  const out: Layer[] = [];
  let cur: Layer | undefined = root;
  while (cur) {
    out.push(cur);
    cur = cur.kind === 'content' ? undefined : cur.inner;
  }
  return out;
}
