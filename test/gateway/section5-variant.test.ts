/**
 * The Section 5 copy the faulty gateways run, with its knobs at the reference setting, gives the engine's
 * output shapes for all seven examples under both policies: a faulty variant differs only by its fault.
 */
import { describe, expect, it } from 'vitest';
import { applyDomainSignature, type ApplyOptions } from '../../src/domsec/apply.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { applyVariant, REFERENCE_KNOBS } from '../../src/gateway/section5-variant.js';
import { DomsecError } from '../../src/errors.js';
import { exampleParties, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';
import { keyOf, testPki } from '../helpers/pki.js';
import { shape } from './helpers.js';
import * as O from '../../src/asn1/oids.js';
import { buildSignedData } from '../../src/cms/signed-data.js';
import { buildEnvelopedData } from '../../src/cms/enveloped-data.js';
import { parseContentInfo } from '../../src/cms/content-info.js';
import { rawOf } from '../../src/cms/der.js';
import { buildPkcs7MimeEntity } from '../../src/mime/index.js';
import { verifyMessage } from '../../src/domsec/verify.js';

describe('Section 5 copy with the reference knobs', () => {
  for (const ex of SECTION5_EXAMPLES) {
    for (const encrypt of [false, true]) {
      it(`Example ${ex.number}, ${encrypt ? 'encrypt' : 'no-encrypt'}: same shape as applyDomainSignature`, async () => {
        const pki = await testPki();
        const input = buildExampleInput(ex, exampleParties(pki)).message;
        const opts: ApplyOptions = {
          signers: [keyOf(pki, 'example.test/signer-rsa')],
          policy: { encryptOutbound: encrypt },
          dca: keyOf(pki, 'example.test/dca-rsa'),
          encryptFor: [{ certDer: keyOf(pki, 'example.org/dca-rsa').certDer }],
          trustAnchors: [pki.ca.certDer],
          validationTime: VALIDATION_TIME,
          signingTime: SIGNING_TIME,
        };
        const engine = applyDomainSignature(input, opts);
        const variant = applyVariant(input, opts, REFERENCE_KNOBS);
        const expected = encrypt ? ex.expected.encrypt : ex.expected.noEncrypt;
        expect(engine.outputShape).toBe(expected);
        expect(shape(pki, variant.message)).toBe(expected);
        expect(shape(pki, engine.message)).toBe(expected);
      });
    }
  }

  it('refuses what the engine refuses (invalid signature, unauthenticated originator, foreign signer)', async () => {
    const pki = await testPki();
    const input = buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki)).message;
    const base: ApplyOptions = { signers: [keyOf(pki, 'example.test/bad-foreign')], policy: { encryptOutbound: false }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME };
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return e instanceof DomsecError ? e.code : String(e);
      }
    };
    expect(code(() => applyDomainSignature(input, base))).toBe('POLICY_VIOLATION');
    expect(code(() => applyVariant(input, base, REFERENCE_KNOBS))).toBe('POLICY_VIOLATION');
    const unsigned = Buffer.from('From: alice@example.test\r\nContent-Type: text/plain\r\n\r\nhi\r\n');
    const ok = { ...base, signers: [keyOf(pki, 'example.test/signer-rsa')] };
    expect(code(() => applyDomainSignature(unsigned, ok))).toBe('ORIGINATOR_NOT_AUTHENTICATED');
    expect(code(() => applyVariant(unsigned, ok, REFERENCE_KNOBS))).toBe('ORIGINATOR_NOT_AUTHENTICATED');
  });

  it('a layer nested as plain CMS (RFC 5652 5.2) gets its ContentInfo back when it is re-wrapped', async () => {
    const pki = await testPki();
    // E1 whose plaintext is a SignedData itself (contentType id-signedData), not a MIME entity.
    const s1 = buildSignedData({ eContentType: O.id_data, eContent: Buffer.from('Content-Type: text/plain\r\n\r\nnested\r\n'), signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME });
    const sd = rawOf(parseContentInfo(s1).content);
    const e1 = buildEnvelopedData({ content: sd, contentType: O.id_signedData, recipients: [{ certDer: keyOf(pki, 'example.test/dca-rsa').certDer }] });
    const input = buildPkcs7MimeEntity(e1, 'enveloped-data', { headers: [['From', 'alice@example.test'], ['To', 'bob@example.org']] });
    const opts: ApplyOptions = { signers: [keyOf(pki, 'example.test/signer-rsa')], policy: { encryptOutbound: false }, dca: keyOf(pki, 'example.test/dca-rsa'), trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME, signingTime: SIGNING_TIME };
    const out = applyVariant(input, opts, REFERENCE_KNOBS).message;
    expect(shape(pki, out)).toBe('S[domainSig](S[-](data))');
    expect(verifyMessage(out, { trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).verdict).toBe('pass');
  });
});
