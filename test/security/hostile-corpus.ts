/**
 * The hostile corpus of issue 12 ("No false pass"): messages a hostile sender would make, each for one
 * class of false pass, and benign controls that must still pass. Deterministic (pinned keys, fixed times,
 * seeded RNG, RSA PKCS#1 v1.5 signatures): `npx tsx test/security/make-hostile.ts` writes them to
 * test/fixtures/hostile/ and test/security/hostile-corpus.test.ts checks that the files are what this
 * module makes, that none of the hostile ones passes `domsec verify`, and that the controls do.
 * test/fixtures/hostile/README.md says what each attacks and what must happen.
 */
import * as O from '../../src/asn1/oids.js';
import type { TestPki } from '../../src/pki/index.js';
import type { ReasonCode } from '../../src/domsec/reasons.js';
import { buildSignedData, type SignerInput } from '../../src/cms/signed-data.js';
import { parseEnvelopedData } from '../../src/cms/enveloped-data.js';
import { octetStringBytes } from '../../src/cms/der.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer } from '../../src/message/build.js';
import { buildMultipartSigned, buildPkcs7MimeEntity, canonicalizeCrlf, decodeBody, parseEntity } from '../../src/mime/index.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { entry, keyOf } from '../helpers/pki.js';
import { fixture, HEADERS, SIGNING_TIME } from '../helpers/messages.js';
import { readFileSync } from 'node:fs';
import { caExtensions, craft, KU, leafExtensions, nameConstraintsExtension, rawExtension, anyExtendedKeyUsage, id_kp_serverAuth, type Issuer } from './certs.js';

export const VALIDATION_TIME = new Date('2026-03-01T12:00:00Z');

export interface CorpusCase {
  id: string;
  /** What it attacks (the class, with the issue item) or, for a control, what it shows. */
  what: string;
  message: Buffer;
  /** PKI entry names of the keys that open its encrypted layers. */
  keys: string[];
  /** Hostile: every one of these reasons must be among the report's reasons, and the verdict must not be pass. */
  reasons?: ReasonCode[];
  /** Notes (outcome 'note') the report must carry. */
  notes?: ReasonCode[];
}

export interface Corpus {
  hostile: CorpusCase[];
  benign: CorpusCase[];
}

type Header = [string, string];
const ALICE = 'example.test/user-alice';
const ALICE_EMAIL = 'alice@example.test';

/** The message with one header line inserted after the first line equal to `after` (a hand-made parser differential). */
function insertAfterLine(message: Buffer, after: string, line: string): Buffer {
  const at = message.indexOf(`${after}\r\n`);
  if (at < 0) throw new Error(`no line ${after}`);
  const cut = at + after.length + 2;
  return Buffer.concat([message.subarray(0, cut), Buffer.from(`${line}\r\n`), message.subarray(cut)]);
}

function withFrom(from: string[] | null): Header[] {
  const rest = HEADERS.filter(([n]) => n !== 'From');
  return from === null ? rest : [...from.map((v): Header => ['From', v]), ...rest];
}

export async function buildCorpus(pki: TestPki): Promise<Corpus> {
  const content = fixture('messages/plain-content.txt');
  const other = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\nPlease wire 1,000,000 EUR to account 666 today.\r\n');
  const alice = keyOf(pki, ALICE);
  const aliceKeyPem = entry(pki, ALICE).keyPem;
  const ca: Issuer = { name: new (await import('@peculiar/x509')).X509Certificate(pki.ca.certDer).subject, keyPem: pki.ca.keyPem };
  // Other pinned RSA keys stand in for intermediates and a forger: which key is whose does not matter here.
  const interKeyPem = entry(pki, 'example.test/signer-rsa').keyPem;
  const forgerKeyPem = pki.untrustedCa.keyPem;
  const aliceKey = loadPrivateKey(aliceKeyPem);

  const sign = (certDer: Buffer, inner: Buffer = content, headers: Header[] = HEADERS, certificates: Buffer[] = []): Buffer =>
    signedLayer(inner, { signers: [{ certDer, key: aliceKey }], signingTime: SIGNING_TIME, headers, certificates });
  const aliceSigned = (headers: Header[] = HEADERS, inner: Buffer = content): Buffer => signedLayer(inner, { signers: [alice], signingTime: SIGNING_TIME, headers });
  const domainSigned = (inner: Buffer, headers: Header[] = HEADERS): Buffer =>
    signedLayer(inner, { signers: domainSignerInputs([keyOf(pki, 'example.test/signer-rsa')]), signingTime: SIGNING_TIME, headers });
  const leaf = (serial: string, opts: Parameters<typeof leafExtensions>[1] = {}, issuer: Issuer = ca, dates: { notBefore?: Date; notAfter?: Date } = {}): Promise<Buffer> =>
    craft({ serial, subject: `CN=Alice (crafted ${serial}), O=Example Test`, issuer, keyPem: aliceKeyPem, extensions: leafExtensions(ALICE_EMAIL, opts), ...dates });
  const intermediate = (serial: string, opts: Parameters<typeof caExtensions>[0] = {}, issuer: Issuer = ca, name = `CN=Crafted Intermediate ${serial}, O=Example Test`): Promise<Buffer> =>
    craft({ serial, subject: name, issuer, keyPem: interKeyPem, extensions: caExtensions(opts) });
  const underIntermediate = async (serial: string, interOpts: Parameters<typeof caExtensions>[0]): Promise<Buffer> => {
    const name = `CN=Crafted Intermediate ${serial}, O=Example Test`;
    const inter = await intermediate(serial, interOpts, ca, name);
    const l = await leaf(`${serial}01`, {}, { name, keyPem: interKeyPem });
    return sign(l, content, HEADERS, [inter]);
  };

  // Item 1: the malformed subjectAltName of `openssl req -addext subjectAltName=DER:05:00` (a NULL, not GeneralNames).
  const badSan = rawExtension(O.id_ce_subjectAltName, false, [0x05, 0x00]);
  const malformedSelf = await craft({ serial: '5301', subject: 'CN=alice@example.test', issuer: 'self', keyPem: aliceKeyPem, extensions: leafExtensions(ALICE_EMAIL, { san: badSan }) });
  const wellFormedSelf = await craft({ serial: '5302', subject: 'CN=alice@example.test', issuer: 'self', keyPem: aliceKeyPem, extensions: leafExtensions(ALICE_EMAIL) });

  // Item 2: a multipart/signed whose signature part is an attached SignedData.
  const multipart = (signatureDer: Buffer, signedPart: Buffer = content): Buffer =>
    buildMultipartSigned({ signedPart, signatureDer, boundary: 'hostile-boundary-1', micalg: 'sha-256', headers: HEADERS });
  const attached = (over: Buffer): Buffer => buildSignedData({ eContentType: O.id_data, eContent: canonicalizeCrlf(over), signers: [alice], signingTime: SIGNING_TIME });
  const detached = (over: Buffer): Buffer => buildSignedData({ eContentType: O.id_data, eContent: canonicalizeCrlf(over), detached: true, signers: [alice], signingTime: SIGNING_TIME });

  // Item 5: flip bits of the AES-CBC IV of an envelopedData (EFAIL's malleability gadget).
  const dca = { certDer: entry(pki, 'example.test/dca-rsa').certDer };
  const envelope = (inner: Buffer, seed: string): Buffer => envelopeLayer(inner, { recipients: [dca], cipher: 'aes-256-cbc', rng: new SeededRng(seed), headers: HEADERS });
  const flipIv = (entityBytes: Buffer, xor: Buffer): Buffer => {
    const entity = parseEntity(entityBytes);
    const der = Buffer.from(decodeBody(entity));
    const env = parseEnvelopedData(der);
    const iv = octetStringBytes(env.contentEncryptionAlgorithm.params!);
    const at = der.indexOf(Buffer.concat([Buffer.from([0x04, 0x10]), iv]));
    if (at < 0) throw new Error('IV not found');
    for (let i = 0; i < xor.length; i++) der[at + 2 + i]! ^= xor[i]!;
    return buildPkcs7MimeEntity(der, 'enveloped-data', { headers: HEADERS });
  };
  // "Content-Type: te" -> "Content-Type: XX": the first block of the decrypted entity, chosen by the attacker.
  const xorFor = (from: string, to: string): Buffer => Buffer.from([...Buffer.from(from)].map((b, i) => b ^ Buffer.from(to)[i]!));

  const hostile: CorpusCase[] = [
    // ---- item 1: the signer certificate cannot be parsed, found, or chained
    { id: 'cert-malformed-san-self-signed', what: 'item 1: self-signed signer certificate whose subjectAltName is a NULL (DER:05:00); it does not parse fully, and it is not trusted', message: sign(malformedSelf), keys: [], reasons: ['CERT_MALFORMED'] },
    {
      id: 'cert-malformed-san-domain-sig-over-empty-layer', what: 'item 1: the same certificate as a domain signer over an empty signature layer (the gateway said smime=pass)',
      message: signedLayer(emptySignatureLayer(content), { signers: domainSignerInputs([{ certDer: malformedSelf, key: aliceKey }]), signingTime: SIGNING_TIME, headers: HEADERS }), keys: [], reasons: ['CERT_MALFORMED'],
    },
    { id: 'cert-malformed-san-ca-issued', what: 'item 1: a certificate issued by the trusted CA whose subjectAltName does not parse: a valid path does not make unknown names acceptable', message: sign(await leaf('5303', { san: badSan })), keys: [], reasons: ['CERT_MALFORMED'] },
    {
      id: 'cert-malformed-basic-constraints', what: 'item 1 (class): another extension (basicConstraints) that does not decode',
      message: sign(await craft({ serial: '5304', subject: 'CN=Alice (crafted 5304)', issuer: ca, keyPem: aliceKeyPem, extensions: [rawExtension(O.id_ce_basicConstraints, true, [0x04, 0x00]), ...leafExtensions(ALICE_EMAIL).slice(1)] })),
      keys: [], reasons: ['CERT_MALFORMED'],
    },
    { id: 'cert-untrusted-self-signed', what: 'item 1: a well-formed self-signed certificate naming the From: address', message: sign(wellFormedSelf), keys: [], reasons: ['CERT_UNTRUSTED'] },
    { id: 'cert-forged-ca-name', what: "item 4: issued by a forger's key under the trusted CA's name: names chain, the signature does not", message: sign(await leaf('5305', {}, { name: ca.name, keyPem: forgerKeyPem })), keys: [], reasons: ['CERT_SIGNATURE_INVALID'] },
    { id: 'cert-issuer-name-mismatch', what: "item 4: signed by the CA's key but naming another issuer: no name chain", message: sign(await leaf('5306', {}, { name: 'CN=Someone Else, O=Example Test', keyPem: pki.ca.keyPem })), keys: [], reasons: ['CERT_UNTRUSTED'] },

    // ---- item 2: content confusion in multipart/signed
    { id: 'multipart-signed-attached-other-content', what: 'item 2: multipart/signed whose signature part is an attached SignedData over another text', message: multipart(attached(other)), keys: [], reasons: ['DETACHED_SIGNATURE_ATTACHED', 'SIGNED_CONTENT_DIFFERS'] },
    { id: 'multipart-signed-attached-same-content', what: 'item 2: an attached SignedData in the detached position, even over the same text', message: multipart(attached(content)), keys: [], reasons: ['DETACHED_SIGNATURE_ATTACHED'] },
    { id: 'multipart-signed-first-part-replaced', what: 'item 2 (class): a detached signature over one text, another text shown', message: multipart(detached(content), other), keys: [], reasons: ['SIG_DIGEST_MISMATCH'] },
    { id: 'domain-signed-multipart-attached', what: 'item 2: the confused multipart/signed under a valid domain signature', message: domainSigned(multipart(attached(other)).subarray(0)), keys: [], reasons: ['DETACHED_SIGNATURE_ATTACHED'] },
    { id: 'pkcs7-mime-without-econtent', what: 'item 2 (class): application/pkcs7-mime signed-data with no eContent: nothing is shown that the signature covers', message: buildPkcs7MimeEntity(detached(content), 'signed-data', { headers: HEADERS }), keys: [], reasons: ['SIG_NO_CONTENT'] },

    // ---- item 3: From: is not exactly one mailbox
    ...([
      ['from-trailing-semicolon', ['alice@example.test;']],
      ['from-unclosed-angle', ['<alice@example.test']],
      ['from-address-literal', ['Alice <alice@[127.0.0.1]>']],
      ['from-empty-group', ['Undisclosed:;']],
      ['from-group-of-one', ['Board: alice@example.test;']],
      ['from-two-mailboxes', ['alice@example.test, ceo@bank.example']],
      ['from-two-fields', ['alice@example.test', 'ceo@bank.example']],
      ['from-two-identical-fields', ['alice@example.test', 'alice@example.test']],
      ['from-absent', null],
      // Found by the red team: a first field that is empty, or holds only a comment, must not let the second stand alone.
      ['from-empty-field-then-address', ['', 'alice@example.test']],
      ['from-comment-field-then-address', ['(ceo@bank.example)', 'alice@example.test']],
    ] as Array<[string, string[] | null]>).map(([id, from]): CorpusCase => ({
      id, what: `item 3: Alice's valid signature with From: ${from === null ? '(none)' : from.map((f) => JSON.stringify(f)).join(' and ')}`,
      message: aliceSigned(withFrom(from)), keys: [], reasons: ['FROM_NOT_ONE_MAILBOX'],
    })),
    { id: 'from-two-fields-domain-signed', what: 'item 3: a domain-signed message with two From: fields: the naming convention cannot be checked', message: domainSigned(aliceSigned([]), withFrom(['alice@example.test', 'ceo@bank.example'])), keys: [], reasons: ['NAMING_NO_ORIGINATOR_DOMAIN'] },

    // ---- item 4: path validation
    { id: 'leaf-eku-server-auth', what: 'item 4: signer certificate with extendedKeyUsage serverAuth only', message: sign(await leaf('5401', { eku: [id_kp_serverAuth] })), keys: [], reasons: ['CERT_EXT_KEY_USAGE_NOT_EMAIL'] },
    { id: 'leaf-unknown-critical-extension', what: 'item 4: signer certificate with an unknown critical extension', message: sign(await leaf('5402', { extra: [rawExtension('1.3.6.1.4.1.99999.1', true, [0x05, 0x00])] })), keys: [], reasons: ['CERT_UNKNOWN_CRITICAL_EXTENSION'] },
    { id: 'leaf-critical-policy-constraints', what: 'item 4 (class): a critical extension that is known but not processed (policyConstraints)', message: sign(await leaf('5403', { extra: [rawExtension(O.id_ce_policyConstraints, true, [0x30, 0x03, 0x80, 0x01, 0x00])] })), keys: [], reasons: ['CERT_UNKNOWN_CRITICAL_EXTENSION'] },
    { id: 'leaf-expired', what: 'item 4: signer certificate expired at the validation time', message: sign(await leaf('5404', {}, ca, { notAfter: new Date('2026-02-01T00:00:00Z') })), keys: [], reasons: ['CERT_EXPIRED'] },
    { id: 'leaf-not-yet-valid', what: 'item 4: signer certificate not valid before a later date', message: sign(await leaf('5405', {}, ca, { notBefore: new Date('2026-06-01T00:00:00Z') })), keys: [], reasons: ['CERT_NOT_YET_VALID'] },
    { id: 'leaf-encryption-only', what: 'item 4 (N11): signer certificate whose keyUsage is keyEncipherment only', message: sign(await leaf('5406', { keyUsage: KU.keyEncipherment })), keys: [], reasons: ['CERT_KEY_USAGE_NOT_SIGNING'] },
    { id: 'intermediate-not-ca', what: 'item 4: issued by an intermediate with basicConstraints cA=FALSE', message: await underIntermediate('5410', { ca: false }), keys: [], reasons: ['CERT_ISSUER_NOT_CA'] },
    { id: 'intermediate-without-keycertsign', what: 'item 4: issued by an intermediate whose keyUsage lacks keyCertSign', message: await underIntermediate('5411', { keyUsage: KU.digitalSignature }), keys: [], reasons: ['CERT_ISSUER_NOT_CA'] },
    { id: 'intermediate-eku-server-auth', what: 'item 4: issued by an intermediate restricted to serverAuth', message: await underIntermediate('5412', { eku: [id_kp_serverAuth] }), keys: [], reasons: ['CERT_EXT_KEY_USAGE_NOT_EMAIL'] },
    { id: 'intermediate-name-constraints', what: 'item 4: issued by an intermediate with nameConstraints (permitted example.org only) for alice@example.test', message: await underIntermediate('5413', { extra: [nameConstraintsExtension(true)] }), keys: [], reasons: ['CERT_NAME_CONSTRAINTS_NOT_CHECKED'] },
    await (async (): Promise<CorpusCase> => {
      // root -> I1 (pathLenConstraint 0) -> I2 -> leaf: I2 is one CA more than I1 allows.
      const i1Name = 'CN=Crafted Intermediate 5414 pathLen 0, O=Example Test';
      const i2Name = 'CN=Crafted Intermediate 5415, O=Example Test';
      const i1 = await intermediate('5414', { pathLen: 0 }, ca, i1Name);
      const i2 = await craft({ serial: '5415', subject: i2Name, issuer: { name: i1Name, keyPem: interKeyPem }, keyPem: forgerKeyPem, extensions: caExtensions() });
      const l = await leaf('541501', {}, { name: i2Name, keyPem: forgerKeyPem });
      return { id: 'intermediate-path-length-exceeded', what: 'item 4: an intermediate with pathLenConstraint 0 above another CA', message: sign(l, content, HEADERS, [i1, i2]), keys: [], reasons: ['CERT_ISSUER_NOT_CA'] };
    })(),

    // ---- beyond the list: parser differentials and weak keys
    {
      id: 'duplicate-content-type-after', what: 'class: a second Content-Type after the real one (a last-wins reader shows text/plain, this engine would verify the signed-data)',
      message: insertAfterLine(aliceSigned(), 'Content-Transfer-Encoding: base64', 'Content-Type: text/plain; charset=us-ascii'), keys: [], reasons: ['MIME_AMBIGUOUS_HEADER'],
    },
    {
      id: 'duplicate-content-type-before', what: 'class: a second Content-Type before the real one (first-wins and last-wins readers disagree)',
      message: insertAfterLine(aliceSigned(), 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii'), keys: [], reasons: ['MIME_AMBIGUOUS_HEADER'],
    },
    {
      id: 'duplicate-content-transfer-encoding', what: 'class: Content-Transfer-Encoding twice on the signed entity',
      message: insertAfterLine(aliceSigned(), 'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: 7bit'), keys: [], reasons: ['MIME_AMBIGUOUS_HEADER'],
    },
    {
      id: 'weak-rsa-1024-signer', what: 'class: a CA-issued signer certificate with a 1024-bit RSA key (RFC 8551 4.1: SHOULD NOT be accepted)',
      message: await (async () => {
        const weakPem = readFileSync(new URL('./weak-rsa-1024.key', import.meta.url), 'utf8');
        const cert = await craft({ serial: '5601', subject: 'CN=Alice (1024-bit), O=Example Test', issuer: ca, keyPem: weakPem, extensions: leafExtensions(ALICE_EMAIL) });
        return signedLayer(content, { signers: [{ certDer: cert, key: loadPrivateKey(weakPem) }], signingTime: SIGNING_TIME, headers: HEADERS });
      })(),
      keys: [], reasons: ['CERT_WEAK_KEY'],
    },

    // ---- item 5: CBC malleability
    {
      id: 'cbc-iv-flipped-unsigned', what: 'item 5: an unsigned message under AES-CBC whose IV was altered: it opens to different text, and must not read as signed or integrity-protected',
      message: flipIv(envelope(content, 'hostile-cbc-1'), xorFor('Content-Type: te', 'Content-Type: XX')), keys: ['example.test/dca-rsa'], notes: ['ENCRYPTION_NOT_AUTHENTICATED'],
    },
    {
      id: 'cbc-iv-flipped-signed', what: "item 5: Alice's signed message under AES-CBC with the IV altered so that the decrypted entity starts with another Content-Type: it is no longer the signed entity",
      message: flipIv(envelope(aliceSigned([]), 'hostile-cbc-2'), xorFor('MIME-Version: 1.', 'Content-Type:tex')), keys: ['example.test/dca-rsa'], notes: ['ENCRYPTION_NOT_AUTHENTICATED'],
    },
  ];

  const intermediateName = 'CN=Crafted Intermediate 5501, O=Example Test';
  const goodInter = await intermediate('5501', {}, ca, intermediateName);
  const benign: CorpusCase[] = [
    { id: 'control-originator-signed', what: "Alice's own signature, From: her address", message: aliceSigned(), keys: [] },
    { id: 'control-domain-signed', what: 'a domain signature over an originator signature (draft 3.2)', message: domainSigned(aliceSigned([])), keys: [] },
    { id: 'control-multipart-signed', what: 'multipart/signed with a detached signature over the displayed part', message: multipart(detached(content)), keys: [] },
    { id: 'control-eku-any', what: 'signer certificate with extendedKeyUsage anyExtendedKeyUsage (RFC 8550 4.4.4 accepts it)', message: sign(await leaf('5502', { eku: [anyExtendedKeyUsage] })), keys: [] },
    { id: 'control-no-eku', what: 'signer certificate without extendedKeyUsage (any purpose, RFC 5280 4.2.1.12)', message: sign(await leaf('5503', { eku: null })), keys: [] },
    { id: 'control-intermediate', what: 'signer under a well-formed intermediate carried in the message', message: sign(await leaf('550101', {}, { name: intermediateName, keyPem: interKeyPem }), content, HEADERS, [goodInter]), keys: [] },
    { id: 'control-from-with-comment', what: 'From: with a display name and a comment', message: aliceSigned(withFrom(['"Alice (Finance)" <alice@example.test> (work)'])), keys: [] },
    {
      id: 'control-cbc-signed', what: "Alice's signature under AES-CBC, opened: passes, with the unauthenticated-encryption note",
      message: envelope(aliceSigned([]), 'hostile-cbc-3'), keys: ['example.test/dca-rsa'], notes: ['ENCRYPTION_NOT_AUTHENTICATED'],
    },
    {
      id: 'control-cbc-flipped-outside-signed-part', what: 'item 5: an IV flip that changes only a header line outside the signed part (MIME-Version): the signature still covers all that is reported as signed, so it passes, with the note',
      message: flipIv(envelope(aliceSigned([]), 'hostile-cbc-4'), xorFor('MIME-Version: 1.', 'MIME-Version: 9.')), keys: ['example.test/dca-rsa'], notes: ['ENCRYPTION_NOT_AUTHENTICATED'],
    },
  ];
  return { hostile, benign };
}

/** manifest.json of test/fixtures/hostile/: everything but the bytes. */
export function manifestOf(corpus: Corpus): object {
  const row = (kind: 'hostile' | 'benign') => (c: CorpusCase) => ({
    id: c.id, file: `${c.id}.eml`, kind, what: c.what, keys: c.keys,
    ...(kind === 'hostile' ? { mustNotPass: true, reasons: c.reasons ?? [] } : { mustPass: true }),
    notes: c.notes ?? [],
  });
  return {
    validationTime: VALIDATION_TIME.toISOString(),
    trustAnchor: 'ca.crt',
    cases: [...corpus.hostile.map(row('hostile')), ...corpus.benign.map(row('benign'))],
  };
}
