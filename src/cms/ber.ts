/**
 * Re-encode a DER ContentInfo (SignedData, EnvelopedData or AuthEnvelopedData) the way streaming
 * encoders write it (OpenSSL `cms -stream`, RFC 5652 allows BER): indefinite lengths on the outer
 * structures and the content as a constructed OCTET STRING in chunks. Signed parts (signed attributes,
 * certificates, SignerInfos, RecipientInfos) stay DER, as streaming encoders keep them.
 *
 * Used to make the BER variants of golden vectors: a receiver must accept them (issue 3).
 */
import * as O from '../asn1/oids.js';
import { DomsecError } from '../errors.js';
import { children, octetStringBytes, rawOf, readBer, tlv } from './der.js';
import type * as asn1js from 'asn1js';

const EOC = Buffer.from([0x00, 0x00]);

/** A constructed element with the indefinite length form (X.690 8.1.3.6). */
function indefinite(tag: number, ...parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([tag | 0x20, 0x80]), ...parts, EOC]);
}

/** Content octets as a constructed string of `chunk`-byte primitive OCTET STRINGs (X.690 8.7.3.2). */
function chunked(tag: number, bytes: Buffer, chunk: number): Buffer {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(tlv(0x04, bytes.subarray(i, i + chunk)));
  return indefinite(tag, ...pieces);
}

function signedDataBer(sd: asn1js.BaseBlock, chunk: number): Buffer {
  const [version, digestAlgorithms, eci, ...rest] = children(sd);
  const [eContentType, wrapper] = children(eci!);
  const eciBer = wrapper
    ? indefinite(0x30, rawOf(eContentType!), indefinite(0xa0, chunked(0x24, octetStringBytes(children(wrapper)[0]!), chunk)))
    : indefinite(0x30, rawOf(eContentType!));
  return indefinite(0x30, rawOf(version!), rawOf(digestAlgorithms!), eciBer, ...rest.map(rawOf));
}

function envelopeBer(env: asn1js.BaseBlock, chunk: number): Buffer {
  const parts = children(env);
  // EncryptedContentInfo is the first SEQUENCE after the RecipientInfos SET.
  const setIdx = parts.findIndex((b) => b.idBlock.tagClass === 1 && b.idBlock.tagNumber === 17);
  const out = parts.map((b, i) => {
    if (i !== setIdx + 1) return rawOf(b);
    const [ct, alg, content] = children(b);
    return content ? indefinite(0x30, rawOf(ct!), rawOf(alg!), chunked(0xa0, octetStringBytes(content), chunk)) : rawOf(b);
  });
  return indefinite(0x30, ...out);
}

export function toIndefiniteBer(der: Buffer, chunk = 1000): Buffer {
  const root = readBer(der, { what: 'ContentInfo' });
  const [typeBlock, wrapper] = children(root);
  if (!typeBlock || !wrapper) throw new DomsecError('MALFORMED_DER', 'ContentInfo: missing fields');
  const type = (typeBlock as asn1js.ObjectIdentifier).valueBlock.toString();
  const content = children(wrapper)[0]!;
  let body: Buffer;
  if (type === O.id_signedData) body = signedDataBer(content, chunk);
  else if (type === O.id_envelopedData || type === O.id_ct_authEnvelopedData) body = envelopeBer(content, chunk);
  else throw new DomsecError('UNSUPPORTED_CONTENT_TYPE', `cannot stream-encode ${O.oidName(type)}`);
  return indefinite(0x30, rawOf(typeBlock), indefinite(0xa0, body));
}
