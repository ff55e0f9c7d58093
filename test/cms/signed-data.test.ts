import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import * as O from '../../src/asn1/oids.js';
import { buildSignedData, checkSignerInfo, parseSignedData } from '../../src/cms/signed-data.js';
import { children, isTag, rawOf, readBer } from '../../src/cms/der.js';
import { signatureTypeAttribute } from '../../src/domsec/signature-type.js';
import { keyOf, testPki } from '../helpers/pki.js';
import { SIGNING_TIME } from '../helpers/messages.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const content = Buffer.from('Content-Type: text/plain\r\n\r\nhello\r\n');

describe('SignedData building (RFC 5652 5)', () => {
  it('emits DER-sorted signed attributes (Bouncy Castle rejects unsorted ones) that verify', () => {
    const der = buildSignedData({
      eContentType: O.id_data, eContent: content, signingTime: SIGNING_TIME,
      signers: [{ ...keyOf(pki, 'example.test/signer-rsa'), signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig])] }],
    });
    const sd = parseSignedData(der);
    const si = sd.signerInfos[0]!;
    const encodings = si.signedAttrs!.map((a) => a.raw);
    expect(encodings).toEqual([...encodings].sort(Buffer.compare));
    expect(si.signedAttrs!.map((a) => a.type).sort()).toEqual([O.id_contentType, O.id_messageDigest, O.id_signingTime, O.id_aa_signatureType].sort());
    expect(checkSignerInfo(sd, si).ok).toBe(true);
  });

  it('chooses the version by RFC 5652 5.1 / 5.3: 1 with issuerAndSerialNumber and id-data, 3 otherwise', () => {
    const signer = keyOf(pki, 'example.test/signer-ec');
    expect(parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: content, signers: [signer] })).version).toBe(1);
    const skid = parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: content, signers: [{ ...signer, sid: 'subjectKeyIdentifier' }] }));
    expect(skid.version).toBe(3);
    expect(skid.signerInfos[0]!.version).toBe(3);
    expect(skid.signerInfos[0]!.sid.kind).toBe('subjectKeyIdentifier');
    expect(checkSignerInfo(skid, skid.signerInfos[0]!).ok).toBe(true);
    expect(parseSignedData(buildSignedData({ eContentType: O.id_signedData, eContent: content, signers: [signer] })).version).toBe(3);
  });

  it('builds the empty signature layer with no signers, id-data and the content as eContent (N12), and refuses a wrong one', () => {
    const sd = parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: content, signers: [], signingTime: null }));
    expect(sd.signerInfos).toHaveLength(0);
    expect(sd.eContent!.equals(content)).toBe(true);
    expect(() => buildSignedData({ eContentType: O.id_signedData, eContent: content, signers: [] })).toThrowError(expect.objectContaining({ code: 'POLICY_VIOLATION' }));
    expect(() => buildSignedData({ eContentType: O.id_data, eContent: content, signers: [], detached: true })).toThrowError(expect.objectContaining({ code: 'POLICY_VIOLATION' }));
  });

  it('keeps a 0-byte eContent (pkijs drops it) and a primitive, definite-length OCTET STRING', () => {
    const der = buildSignedData({ eContentType: O.id_data, eContent: Buffer.alloc(0), signers: [keyOf(pki, 'example.test/signer-rsa')] });
    const sd = parseSignedData(der);
    expect(sd.eContent).toBeDefined();
    expect(sd.eContent!.length).toBe(0);
    const eci = children(children(children(readBer(der, { what: 't' }))[1]!)[0]!)[2]!;
    const os = children(children(eci)[1]!)[0]!;
    expect(isTag(os, 1, 4) && !os.idBlock.isConstructed).toBe(true);
    expect(rawOf(os)).toEqual(Buffer.from([0x04, 0x00]));
  });

  it('signs with RSA PKCS#1 v1.5 and RSA-PSS at SHA-256/384/512, ECDSA P-256/P-384 and Ed25519', () => {
    const cases = [
      { name: 'example.test/signer-rsa', scheme: 'rsa-pkcs1', digest: 'sha256', alg: O.sha256WithRSAEncryption },
      { name: 'example.test/signer-rsa', scheme: 'rsa-pkcs1', digest: 'sha512', alg: O.sha512WithRSAEncryption },
      { name: 'example.test/signer-rsa', scheme: 'rsa-pss', digest: 'sha256', alg: O.id_RSASSA_PSS },
      { name: 'example.test/signer-rsa', scheme: 'rsa-pss', digest: 'sha384', alg: O.id_RSASSA_PSS },
      { name: 'example.test/signer-rsa', scheme: 'rsa-pss', digest: 'sha512', alg: O.id_RSASSA_PSS },
      { name: 'example.test/signer-ec', digest: 'sha256', alg: O.ecdsa_with_SHA256 },
      { name: 'example.test/signer-ec384', digest: 'sha384', alg: O.ecdsa_with_SHA384 },
      { name: 'example.test/signer-ed25519', digest: 'sha512', alg: O.id_Ed25519 },
    ] as const;
    for (const c of cases) {
      const signer = { ...keyOf(pki, c.name), digest: c.digest, ...('scheme' in c ? { scheme: c.scheme } : {}) };
      const sd = parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: content, signers: [signer] }));
      const si = sd.signerInfos[0]!;
      expect(si.signatureAlgorithm, c.name).toBe(c.alg);
      expect(checkSignerInfo(sd, si).ok, `${c.name} ${c.digest}`).toBe(true);
    }
  });

  it('RSA PKCS#1 v1.5 with a fixed signingTime is byte-reproducible', () => {
    const input = { eContentType: O.id_data, eContent: content, signers: [keyOf(pki, 'example.test/signer-rsa')], signingTime: SIGNING_TIME };
    expect(buildSignedData(input).equals(buildSignedData(input))).toBe(true);
  });

  it('detects a changed content, a changed attribute and a wrong certificate', () => {
    const signer = keyOf(pki, 'example.test/signer-rsa');
    const der = buildSignedData({ eContentType: O.id_data, eContent: content, signers: [signer], signingTime: SIGNING_TIME });
    const changedContent = Buffer.from(der);
    changedContent[der.indexOf(Buffer.from('hello'))] = 0x48;
    const sd1 = parseSignedData(changedContent);
    expect(checkSignerInfo(sd1, sd1.signerInfos[0]!).reasons).toEqual(['SIG_DIGEST_MISMATCH']);
    // Alter the signingTime digits inside the signed attributes: the signature no longer verifies.
    const changedAttr = Buffer.from(der);
    const at = der.indexOf(Buffer.from('260301120000Z'));
    changedAttr[at + 5] = changedAttr[at + 5]! ^ 0x01; // "12" o'clock becomes "13"
    const sd2 = parseSignedData(changedAttr);
    expect(checkSignerInfo(sd2, sd2.signerInfos[0]!).reasons).toEqual(['SIG_VALUE_INVALID']);
    // A SignedData whose certificate is not carried: no signer certificate.
    const noCert = parseSignedData(der);
    noCert.certificates = [];
    expect(checkSignerInfo(noCert, noCert.signerInfos[0]!).reasons).toEqual(['SIG_NO_SIGNER_CERTIFICATE']);
    expect(checkSignerInfo(noCert, noCert.signerInfos[0]!, [signer.certDer]).ok).toBe(true);
  });
});
