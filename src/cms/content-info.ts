/**
 * ContentInfo (RFC 5652 3):
 *
 *   ContentInfo ::= SEQUENCE {
 *     contentType ContentType,
 *     content [0] EXPLICIT ANY DEFINED BY contentType }
 */
import type * as asn1js from 'asn1js';
import { DomsecError } from '../errors.js';
import { children, ctx, expectSequence, isTag, oid, oidOf, readBer, tlv, seq } from './der.js';

export interface ParsedContentInfo {
  contentType: string;
  /** The decoded [0] content element (SignedData, EnvelopedData, ...). */
  content: asn1js.BaseBlock;
}

export function parseContentInfo(bytes: Uint8Array, what = 'ContentInfo'): ParsedContentInfo {
  const root = readBer(bytes, { what });
  const parts = expectSequence(root, what);
  const contentType = oidOf(parts[0], `${what}.contentType`);
  const wrapper = parts[1];
  if (!wrapper || !isTag(wrapper, 3, 0)) throw new DomsecError('MALFORMED_DER', `${what}: missing [0] content`);
  const inner = children(wrapper)[0];
  if (!inner) throw new DomsecError('MALFORMED_DER', `${what}: empty [0] content`);
  return { contentType, content: inner };
}

export function encodeContentInfo(contentType: string, contentDer: Buffer): Buffer {
  return seq(oid(contentType), tlv(ctx(0), contentDer));
}
