/**
 * Engine output read by an independent implementation: the OpenSSL 3.0 CLI verifies every signedData
 * layer and decrypts every envelopedData/authEnvelopedData layer the engine writes, and gets exactly
 * the bytes the engine says the layer holds.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import type { TestPki } from '../../src/pki/index.js';
import * as O from '../../src/asn1/oids.js';
import { applyDomainSignature, type ApplyOptions } from '../../src/domsec/apply.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { layerChain, parseMessage, shapeOf, type EnvelopeLayer, type Layer, type SignedLayer } from '../../src/message/layers.js';
import { buildSignedData, checkSignerInfo, parseSignedData } from '../../src/cms/signed-data.js';
import { buildEnvelopedData, decryptEnvelopedContent, parseEnvelopedData } from '../../src/cms/enveloped-data.js';
import { buildAuthEnvelopedData, decryptAuthEnvelopedContent, parseAuthEnvelopedData } from '../../src/cms/auth-enveloped-data.js';
import type { RecipientInput } from '../../src/cms/recipient-info.js';
import type { AeadCipher, CbcCipher } from '../../src/crypto/content-cipher.js';
import type { DigestName, SignatureScheme } from '../../src/crypto/signature.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { anchors, keyOf, testPki } from '../helpers/pki.js';
import { exampleParties, fixture, HEADERS, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';
import { ATTIME, OpenSslDir, PkiFiles, printedHexField } from './openssl.js';

let pki: TestPki;
let dir: OpenSslDir;
let files: PkiFiles;

beforeAll(async () => {
  pki = await testPki();
  dir = new OpenSslDir('engine-to-openssl');
  files = new PkiFiles(dir, pki);
});
afterAll(() => dir?.remove());

const OUTBOUND_DCA = 'example.org/dca-rsa';
const LOCAL_DCA = 'example.test/dca-rsa';

function options(encryptOutbound: boolean): ApplyOptions {
  return {
    signers: [keyOf(pki, 'example.test/signer-rsa')],
    policy: { encryptOutbound },
    dca: keyOf(pki, LOCAL_DCA),
    encryptFor: [{ certDer: keyOf(pki, OUTBOUND_DCA).certDer }, { certDer: keyOf(pki, 'example.org/user-bob').certDer }],
    trustAnchors: anchors(pki),
    validationTime: VALIDATION_TIME,
    signingTime: SIGNING_TIME,
  };
}

const allKeys = () => [keyOf(pki, LOCAL_DCA), keyOf(pki, OUTBOUND_DCA)];

/** `openssl cms -verify` on a DER SignedData: must succeed, returns the content it outputs. */
function opensslVerify(der: Buffer): Buffer {
  const f = dir.write(der, 'der');
  return dir.ok(['cms', '-verify', '-inform', 'DER', '-in', f, '-binary', '-CAfile', files.caFile, '-purpose', 'any', '-attime', ATTIME]);
}

/** `openssl cms -decrypt` on a DER (Auth)EnvelopedData with a PKI entry's key: must succeed, returns the plaintext. */
function opensslDecrypt(der: Buffer, recipient: string): Buffer {
  const f = dir.write(der, 'der');
  const { cert, key } = files.of(recipient);
  return dir.ok(['cms', '-decrypt', '-inform', 'DER', '-in', f, '-inkey', key, '-recip', cert]);
}

function opensslPrint(der: Buffer): string {
  return dir.ok(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', dir.write(der, 'der')]).toString('latin1');
}

/** An empty signature layer (draft 2.3 (1), N12): OpenSSL refuses to verify it, but prints it with the eContent and no signerInfos. */
function expectEmptyLayerSeenByOpenSsl(layer: SignedLayer): void {
  const f = dir.write(layer.der, 'der');
  const refused = dir.run(['cms', '-verify', '-inform', 'DER', '-in', f, '-CAfile', files.caFile, '-purpose', 'any', '-attime', ATTIME]);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toMatch(/no signers/);
  const printed = opensslPrint(layer.der);
  expect(printed).toMatch(/eContentType: pkcs7-data \(1\.2\.840\.113549\.1\.7\.1\)/);
  expect(printed).toMatch(/signerInfos:\s*\n\s*<EMPTY>/);
  expect(printedHexField(printed, 'eContent').equals(layer.content!)).toBe(true);
}

const certOf = (name: string) => keyOf(pki, name).certDer;

/** Peel the engine's layer tree with OpenSSL; returns what was checked, for the caller to compare with the shape. */
function peelWithOpenSsl(root: Layer): { signed: number; empty: number; envelopes: string[] } {
  const seen = { signed: 0, empty: 0, envelopes: [] as string[] };
  for (const layer of layerChain(root)) {
    if (layer.kind === 'signedData' || layer.kind === 'multipartSigned') {
      if (layer.sd.signerInfos.length === 0) {
        expectEmptyLayerSeenByOpenSsl(layer);
        seen.empty++;
      } else {
        const out = opensslVerify(layer.der);
        expect(out.equals(layer.content!), `layer ${layer.depth}: OpenSSL's verified content is the engine's eContent`).toBe(true);
        seen.signed++;
      }
    } else if (layer.kind === 'envelopedData' || layer.kind === 'authEnvelopedData') {
      // The envelope applyDomainSignature adds is the outermost one, for the receiving DCA; any lower one is the input's, for the local DCA.
      const recipient = seen.envelopes.length === 0 ? OUTBOUND_DCA : LOCAL_DCA;
      const env = layer as EnvelopeLayer;
      expect(env.inner, `layer ${layer.depth} opened by the engine`).toBeDefined();
      expect(env.opened!.certDer.equals(certOf(recipient))).toBe(true);
      const out = opensslDecrypt(layer.der, recipient);
      expect(out.equals(env.inner!.raw), `layer ${layer.depth}: OpenSSL's plaintext is the engine's decrypted bytes`).toBe(true);
      seen.envelopes.push(recipient);
    }
  }
  return seen;
}

const count = (shape: string, re: RegExp) => (shape.match(re) ?? []).length;

describe('OpenSSL verifies and decrypts every layer of the Section 5.1 examples after applyDomainSignature', () => {
  for (const ex of SECTION5_EXAMPLES) {
    for (const encryptOutbound of [false, true]) {
      const policy = encryptOutbound ? 'encrypt' : 'noEncrypt';
      it(`${ex.id} (${policy}) -> ${ex.expected[policy]}`, () => {
        const input = buildExampleInput(ex, exampleParties(pki));
        const result = applyDomainSignature(input.message, options(encryptOutbound));
        const root = parseMessage(result.message, { keys: allKeys() });
        const shape = shapeOf(root);
        expect(shape).toBe(ex.expected[policy]);
        const seen = peelWithOpenSsl(root);
        // Every layer of the shape was checked by OpenSSL, none skipped.
        expect(seen.signed).toBe(count(shape, /S\[/g));
        expect(seen.envelopes.length).toBe(count(shape, /[EA]\(/g));
        expect(seen.empty).toBe(0);
      });
    }
  }

  for (const encryptOutbound of [false, true]) {
    it(`unsigned mail, originator authenticated externally (${encryptOutbound ? 'encrypt' : 'noEncrypt'}): domain signature over an empty signature layer`, () => {
      const msg = Buffer.concat([Buffer.from(HEADERS.map(([n, v]) => `${n}: ${v}\r\n`).join('')), fixture('messages/plain-content.txt')]);
      const result = applyDomainSignature(msg, { ...options(encryptOutbound), originatorAuthenticated: true });
      const root = parseMessage(result.message, { keys: allKeys() });
      expect(shapeOf(root)).toBe(encryptOutbound ? 'E(S[domainSig](S[empty](data)))' : 'S[domainSig](S[empty](data))');
      const seen = peelWithOpenSsl(root);
      expect(seen).toEqual({ signed: 1, empty: 1, envelopes: encryptOutbound ? [OUTBOUND_DCA] : [] });
      // The empty layer's eContent is the original content, as OpenSSL printed it.
      const empty = layerChain(root).find((l): l is SignedLayer => l.kind === 'signedData' && l.sd.signerInfos.length === 0)!;
      expect(empty.content!.equals(fixture('messages/plain-content.txt'))).toBe(true);
    });
  }

  it('OpenSSL also reads the outermost layer in its S/MIME form, RFC 5322 header fields and all', () => {
    for (const encryptOutbound of [false, true]) {
      const input = buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki));
      const result = applyDomainSignature(input.message, options(encryptOutbound));
      const root = parseMessage(result.message, { keys: allKeys() });
      const f = dir.write(result.message, 'eml');
      if (encryptOutbound) {
        const { cert, key } = files.of(OUTBOUND_DCA);
        const out = dir.ok(['cms', '-decrypt', '-in', f, '-inkey', key, '-recip', cert]);
        expect(root.kind).toBe('envelopedData');
        expect(out.equals((root as EnvelopeLayer).inner!.raw)).toBe(true);
      } else {
        const out = dir.ok(['cms', '-verify', '-in', f, '-binary', '-CAfile', files.caFile, '-purpose', 'any', '-attime', ATTIME]);
        expect(root.kind).toBe('signedData');
        expect(out.equals((root as SignedLayer).content!)).toBe(true);
      }
    }
  });

  it('a layer altered after signing is refused by OpenSSL (the check can fail)', () => {
    const input = buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki));
    const root = parseMessage(applyDomainSignature(input.message, options(false)).message);
    if (root.kind !== 'signedData') throw new Error('expected a signedData root');
    const der = Buffer.from(root.der);
    // The eContent is the inner S/MIME entity; change one letter of its header (a digest mismatch, nothing else).
    const at = der.indexOf(Buffer.from('smime-type=signed-data'));
    expect(at).toBeGreaterThan(0);
    der[at] = 'S'.charCodeAt(0);
    const r = dir.run(['cms', '-verify', '-inform', 'DER', '-in', dir.write(der, 'der'), '-binary', '-CAfile', files.caFile, '-purpose', 'any', '-attime', ATTIME]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/digest failure|verification failure/i);
  });
});

// ---------------------------------------------------------------- plain engine signing

interface SignCase {
  name: string;
  signer: string;
  scheme?: SignatureScheme;
  digest?: DigestName;
  sid?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
  /** The signatureAlgorithm and digest OIDs OpenSSL must print, so the case really exercised that algorithm. */
  signatureOid: string;
  digestOid: string;
}

const SIGN_CASES: SignCase[] = [
  { name: 'RSA PKCS#1 v1.5, SHA-256', signer: 'example.test/signer-rsa', scheme: 'rsa-pkcs1', digest: 'sha256', signatureOid: O.sha256WithRSAEncryption, digestOid: O.id_sha256 },
  { name: 'RSA PKCS#1 v1.5, SHA-512, subjectKeyIdentifier sid', signer: 'example.test/signer-rsa', scheme: 'rsa-pkcs1', digest: 'sha512', sid: 'subjectKeyIdentifier', signatureOid: O.sha512WithRSAEncryption, digestOid: O.id_sha512 },
  { name: 'RSASSA-PSS, SHA-256', signer: 'example.test/signer-rsa', scheme: 'rsa-pss', digest: 'sha256', signatureOid: O.id_RSASSA_PSS, digestOid: O.id_sha256 },
  { name: 'RSASSA-PSS, SHA-384', signer: 'example.test/signer-rsa', scheme: 'rsa-pss', digest: 'sha384', signatureOid: O.id_RSASSA_PSS, digestOid: O.id_sha384 },
  { name: 'RSASSA-PSS, SHA-512', signer: 'example.test/signer-rsa', scheme: 'rsa-pss', digest: 'sha512', signatureOid: O.id_RSASSA_PSS, digestOid: O.id_sha512 },
  { name: 'ECDSA P-256, SHA-256', signer: 'example.test/signer-ec', signatureOid: O.ecdsa_with_SHA256, digestOid: O.id_sha256 },
  { name: 'ECDSA P-384, SHA-384', signer: 'example.test/signer-ec384', signatureOid: O.ecdsa_with_SHA384, digestOid: O.id_sha384 },
];

describe('OpenSSL verifies plain engine SignedData', () => {
  for (const c of SIGN_CASES) {
    it(c.name, () => {
      const k = keyOf(pki, c.signer);
      const content = fixture('messages/plain-content.txt');
      const der = buildSignedData({
        eContentType: O.id_data,
        eContent: content,
        signingTime: SIGNING_TIME,
        signers: [{ certDer: k.certDer, key: k.key, ...(c.scheme ? { scheme: c.scheme } : {}), ...(c.digest ? { digest: c.digest } : {}), ...(c.sid ? { sid: c.sid } : {}) }],
      });
      expect(opensslVerify(der).equals(content)).toBe(true);
      const printed = opensslPrint(der);
      expect(printed).toContain(`(${c.signatureOid})`);
      expect(printed).toContain(`(${c.digestOid})`);
      if (c.sid === 'subjectKeyIdentifier') expect(printed).toMatch(/d\.subjectKeyIdentifier/);
    });
  }

  it('Ed25519: OpenSSL 3.0 cannot verify Ed25519 CMS, so the engine verifies it and OpenSSL checks the raw Ed25519 signature', () => {
    // OpenSSL 3.0's `cms -verify` rejects Ed25519 SignedData (STACK-NOTES: "OpenSSL 3.0 cannot sign or
    // verify Ed25519 CMS"), so the CMS-level check is the engine's own, and the Ed25519 signature value
    // over the DER SET OF signed attributes (RFC 5652 5.4, RFC 8419) is checked by `openssl pkeyutl`.
    const k = keyOf(pki, 'example.test/signer-ed25519');
    const content = fixture('messages/plain-content.txt');
    const der = buildSignedData({ eContentType: O.id_data, eContent: content, signingTime: SIGNING_TIME, signers: [{ certDer: k.certDer, key: k.key }] });
    const sd = parseSignedData(der);
    const si = sd.signerInfos[0]!;
    expect(si.signatureAlgorithm).toBe(O.id_Ed25519);
    expect(si.digestAlgorithm).toBe(O.id_sha512); // RFC 8419 3.1
    expect(checkSignerInfo(sd, si)).toMatchObject({ ok: true, reasons: [] });

    const signedAttrsSet = Buffer.from(si.signedAttrsRaw!);
    signedAttrsSet[0] = 0x31; // [0] IMPLICIT -> SET OF, the bytes the signature covers
    const pub = dir.write(new X509Certificate(k.certDer).publicKey.export({ type: 'spki', format: 'pem' }), 'pem');
    const verify = (data: Buffer) =>
      dir.run(['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', dir.write(data), '-sigfile', dir.write(si.signature)]);
    const good = verify(signedAttrsSet);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout.toString()).toMatch(/Signature Verified Successfully/);

    // Both checks can fail: altered signed attributes for OpenSSL, altered content for the engine.
    const bent = Buffer.from(signedAttrsSet);
    bent[bent.length - 1]! ^= 1;
    expect(verify(bent).status).not.toBe(0);
    const tampered = { ...sd, eContent: Buffer.concat([content, Buffer.from('x')]) };
    expect(checkSignerInfo(tampered, si)).toMatchObject({ ok: false, reasons: ['SIG_DIGEST_MISMATCH'] });
  });
});

// ---------------------------------------------------------------- plain engine encryption

interface EnvelopeCase {
  name: string;
  recipients: Array<{ name: string } & Omit<RecipientInput, 'certDer'>>;
  cipher: CbcCipher | AeadCipher;
  /** keyEncryptionAlgorithm OIDs (one per recipient) and the content-encryption OID that OpenSSL must print. */
  keyEncryptionOids: string[];
  contentOid: string;
}

const ENVELOPE_CASES: EnvelopeCase[] = [
  { name: 'RSAES-PKCS1-v1_5 key transport, AES-256-CBC', recipients: [{ name: 'example.org/dca-rsa' }], cipher: 'aes-256-cbc', keyEncryptionOids: [O.rsaEncryption], contentOid: O.aes256_CBC },
  { name: 'RSAES-PKCS1-v1_5 key transport, AES-128-CBC', recipients: [{ name: 'example.org/dca-rsa' }], cipher: 'aes-128-cbc', keyEncryptionOids: [O.rsaEncryption], contentOid: O.aes128_CBC },
  {
    name: 'RSAES-OAEP (SHA-256) key transport, AES-256-CBC',
    recipients: [{ name: 'example.org/dca-rsa', keyTransport: 'rsa-oaep', oaepHash: 'sha256' }],
    cipher: 'aes-256-cbc',
    keyEncryptionOids: [O.id_RSAES_OAEP],
    contentOid: O.aes256_CBC,
  },
  {
    name: 'ECDH P-256 (dca-ec), X9.63 SHA-256 KDF, aes128-wrap, AES-256-CBC',
    recipients: [{ name: 'example.org/dca-ec' }],
    cipher: 'aes-256-cbc',
    keyEncryptionOids: [O.dhSinglePass_stdDH_sha256kdf_scheme],
    contentOid: O.aes256_CBC,
  },
  { name: 'AuthEnvelopedData, AES-256-GCM, RSAES-PKCS1-v1_5', recipients: [{ name: 'example.org/dca-rsa' }], cipher: 'aes-256-gcm', keyEncryptionOids: [O.rsaEncryption], contentOid: O.aes256_GCM },
  { name: 'AuthEnvelopedData, AES-128-GCM, ECDH P-256', recipients: [{ name: 'example.org/dca-ec' }], cipher: 'aes-128-gcm', keyEncryptionOids: [O.dhSinglePass_stdDH_sha256kdf_scheme], contentOid: O.aes128_GCM },
  {
    name: 'multi-recipient: end recipient (RSA), receiving DCA (RSA-OAEP) and DCA (ECDH)',
    recipients: [{ name: 'example.org/user-bob' }, { name: 'example.org/dca-rsa', keyTransport: 'rsa-oaep', oaepHash: 'sha256' }, { name: 'example.org/dca-ec' }],
    cipher: 'aes-256-cbc',
    keyEncryptionOids: [O.rsaEncryption, O.id_RSAES_OAEP, O.dhSinglePass_stdDH_sha256kdf_scheme],
    contentOid: O.aes256_CBC,
  },
];

describe('OpenSSL decrypts plain engine EnvelopedData and AuthEnvelopedData', () => {
  for (const c of ENVELOPE_CASES) {
    it(c.name, () => {
      const content = fixture('messages/plain-content.txt');
      const recipients = c.recipients.map(({ name, ...opts }) => ({ certDer: certOf(name), ...opts }));
      const rng = new SeededRng(`interop ${c.name}`);
      const aead = c.cipher.endsWith('gcm');
      const der = aead
        ? buildAuthEnvelopedData({ content, recipients, rng }, c.cipher as AeadCipher)
        : buildEnvelopedData({ content, recipients, rng }, c.cipher as CbcCipher);
      const printed = opensslPrint(der);
      for (const oid of c.keyEncryptionOids) expect(printed).toContain(`(${oid})`);
      expect(printed).toContain(`(${c.contentOid})`);
      for (const r of c.recipients) {
        expect(opensslDecrypt(der, r.name).equals(content), `OpenSSL as ${r.name}`).toBe(true);
        // and the engine agrees
        const who = keyOf(pki, r.name);
        const mine = aead ? decryptAuthEnvelopedContent(parseAuthEnvelopedData(der), who) : decryptEnvelopedContent(parseEnvelopedData(der), who);
        expect(mine.content.equals(content)).toBe(true);
      }
    });
  }

  it('OpenSSL refuses a key that is not among the recipients (the check can fail)', () => {
    const der = buildEnvelopedData({ content: fixture('messages/plain-content.txt'), recipients: [{ certDer: certOf('example.org/dca-rsa') }] });
    const { cert, key } = files.of('example.org/user-alice');
    const r = dir.run(['cms', '-decrypt', '-inform', 'DER', '-in', dir.write(der, 'der'), '-inkey', key, '-recip', cert]);
    expect(r.status).not.toBe(0);
  });
});
