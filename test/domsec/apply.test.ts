import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import { applyDomainSignature, type ApplyOptions } from '../../src/domsec/apply.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { layerChain, parseMessage, shapeOf } from '../../src/message/layers.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { decodeBody, getHeader, parseEntity } from '../../src/mime/index.js';
import { isDomsecError } from '../../src/errors.js';
import * as O from '../../src/asn1/oids.js';
import { anchors, keyOf, testPki } from '../helpers/pki.js';
import { exampleParties, fixture, HEADERS, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

function options(encryptOutbound: boolean): ApplyOptions {
  return {
    signers: [keyOf(pki, 'example.test/signer-rsa')],
    policy: { encryptOutbound },
    dca: keyOf(pki, 'example.test/dca-rsa'),
    encryptFor: [{ certDer: keyOf(pki, 'example.org/dca-rsa').certDer }, { certDer: keyOf(pki, 'example.org/user-bob').certDer }],
    trustAnchors: anchors(pki),
    validationTime: VALIDATION_TIME,
    signingTime: SIGNING_TIME,
  };
}

/** Every key that can open a layer of the examples, so the whole output tree can be inspected. */
function allKeys() {
  return [keyOf(pki, 'example.test/dca-rsa'), keyOf(pki, 'example.org/dca-rsa')];
}

describe('Section 5.1 examples', () => {
  for (const ex of SECTION5_EXAMPLES) {
    for (const encryptOutbound of [false, true]) {
      const policy = encryptOutbound ? 'encrypt' : 'noEncrypt';
      it(`${ex.id} (${policy}): ${ex.title}`, () => {
        const input = buildExampleInput(ex, exampleParties(pki));
        expect(shapeOf(parseMessage(input.message, { keys: allKeys() }))).toBe(ex.inputShape);
        const result = applyDomainSignature(input.message, options(encryptOutbound));
        expect(result.outputShape).toBe(ex.expected[policy]);
        // The shape the engine reports is the shape a reader finds.
        const out = parseMessage(result.message, { keys: allKeys() });
        expect(shapeOf(out)).toBe(ex.expected[policy]);
        // Layers the draft keeps are byte-identical CMS objects (and, below the outermost, identical entities).
        const outLayers = layerChain(out);
        for (const name of ex.kept) {
          const entity = input.entities[name]!;
          const der = decodeBody(parseEntity(entity));
          const match = outLayers.find((l) => l.kind !== 'content' && l.der.equals(der));
          expect(match, `${name} kept byte for byte`).toBeDefined();
          if (name !== ex.layers[0]!.name) expect(match!.raw.equals(entity)).toBe(true);
        }
        // Outer RFC 5322 header fields stay on the outermost entity.
        for (const [n, v] of HEADERS) expect(getHeader(out.entity!, n)).toBe(v);
        // The receiving domain verifies the result: domain signature valid, naming satisfied.
        const report = verifyMessage(result.message, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME, keys: allKeys() });
        expect(report.verdict).toBe('pass');
        expect(report.domainSignatures).toBe(1);
        expect(report.originator.identifiedBy).toBe('originatorSignature');
        expect(report.originator.identity).toBe('alice@example.test');
      });
    }
  }

  it('carries the remembered signed attributes of the mlExpansionHistory layer onto the new outer layer (N5)', () => {
    const ex = SECTION5_EXAMPLES[3]!;
    const input = buildExampleInput(ex, exampleParties(pki));
    const inRoot = parseMessage(input.message);
    const result = applyDomainSignature(input.message, options(true));
    const outRoot = parseMessage(result.message);
    if (inRoot.kind !== 'signedData' || outRoot.kind !== 'signedData') throw new Error('expected signedData roots');
    const keep = (l: typeof inRoot) => l.sd.signerInfos[0]!.signedAttrs!.filter((a) => a.type !== O.id_contentType && a.type !== O.id_messageDigest).map((a) => a.raw.toString('hex')).sort();
    expect(keep(outRoot)).toEqual(keep(inRoot));
    expect(keep(outRoot).length).toBeGreaterThanOrEqual(2); // mlExpansionHistory and signingTime
  });
});

describe('applyDomainSignature refusals and the empty signature layer', () => {
  it('wraps unsigned mail in an empty signature layer when the originator is authenticated externally (N12)', () => {
    const msg = Buffer.concat([Buffer.from(HEADERS.map(([n, v]) => `${n}: ${v}\r\n`).join('')), fixture('messages/plain-content.txt')]);
    const result = applyDomainSignature(msg, { ...options(false), originatorAuthenticated: true });
    expect(result.outputShape).toBe('S[domainSig](S[empty](data))');
    const out = parseMessage(result.message);
    const empty = layerChain(out)[1]!;
    if (empty.kind !== 'signedData') throw new Error('expected the empty layer');
    expect(empty.sd.signerInfos).toHaveLength(0);
    expect(empty.sd.eContentType).toBe(O.id_data);
    expect(empty.sd.eContent?.equals(fixture('messages/plain-content.txt'))).toBe(true);
  });

  it('refuses unsigned mail whose originator is not authenticated (draft 3.2)', () => {
    const msg = Buffer.concat([Buffer.from(HEADERS.map(([n, v]) => `${n}: ${v}\r\n`).join('')), fixture('messages/plain-content.txt')]);
    expect(() => applyDomainSignature(msg, options(false))).toThrowError(expect.objectContaining({ code: 'ORIGINATOR_NOT_AUTHENTICATED' }));
  });

  it('refuses, producing nothing, when an inner signature is invalid (N8)', () => {
    const p = exampleParties(pki);
    const good = buildExampleInput(SECTION5_EXAMPLES[0]!, p).message;
    // Flip one byte of the signed content inside the base64: the messageDigest no longer matches.
    const entity = parseEntity(good);
    const der = Buffer.from(decodeBody(entity));
    const at = der.indexOf(Buffer.from('quarterly figures are attached'));
    der[at] = 'Q'.charCodeAt(0);
    const msg = Buffer.concat([entity.headerBytes, Buffer.from('\r\n'), Buffer.from(der.toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n')]);
    try {
      applyDomainSignature(msg, options(false));
      expect.unreachable('must refuse');
    } catch (e) {
      expect(isDomsecError(e) && e.code).toBe('SIGNATURE_INVALID');
    }
  });

  it('refuses to sign with a certificate that breaks the naming convention for the From: domain', () => {
    const input = buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki));
    expect(() => applyDomainSignature(input.message, { ...options(false), signers: [keyOf(pki, 'example.org/signer-rsa')] })).toThrowError(
      expect.objectContaining({ code: 'POLICY_VIOLATION' }),
    );
  });

  it('refuses when the local DCA cannot open an envelopedData (N8)', () => {
    const input = buildExampleInput(SECTION5_EXAMPLES[2]!, exampleParties(pki));
    expect(() => applyDomainSignature(input.message, { ...options(false), dca: keyOf(pki, 'example.org/dca-rsa') })).toThrowError(
      expect.objectContaining({ code: 'NO_LOCAL_DCA_KEY' }),
    );
  });

  it('signs with several SignerInfos (RSA and ECDSA) carrying identical SignatureType content', () => {
    const input = buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki));
    const result = applyDomainSignature(input.message, { ...options(false), signers: [keyOf(pki, 'example.test/signer-rsa'), keyOf(pki, 'example.test/signer-ec')] });
    const report = verifyMessage(result.message, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME });
    expect(report.layers[0]!.signers).toHaveLength(2);
    expect(report.layers[0]!.reasons).not.toContain('STYPE_INCONSISTENT');
    expect(report.verdict).toBe('pass');
    expect(report.domainSignatures).toBe(2);
  });

  it('applies a second domain signature to an already domain-signed message (draft 3.2: one or more)', () => {
    const input = buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki));
    const once = applyDomainSignature(input.message, options(false));
    const twice = applyDomainSignature(once.message, options(false));
    expect(twice.outputShape).toBe('S[domainSig](S[domainSig](S[-](data)))');
  });
});
