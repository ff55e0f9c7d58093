/**
 * OpenSSL output read by the engine: `openssl cms -sign` (RSA PKCS#1 v1.5, RSA-PSS, ECDSA) in DER and
 * S/MIME form, opaque and detached, definite and streamed (BER indefinite lengths), must be reported
 * valid by parseMessage + verifyMessage; `openssl cms -encrypt` (RSAES-PKCS1-v1_5, RSAES-OAEP, ECDH,
 * AES-CBC and AES-GCM AuthEnvelopedData) must decrypt to exactly the plaintext given to OpenSSL.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import * as O from '../../src/asn1/oids.js';
import { parseMessage, shapeOf, type EnvelopeLayer, type SignedLayer } from '../../src/message/layers.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { anchors, keyOf, testPki } from '../helpers/pki.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { fixture, VALIDATION_TIME } from '../helpers/messages.js';
import { OpenSslDir, PkiFiles } from './openssl.js';

let pki: TestPki;
let dir: OpenSslDir;
let files: PkiFiles;
let contentFile: string;

/** A CRLF MIME entity, so that OpenSSL's S/MIME text canonicalisation leaves it unchanged and every form signs the same bytes. */
const CONTENT = () => fixture('messages/plain-content.txt');

beforeAll(async () => {
  pki = await testPki();
  dir = new OpenSslDir('openssl-to-engine');
  files = new PkiFiles(dir, pki);
  contentFile = dir.write(CONTENT(), 'txt');
});
afterAll(() => dir?.remove());

// ---------------------------------------------------------------- signatures

interface Signer {
  name: string;
  entry: string;
  args: string[];
  signatureOid: string;
  digestOid: string;
}

const SIGNERS: Signer[] = [
  { name: 'RSA PKCS#1 v1.5', entry: 'example.test/user-alice', args: ['-md', 'sha256'], signatureOid: O.rsaEncryption, digestOid: O.id_sha256 },
  { name: 'RSA-PSS', entry: 'example.test/user-alice', args: ['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss'], signatureOid: O.id_RSASSA_PSS, digestOid: O.id_sha256 },
  { name: 'RSA-PSS, SHA-384', entry: 'example.test/user-alice', args: ['-md', 'sha384', '-keyopt', 'rsa_padding_mode:pss'], signatureOid: O.id_RSASSA_PSS, digestOid: O.id_sha384 },
  { name: 'ECDSA P-256', entry: 'example.test/signer-ec', args: ['-md', 'sha256'], signatureOid: O.ecdsa_with_SHA256, digestOid: O.id_sha256 },
  { name: 'ECDSA P-384', entry: 'example.test/signer-ec384', args: ['-md', 'sha384'], signatureOid: O.ecdsa_with_SHA384, digestOid: O.id_sha384 },
];

interface SignForm {
  name: string;
  args: string[];
  kind: 'signedData' | 'multipartSigned';
  /** The layout the engine must find: bare DER/BER, or an S/MIME entity. */
  mime: boolean;
  ber?: boolean;
}

const SIGN_FORMS: SignForm[] = [
  { name: 'DER, opaque', args: ['-outform', 'DER', '-nodetach', '-binary'], kind: 'signedData', mime: false },
  { name: 'DER, opaque, -stream -indef (BER)', args: ['-outform', 'DER', '-nodetach', '-binary', '-stream', '-indef'], kind: 'signedData', mime: false, ber: true },
  { name: 'S/MIME application/pkcs7-mime (-nodetach)', args: ['-outform', 'SMIME', '-nodetach'], kind: 'signedData', mime: true },
  { name: 'S/MIME application/pkcs7-mime (-nodetach), -stream -indef', args: ['-outform', 'SMIME', '-nodetach', '-stream', '-indef'], kind: 'signedData', mime: true, ber: true },
  { name: 'S/MIME detached multipart/signed', args: ['-outform', 'SMIME'], kind: 'multipartSigned', mime: true },
  { name: 'S/MIME detached multipart/signed, -stream -indef', args: ['-outform', 'SMIME', '-stream', '-indef'], kind: 'multipartSigned', mime: true, ber: true },
];

function opensslSign(signer: Signer, form: SignForm): Buffer {
  const { cert, key } = files.of(signer.entry);
  return dir.ok(['cms', '-sign', '-in', contentFile, '-signer', cert, '-inkey', key, ...signer.args, ...form.args]);
}

/**
 * OpenSSL 3.0.19 cannot produce these: `cms -sign -nodetach -stream` with `-keyopt rsa_padding_mode:pss`
 * exits 6, "asn1_template_ex_i2d:illegal zero content" (encapsulated streaming RSA-PSS), in DER, PEM and
 * S/MIME alike. Detached streamed RSA-PSS works and is covered; the combination is left out, not skipped.
 */
const opensslCannotSign = (signer: Signer, form: SignForm) => signer.signatureOid === O.id_RSASSA_PSS && form.ber === true && form.kind === 'signedData';

describe('the engine verifies openssl cms -sign output', () => {
  for (const signer of SIGNERS) {
    for (const form of SIGN_FORMS.filter((f) => !opensslCannotSign(signer, f))) {
      it(`${signer.name}, ${form.name}`, () => {
        const out = opensslSign(signer, form);
        // The form is what was asked for: a bare BER/DER SEQUENCE, indefinite length when streamed, or MIME.
        if (form.mime) expect(out.subarray(0, 13).toString('latin1')).toBe('MIME-Version:');
        else expect(out.subarray(0, 2)).toEqual(Buffer.from(form.ber ? [0x30, 0x80] : [0x30, 0x82]));

        const root = parseMessage(out);
        expect(root.kind).toBe(form.kind);
        const signed = root as SignedLayer;
        expect(shapeOf(root)).toBe(`${form.kind === 'signedData' ? 'S' : 'M'}[-](data)`);
        // The signature covers exactly the content given to OpenSSL (already canonical CRLF).
        expect(signed.content!.equals(CONTENT())).toBe(true);
        expect(signed.inner!.raw.equals(CONTENT())).toBe(true);

        // OpenSSL writes no From: field; the originator is given (issue 12: a message without From: is never a pass).
        // The ECDSA signers are domain signer certificates, which name no address: signed without SignatureType,
        // they are checked as originator signatures and do not name the From: address (RFC 8550 3).
        const email = parseCertificate(pki.entries[signer.entry]!.certDer).sanEmails[0];
        const report = verifyMessage(out, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME, from: email ?? 'alice@example.test' });
        const s = report.layers[0]!.signers;
        expect(s).toHaveLength(1);
        expect(s[0]!.signature).toMatchObject({ ok: true, reasons: [], signatureAlgorithm: signer.signatureOid, digestAlgorithm: signer.digestOid });
        expect(s[0]!.path?.ok).toBe(true);
        expect(s[0]!.verdict).toBe(email ? 'pass' : 'policy');
        expect(report.reasons).toEqual(email ? [] : ['SIGNER_ADDRESS_MISMATCH']);
        expect(report.verdict).toBe(email ? 'pass' : 'policy');
      });
    }
  }

  it('an OpenSSL signature over altered content is reported invalid (the check can fail)', () => {
    const der = Buffer.from(opensslSign(SIGNERS[0]!, SIGN_FORMS[0]!));
    const at = der.indexOf(Buffer.from('Content-Type: text/plain'));
    expect(at).toBeGreaterThan(0);
    der[at] = 'c'.charCodeAt(0);
    const report = verifyMessage(der, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME });
    expect(report.verdict).toBe('fail');
    expect(report.layers[0]!.signers[0]!.signature).toMatchObject({ ok: false, reasons: ['SIG_DIGEST_MISMATCH'] });
  });
});

// ---------------------------------------------------------------- encryption

interface EncryptCase {
  name: string;
  /** Cipher option(s) and `-recip cert [-keyopt ...]` groups, built from PKI entry names. */
  cipher: string[];
  recipients: Array<{ entry: string; keyopts?: string[] }>;
  kind: 'envelopedData' | 'authEnvelopedData';
  keyEncryptionOids: string[];
  contentOid: string;
}

const ENCRYPT_CASES: EncryptCase[] = [
  { name: '-aes256, RSAES-PKCS1-v1_5 key transport (the default)', cipher: ['-aes256'], recipients: [{ entry: 'example.org/dca-rsa' }], kind: 'envelopedData', keyEncryptionOids: [O.rsaEncryption], contentOid: O.aes256_CBC },
  {
    name: '-aes256, RSAES-OAEP with SHA-256',
    cipher: ['-aes256'],
    recipients: [{ entry: 'example.org/dca-rsa', keyopts: ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256'] }],
    kind: 'envelopedData',
    keyEncryptionOids: [O.id_RSAES_OAEP],
    contentOid: O.aes256_CBC,
  },
  {
    name: '-aes256, ECDH P-256 to dca-ec (OpenSSL default: X9.63 KDF with SHA-1)',
    cipher: ['-aes256'],
    recipients: [{ entry: 'example.org/dca-ec' }],
    kind: 'envelopedData',
    keyEncryptionOids: [O.dhSinglePass_stdDH_sha1kdf_scheme],
    contentOid: O.aes256_CBC,
  },
  {
    name: '-aes256, ECDH P-256 to dca-ec, -keyopt ecdh_kdf_md:sha256',
    cipher: ['-aes256'],
    recipients: [{ entry: 'example.org/dca-ec', keyopts: ['ecdh_kdf_md:sha256'] }],
    kind: 'envelopedData',
    keyEncryptionOids: [O.dhSinglePass_stdDH_sha256kdf_scheme],
    contentOid: O.aes256_CBC,
  },
  { name: '-aes-256-gcm AuthEnvelopedData, RSAES-PKCS1-v1_5', cipher: ['-aes-256-gcm'], recipients: [{ entry: 'example.org/dca-rsa' }], kind: 'authEnvelopedData', keyEncryptionOids: [O.rsaEncryption], contentOid: O.aes256_GCM },
  { name: '-aes-128-gcm AuthEnvelopedData, ECDH P-256', cipher: ['-aes-128-gcm'], recipients: [{ entry: 'example.org/dca-ec' }], kind: 'authEnvelopedData', keyEncryptionOids: [O.dhSinglePass_stdDH_sha1kdf_scheme], contentOid: O.aes128_GCM },
  {
    name: '-aes256, two recipients: end recipient (RSA) and DCA (ECDH)',
    cipher: ['-aes256'],
    recipients: [{ entry: 'example.org/user-bob' }, { entry: 'example.org/dca-ec' }],
    kind: 'envelopedData',
    keyEncryptionOids: [O.rsaEncryption, O.dhSinglePass_stdDH_sha1kdf_scheme],
    contentOid: O.aes256_CBC,
  },
];

const ENCRYPT_FORMS = [
  { name: 'DER', args: ['-outform', 'DER', '-binary'], mime: false, ber: false },
  { name: 'DER, -stream -indef (BER)', args: ['-outform', 'DER', '-binary', '-stream', '-indef'], mime: false, ber: true },
  { name: 'S/MIME', args: ['-outform', 'SMIME'], mime: true, ber: false },
];

function opensslEncrypt(c: EncryptCase, formArgs: string[]): Buffer {
  const recips = c.recipients.flatMap((r) => ['-recip', files.of(r.entry).cert, ...(r.keyopts ?? []).flatMap((o) => ['-keyopt', o])]);
  return dir.ok(['cms', '-encrypt', '-in', contentFile, ...c.cipher, ...formArgs, ...recips]);
}

describe('the engine decrypts openssl cms -encrypt output', () => {
  for (const c of ENCRYPT_CASES) {
    for (const form of ENCRYPT_FORMS) {
      it(`${c.name}, ${form.name}`, () => {
        const out = opensslEncrypt(c, form.args);
        if (form.mime) expect(out.subarray(0, 13).toString('latin1')).toBe('MIME-Version:');
        else expect(out.subarray(0, 2)).toEqual(Buffer.from(form.ber ? [0x30, 0x80] : [0x30, 0x82]));
        for (const r of c.recipients) {
          const root = parseMessage(out, { keys: [keyOf(pki, r.entry)] });
          expect(root.kind).toBe(c.kind);
          const env = root as EnvelopeLayer;
          expect(env.env.recipients.map((x) => x.keyEncryptionAlgorithm)).toEqual(c.keyEncryptionOids);
          expect(env.env.contentEncryptionAlgorithm.oid).toBe(c.contentOid);
          expect(env.openError, `opened as ${r.entry}`).toBeUndefined();
          expect(env.inner!.raw.equals(CONTENT()), `exact plaintext as ${r.entry}`).toBe(true);
        }
      });
    }
  }

  it('a key that is not among the recipients opens nothing (the check can fail)', () => {
    const out = opensslEncrypt(ENCRYPT_CASES[0]!, ENCRYPT_FORMS[0]!.args);
    const root = parseMessage(out, { keys: [keyOf(pki, 'example.org/user-alice')] }) as EnvelopeLayer;
    expect(root.inner).toBeUndefined();
    expect(root.openError?.code).toBe('NO_MATCHING_RECIPIENT');
  });

  it('an altered AES-GCM ciphertext is refused (the authentication tag is checked)', () => {
    const der = Buffer.from(opensslEncrypt(ENCRYPT_CASES[4]!, ENCRYPT_FORMS[0]!.args));
    der[der.length - 1]! ^= 1; // the last byte of the mac OCTET STRING, the last element of AuthEnvelopedData
    const root = parseMessage(der, { keys: [keyOf(pki, 'example.org/dca-rsa')] }) as EnvelopeLayer;
    expect(root.inner).toBeUndefined();
    expect(root.openError?.code).toBe('DECRYPT_FAILED');
  });
});
