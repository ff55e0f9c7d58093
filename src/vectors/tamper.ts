/**
 * Deliberate damage for negative vectors, done on the DER inside an application/pkcs7-mime entity.
 */
import { buildPkcs7MimeEntity, decodeBody, parseEntity } from '../mime/index.js';
import { parseSignedData } from '../cms/signed-data.js';

/** Flip the last bit of the (first) signature value: the signature no longer verifies, everything still parses. */
export function tamperSignatureValue(signedEntity: Buffer): Buffer {
  const der = Buffer.from(decodeBody(parseEntity(signedEntity)));
  const sig = parseSignedData(der).signerInfos[0]!.signature;
  const at = der.indexOf(sig);
  der[at + sig.length - 1] = der[at + sig.length - 1]! ^ 0x01;
  return buildPkcs7MimeEntity(der, 'signed-data');
}

/** Replace bytes inside the DER (e.g. in the encapsulated content): a messageDigest mismatch. */
export function tamperDer(entity: Buffer, find: string, replace: string): Buffer {
  if (find.length !== replace.length) throw new Error('tamperDer keeps lengths');
  const der = Buffer.from(decodeBody(parseEntity(entity)));
  const at = der.indexOf(Buffer.from(find, 'latin1'));
  if (at < 0) throw new Error(`tamperDer: "${find}" not found`);
  der.write(replace, at, 'latin1');
  return buildPkcs7MimeEntity(der, 'signed-data');
}
