/**
 * A foreign CMS corpus (CryptoSys, draft-ireland-examples-cms, RFC 9216 keys), copied unmodified into
 * test/fixtures/interop/examples-cms/ (see its README.md). The engine must read all ten objects, verify
 * every signature whose algorithm it supports, decrypt every object it has a key for to exactly
 * `This is some sample content.`, and say which recipient type and algorithm (by OID) it cannot handle,
 * with a typed error and no crash.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as O from '../../src/asn1/oids.js';
import { DomsecError, isDomsecError } from '../../src/errors.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { parseMessage, shapeOf, type EnvelopeLayer, type SignedLayer } from '../../src/message/layers.js';
import { checkSignerInfo, parseSignedData, type ParsedSignedData } from '../../src/cms/signed-data.js';
import { decryptEnvelopedContent, parseEnvelopedData } from '../../src/cms/enveloped-data.js';
import type { RecipientKey } from '../../src/cms/recipient-info.js';
import { decodePemBlocks } from '../../src/x509/pem.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { fixture } from '../helpers/messages.js';

const SAMPLE = Buffer.from('This is some sample content.', 'ascii');
const DIR = 'interop/examples-cms';

const object = (name: string) => fixture(`${DIR}/binary-files/${name}.p7m`);
const certDer = (file: string) => decodePemBlocks(fixture(`${DIR}/certs-and-keys/${file}`).toString('latin1'))[0]!.der;
const privateKey = (file: string) => loadPrivateKey(fixture(`${DIR}/certs-and-keys/${file}`));

const ALICE = () => certDer('lamps-alice.crt');
const CARLOS = () => certDer('lamps-carlos.crt');
const BOB = (): RecipientKey => ({ certDer: certDer('lamps-bob.encrypt.crt'), key: privateKey('lamps-bob.decrypt.p8.pem') });
const DANA = (): RecipientKey => ({ certDer: certDer('lamps-dana.encrypt.crt'), key: privateKey('lamps-dana.decrypt.p8.pem') });

const ALL = [
  'signedByAliceRSA',
  'signedByAliceRSAPSS',
  'signedByCarlosEd25519',
  'signedByCarlosDetached',
  'signedByAliceAndCarlosNoCerts',
  'encryptedForBobRSAOaep',
  'encryptedForBobAndDana',
  'encryptedKekri',
  'authEnvelopedForBobChaCha20Poly1305',
  'authEnvelopedForDanaX25519HKDF',
] as const;

describe('the fixture copies', () => {
  it('are the ten objects and eight certificate/key files of the corpus, unmodified (SHA-256 as recorded in README.md)', () => {
    const readme = fixture(`${DIR}/README.md`).toString('utf8');
    const recorded = [...readme.matchAll(/^([0-9a-f]{64})  (\S+)$/gm)].map((m) => [m[2]!, m[1]!] as const);
    const base = new URL(`../fixtures/${DIR}/`, import.meta.url);
    const present = ['binary-files', 'certs-and-keys'].flatMap((d) => readdirSync(new URL(`${d}/`, base)).map((f) => `${d}/${f}`)).sort();
    expect(recorded.map(([f]) => f).sort()).toEqual(present);
    expect(present.filter((f) => f.endsWith('.p7m')).map((f) => f.slice('binary-files/'.length, -4)).sort()).toEqual([...ALL].sort());
    for (const [file, sha] of recorded) expect(createHash('sha256').update(readFileSync(new URL(file, base))).digest('hex'), file).toBe(sha);
  });
});

describe('parseMessage reads the corpus', () => {
  const EXPECTED_SHAPE: Record<string, string> = {
    signedByAliceRSA: 'S[-](data)',
    signedByAliceRSAPSS: 'S[-](data)',
    signedByCarlosEd25519: 'S[-](data)',
    signedByAliceAndCarlosNoCerts: 'S[-](data)',
    encryptedForBobRSAOaep: 'E(?)',
    encryptedForBobAndDana: 'E(?)',
    encryptedKekri: 'E(?)',
    authEnvelopedForBobChaCha20Poly1305: 'A(?)',
    authEnvelopedForDanaX25519HKDF: 'A(?)',
  };
  for (const name of ALL.filter((n) => n !== 'signedByCarlosDetached')) {
    it(`${name}: ${EXPECTED_SHAPE[name]} without keys`, () => {
      const root = parseMessage(object(name));
      expect(shapeOf(root)).toBe(EXPECTED_SHAPE[name]);
      if (root.kind === 'signedData') expect((root as SignedLayer).content!.equals(SAMPLE)).toBe(true);
    });
  }

  it('signedByCarlosDetached: read as a detached signature layer; verification says the content is missing', () => {
    const root = parseMessage(object('signedByCarlosDetached'));
    expect(shapeOf(root)).toBe('S[-](detached)');
    expect(root.kind === 'signedData' && root.sd.eContent).toBeUndefined();
    const report = verifyMessage(object('signedByCarlosDetached'), { trustAnchors: [] });
    expect(report.layers[0]!.signers[0]!.reasons).toEqual(['SIG_NO_CONTENT']);
    expect(report.verdict).toBe('fail');
  });
});

describe('signatures in the corpus', () => {
  const signed = (name: string): ParsedSignedData => {
    const root = parseMessage(object(name));
    if (root.kind !== 'signedData') throw new Error(`${name} is not a signedData`);
    return root.sd;
  };

  const SINGLE = [
    { name: 'signedByAliceRSA', signatureOid: O.rsaEncryption, digestOid: O.id_sha256, signer: ALICE },
    { name: 'signedByAliceRSAPSS', signatureOid: O.id_RSASSA_PSS, digestOid: O.id_sha256, signer: ALICE },
    { name: 'signedByCarlosEd25519', signatureOid: O.id_Ed25519, digestOid: O.id_sha512, signer: CARLOS },
  ];
  for (const c of SINGLE) {
    it(`${c.name} verifies against its embedded signer certificate`, () => {
      const sd = signed(c.name);
      expect(sd.signerInfos).toHaveLength(1);
      const r = checkSignerInfo(sd, sd.signerInfos[0]!);
      expect(r).toMatchObject({ ok: true, reasons: [], signatureAlgorithm: c.signatureOid, digestAlgorithm: c.digestOid });
      expect(r.certDer!.equals(c.signer())).toBe(true);
      // and fails on other content (the check can fail): a messageDigest mismatch with signed attributes,
      // an invalid signature value without them (RFC 5652 5.4: the signature is then over the content itself).
      const reason = sd.signerInfos[0]!.signedAttrs ? 'SIG_DIGEST_MISMATCH' : 'SIG_VALUE_INVALID';
      expect(checkSignerInfo({ ...sd, eContent: Buffer.from('This is some sample content!') }, sd.signerInfos[0]!)).toMatchObject({ ok: false, reasons: [reason] });
    });
  }

  it('signedByAliceAndCarlosNoCerts: both signers (Ed25519 and RSA) verify once their certificates are supplied', () => {
    const sd = signed('signedByAliceAndCarlosNoCerts');
    expect(sd.certificates).toHaveLength(0);
    expect(sd.signerInfos).toHaveLength(2);
    for (const si of sd.signerInfos) expect(checkSignerInfo(sd, si)).toMatchObject({ ok: false, reasons: ['SIG_NO_SIGNER_CERTIFICATE'] });
    const checks = sd.signerInfos.map((si) => checkSignerInfo(sd, si, [ALICE(), CARLOS()]));
    expect(checks.every((c) => c.ok)).toBe(true);
    const bySigner = new Map(checks.map((c) => [c.signatureAlgorithm, c.certDer!]));
    expect(bySigner.get(O.id_Ed25519)!.equals(CARLOS())).toBe(true);
    expect(bySigner.get(O.rsaEncryption)!.equals(ALICE())).toBe(true);
  });

  it('signedByCarlosDetached: SIG_NO_CONTENT without the content; the sample content verifies when supplied', () => {
    const sd = parseSignedData(object('signedByCarlosDetached'));
    const si = sd.signerInfos[0]!;
    expect(checkSignerInfo(sd, si)).toMatchObject({ ok: false, reasons: ['SIG_NO_CONTENT'], signatureAlgorithm: O.id_Ed25519 });
    const withContent = checkSignerInfo(sd, si, [], SAMPLE);
    expect(withContent).toMatchObject({ ok: true, reasons: [] });
    expect(withContent.certDer!.equals(CARLOS())).toBe(true);
    expect(si.signedAttrs).toBeUndefined(); // the Ed25519 signature is over the content itself
    expect(checkSignerInfo(sd, si, [], Buffer.from('This is some other content.'))).toMatchObject({ ok: false, reasons: ['SIG_VALUE_INVALID'] });
  });
});

describe('decryption of the corpus', () => {
  const CASES = [
    { name: 'encryptedForBobRSAOaep', as: 'Bob', key: BOB, kind: 'envelopedData', index: 0, keyEnc: [O.id_RSAES_OAEP], content: O.aes128_CBC },
    { name: 'encryptedForBobAndDana', as: 'Bob', key: BOB, kind: 'envelopedData', index: 0, keyEnc: [O.id_RSAES_OAEP, O.dhSinglePass_stdDH_sha256kdf_scheme], content: O.aes128_CBC },
    { name: 'encryptedForBobAndDana', as: 'Dana (X25519)', key: DANA, kind: 'envelopedData', index: 1, keyEnc: [O.id_RSAES_OAEP, O.dhSinglePass_stdDH_sha256kdf_scheme], content: O.aes128_CBC },
    { name: 'authEnvelopedForBobChaCha20Poly1305', as: 'Bob', key: BOB, kind: 'authEnvelopedData', index: 0, keyEnc: [O.id_RSAES_OAEP], content: O.id_alg_AEADChaCha20Poly1305 },
    { name: 'authEnvelopedForDanaX25519HKDF', as: 'Dana (X25519, HKDF)', key: DANA, kind: 'authEnvelopedData', index: 0, keyEnc: [O.dhSinglePass_stdDH_hkdf_sha256_scheme], content: O.aes128_GCM },
  ];
  for (const c of CASES) {
    it(`${c.name} as ${c.as} gives exactly "This is some sample content."`, () => {
      const root = parseMessage(object(c.name), { keys: [c.key()] });
      expect(root.kind).toBe(c.kind);
      const env = root as EnvelopeLayer;
      expect(env.env.recipients.map((r) => r.keyEncryptionAlgorithm)).toEqual(c.keyEnc);
      expect(env.env.contentEncryptionAlgorithm.oid).toBe(c.content);
      expect(env.openError).toBeUndefined();
      expect(env.opened?.recipientIndex).toBe(c.index);
      expect(env.inner?.kind).toBe('content');
      expect(env.inner!.raw.equals(SAMPLE)).toBe(true);
    });
  }

  it('a key that is not a recipient opens nothing (Dana on the Bob-only objects)', () => {
    for (const name of ['encryptedForBobRSAOaep', 'authEnvelopedForBobChaCha20Poly1305']) {
      const env = parseMessage(object(name), { keys: [DANA()] }) as EnvelopeLayer;
      expect(env.inner).toBeUndefined();
      expect(env.openError?.code).toBe('NO_MATCHING_RECIPIENT');
    }
  });

  it('encryptedKekri: a typed UNSUPPORTED_ALGORITHM error naming the kekri recipient type and its key-wrap algorithm by OID', () => {
    const aes256Wrap = '2.16.840.1.101.3.4.1.45';
    expect(O.aes256_wrap).toBe(aes256Wrap);
    // Through the layer model: the envelope is read, its recipients are listed, and it stays closed with the reason.
    const env = parseMessage(object('encryptedKekri'), { keys: [BOB(), DANA()] }) as EnvelopeLayer;
    expect(env.kind).toBe('envelopedData');
    expect(env.env.recipients).toEqual([{ kind: 'kekri', recipients: [`kekid:${Buffer.from('keyid').toString('hex')}`], keyEncryptionAlgorithm: aes256Wrap }]);
    expect(env.env.contentEncryptionAlgorithm.oid).toBe(O.aes192_CBC);
    expect(env.inner).toBeUndefined();
    expect(isDomsecError(env.openError)).toBe(true);
    expect(env.openError!.code).toBe('UNSUPPORTED_ALGORITHM');
    expect(env.openError!.message).toContain('kekri');
    expect(env.openError!.message).toContain(aes256Wrap);
    // Directly: the same typed error is thrown.
    expect(() => decryptEnvelopedContent(parseEnvelopedData(object('encryptedKekri')), BOB())).toThrowError(
      expect.objectContaining({ name: 'DomsecError', code: 'UNSUPPORTED_ALGORITHM', message: expect.stringContaining(aes256Wrap) }),
    );
  });
});
