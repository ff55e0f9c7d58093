/**
 * The CPU bomb of issue 12, item 6: one S/MIME message whose SignedData carries 300 SignerInfos with
 * garbage signatures and 600 copies of one certificate (all the same name). Built from a real signature
 * by Alice (so every SignerInfo names a certificate that is present and each must be tried), re-encoded
 * with a small DER writer here, since the builders of src/ only make well-formed messages.
 */
import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import { signedLayer } from '../../src/message/build.js';
import { parseMessage } from '../../src/message/layers.js';
import { buildPkcs7MimeEntity } from '../../src/mime/index.js';
import type { TestPki } from '../../src/pki/index.js';
import { SIGNING_TIME } from '../helpers/messages.js';
import { keyOf } from '../helpers/pki.js';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : (() => {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  })();
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const der = (b: asn1js.BaseBlock): Buffer => Buffer.from(b.toBER(false));
/** Deterministic garbage: a hash chain, so the bomb is the same bytes every run. */
const garbage = (n: number, seed: number): Buffer => {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`bomb ${seed} ${i}`).digest());
  return Buffer.concat(out).subarray(0, n);
};

export function cpuBomb(pki: TestPki, opts: { signerInfos?: number; certificates?: number } = {}): Buffer {
  const alice = keyOf(pki, 'example.test/user-alice');
  const content = Buffer.from('Content-Type: text/plain\r\n\r\nbomb\r\n');
  const layer = parseMessage(signedLayer(content, { signers: [alice], signingTime: SIGNING_TIME }), {});
  if (layer.kind !== 'signedData') throw new Error('cpuBomb: the seed message is not a signedData');
  const ci = asn1js.fromBER(layer.der).result as asn1js.Sequence;
  const sd = (ci.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  const parts = sd.valueBlock.value;
  const [version, digestAlgorithms, encap] = parts as [asn1js.BaseBlock, asn1js.BaseBlock, asn1js.BaseBlock];
  const signerInfos = parts[parts.length - 1] as asn1js.Set;
  const si = signerInfos.valueBlock.value[0] as asn1js.Sequence;
  const siParts = si.valueBlock.value;
  const sigIndex = siParts.findIndex((b) => b instanceof asn1js.OctetString);
  const before = Buffer.concat(siParts.slice(0, sigIndex).map(der));
  const after = Buffer.concat(siParts.slice(sigIndex + 1).map(der));
  const sigLen = (siParts[sigIndex] as asn1js.OctetString).valueBlock.valueHexView.length;
  const sis = Array.from({ length: opts.signerInfos ?? 300 }, (_, i) => tlv(0x30, Buffer.concat([before, tlv(0x04, garbage(sigLen, i)), after])));
  const certs = Array.from({ length: opts.certificates ?? 600 }, () => alice.certDer);
  const signedData = tlv(0x30, Buffer.concat([der(version), der(digestAlgorithms), der(encap), tlv(0xa0, Buffer.concat(certs)), tlv(0x31, Buffer.concat(sis))]));
  const contentInfo = tlv(0x30, Buffer.concat([der(ci.valueBlock.value[0]!), tlv(0xa0, signedData)]));
  return buildPkcs7MimeEntity(contentInfo, 'signed-data', { headers: [['From', 'alice@example.test'], ['To', 'bob@example.org'], ['Subject', 'cpu bomb']] });
}
