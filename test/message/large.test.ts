/**
 * Issue 2: no parser limit may stop a legitimate message: at least 100 MB of content and 64 nested
 * layers. Nested S/MIME grows by 4/3 per base64 layer, so deep nesting in practice is binary CMS
 * nesting (eContentType id-signedData, RFC 5652 5.2), which is what the 64-layer case builds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import * as O from '../../src/asn1/oids.js';
import { buildSignedData } from '../../src/cms/signed-data.js';
import { parseContentInfo } from '../../src/cms/content-info.js';
import { rawOf } from '../../src/cms/der.js';
import { envelopeLayer, signedLayer } from '../../src/message/build.js';
import { layerChain, parseMessage } from '../../src/message/layers.js';
import { verifyLayers, verifyMessage } from '../../src/domsec/verify.js';
import { MAX_LAYER_DEPTH } from '../../src/limits.js';
import { anchors, keyOf, testPki } from '../helpers/pki.js';
import { VALIDATION_TIME } from '../helpers/messages.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

/** n layers of binary CMS nesting around `content`, each signed by alice. */
function nested(n: number, content: Buffer): Buffer {
  const alice = keyOf(pki, 'example.test/user-alice');
  let der = buildSignedData({ eContentType: O.id_data, eContent: content, signers: [alice], signingTime: VALIDATION_TIME });
  for (let i = 1; i < n; i++) {
    const inner = rawOf(parseContentInfo(der).content); // eContent is the SignedData itself, not a ContentInfo
    der = buildSignedData({ eContentType: O.id_signedData, eContent: inner, signers: [alice], signingTime: VALIDATION_TIME });
  }
  return der;
}

describe('large and deep messages', () => {
  it('signs, encrypts, decrypts and verifies 100 MB of content', () => {
    const body = Buffer.alloc(100 * 1024 * 1024, 0x61);
    const content = Buffer.concat([Buffer.from('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'), body]);
    const signed = signedLayer(content, { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: VALIDATION_TIME });
    const dca = keyOf(pki, 'example.test/dca-rsa');
    const enveloped = envelopeLayer(signed, { recipients: [{ certDer: dca.certDer }] });
    const root = parseMessage(enveloped, { keys: [dca] });
    const chain = layerChain(root);
    expect(chain.map((l) => l.kind)).toEqual(['envelopedData', 'signedData', 'content']);
    expect(chain[2]!.raw.length).toBe(content.length);
    // No RFC 5322 header here: the originator is given, as a gateway knows it (a message without From: is never a pass, issue 12).
    const report = verifyLayers(root, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME, from: 'alice@example.test' });
    expect(report.verdict).toBe('pass');
  });

  it('parses and verifies 64 nested layers', () => {
    const der = nested(64, Buffer.from('deep content'));
    const report = verifyMessage(der, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME, from: 'alice@example.test' });
    expect(report.layers.filter((l) => l.kind === 'signedData')).toHaveLength(64);
    expect(report.verdict).toBe('pass');
  });

  it(`stops nesting deeper than MAX_LAYER_DEPTH (${MAX_LAYER_DEPTH}) with a typed LIMIT_EXCEEDED error`, () => {
    const der = nested(MAX_LAYER_DEPTH + 2, Buffer.from('too deep'));
    expect(() => parseMessage(der)).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});
