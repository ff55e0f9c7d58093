/**
 * verifyMessage on domain-signed messages (draft 2.3, 2.4, 3.1, 3.1.1, 3.2; N1, N9-N12, N14).
 *
 * Every expectation below is written down from the rule it tests (the draft section or note named next
 * to it), not taken from the engine's output. Messages are built inside out with the layer builders; the
 * deliberately broken ones through the SignerInput hooks (signedAttributes, unsignedAttributes) or, where
 * the builder refuses on purpose, by hand with the DER helpers.
 */
import { createPrivateKey, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import * as O from '../../src/asn1/oids.js';
import { verifyMessage, type VerificationReport, type VerifyOptions } from '../../src/domsec/verify.js';
import { REASONS, type ReasonCode } from '../../src/domsec/reasons.js';
import type { NamingRole } from '../../src/domsec/naming.js';
import { signatureTypeAttribute } from '../../src/domsec/signature-type.js';
import { mlExpansionHistoryAttribute, type MLDataInput } from '../../src/domsec/ml-expansion-history.js';
import { buildSignedData, findSignerCertificate, parseSignedData, type SignerInput } from '../../src/cms/signed-data.js';
import { encodeContentInfo } from '../../src/cms/content-info.js';
import { ctx, integer, octets, oid, seq, setOf, tlv } from '../../src/cms/der.js';
import { certRef, issuerAndSerialNumber } from '../../src/cms/cert-ref.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer } from '../../src/message/build.js';
import { buildPkcs7MimeEntity, decodeBody, parseEntity, splitOuterHeaders } from '../../src/mime/index.js';
import { anchors, entry, keyOf, testPki } from '../helpers/pki.js';
import { fixture, HEADERS, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';

/** The reasons that flag a message (fail or policy); 'info' reasons are recorded but change no verdict. */
function flagging(reasons: ReasonCode[]): ReasonCode[] {
  return reasons.filter((r) => REASONS[r].outcome !== 'info');
}

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

// ------------------------------------------------------------------------------------------------
// Building messages

type Header = [string, string];
const ALICE = 'example.test/user-alice';
const CONTENT = fixture('messages/plain-content.txt');
const HOSTILE = JSON.parse(fixture('verify/hostile-values.json').toString('utf8')) as {
  subjectCommonNames: Array<{ name: string; cn: string }>;
  sanEmails: Array<{ name: string; email: string }>;
  from: Array<{ name: string; via: 'header' | 'option'; value: string; originatorDomain: string | null }>;
};

const st = (values: string[], attrType?: string): Buffer => signatureTypeAttribute(values, attrType);

function signer(name: string, extra: Partial<SignerInput> = {}): SignerInput {
  return { ...keyOf(pki, name), ...extra };
}

/** A domain signer: SignatureType [id-sti-domainSig] as the engine generates it (draft 3.1.1), plus extra signed attributes. */
function domainSigner(name: string, extraSigned: Buffer[] = []): SignerInput {
  return domainSignerInputs([keyOf(pki, name)], extraSigned)[0]!;
}

function wrap(inner: Buffer, signers: SignerInput[], headers?: Header[]): Buffer {
  return signedLayer(inner, { signers, signingTime: SIGNING_TIME, ...(headers ? { headers } : {}) });
}

/** S1: the originator's own signature (no SignatureType) by user-alice around the content. */
function originatorSigned(inner: Buffer = CONTENT, who = ALICE): Buffer {
  return wrap(inner, [signer(who)]);
}

/** The domain-signed message of draft 3.2: S_domain(S1(C)), the RFC 5322 header fields on the outermost entity. */
function domainSigned(signers: SignerInput[] | string, headers: Header[] = HEADERS, inner: Buffer = originatorSigned()): Buffer {
  return wrap(inner, typeof signers === 'string' ? [domainSigner(signers)] : signers, headers);
}

function headersWithFrom(from: string | string[] | null): Header[] {
  const rest = HEADERS.filter(([n]) => n !== 'From');
  if (from === null) return rest;
  return [...(Array.isArray(from) ? from : [from]).map((v): Header => ['From', v]), ...rest];
}

function unsignedMessage(headers: Header[] = HEADERS): Buffer {
  return Buffer.concat([Buffer.from(headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')), CONTENT]);
}

/**
 * Overwrite `from` with `to` (same length) inside the DER of a pkcs7-mime entity and re-encode it,
 * keeping its message header fields: the signatures are left as they were, so the one covering the
 * changed bytes no longer matches.
 */
function tamper(entityBytes: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('tamper: same length only');
  const e = parseEntity(entityBytes);
  const der = Buffer.from(decodeBody(e));
  const at = der.indexOf(Buffer.from(from));
  if (at < 0 || der.indexOf(Buffer.from(from), at + 1) >= 0) throw new Error(`tamper: "${from}" must occur exactly once`);
  Buffer.from(to).copy(der, at);
  return buildPkcs7MimeEntity(der, 'signed-data', { headers: splitOuterHeaders(e).outer });
}

/** S1 whose messageDigest no longer matches its content (RFC 5652 5.4, 11.2). */
function tamperedOriginatorSigned(): Buffer {
  return tamper(originatorSigned(), 'quarterly figures', 'Quarterly figures');
}

/**
 * A signedData with no signers, assembled by hand (RFC 5652 5.1): buildSignedData refuses an empty layer
 * whose eContentType is not id-data (draft 2.3 (1)), so a negative vector has to be built without it.
 */
function handBuiltEmptyLayer(eContentType: string, eContent: Buffer): Buffer {
  // RFC 5652 5.1: version 1 for id-data with version-1 SignerInfos only, else 3.
  const version = eContentType === O.id_data ? 1 : 3;
  const sd = seq(integer(version), setOf([]), seq(oid(eContentType), tlv(ctx(0), octets(eContent))), setOf([]));
  return buildPkcs7MimeEntity(encodeContentInfo(O.id_signedData, sd), 'signed-data');
}

function mlData(n: number): MLDataInput[] {
  const ias = issuerAndSerialNumber(certRef(keyOf(pki, 'example.org/user-bob').certDer));
  return Array.from({ length: n }, (_, i) => ({ issuerAndSerialNumber: ias, expansionTime: new Date(SIGNING_TIME.getTime() + i * 60_000) }));
}

/** Position (in the DER SET, which the builder sorts) of the SignerInfo that `certDer` signed. */
function signerIndexOf(entityBytes: Buffer, certDer: Buffer): number {
  const sd = parseSignedData(decodeBody(parseEntity(entityBytes)));
  const i = sd.signerInfos.findIndex((si) => findSignerCertificate(si, sd.certificates)?.der.equals(certDer));
  if (i < 0) throw new Error('signer not found');
  return i;
}

let caSigningKey: Promise<CryptoKeyLike> | undefined;
type CryptoKeyLike = x509.X509CertificateCreateWithKeyParams['signingKey'];
let serial = 0x7f00;

/** A user certificate issued by the test CA (so its path validates) with an arbitrary subject and e-mail SANs. */
async function issueUserCert(subjectCn: string, emails: string[] = []): Promise<{ certDer: Buffer; key: KeyObject; subject: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  caSigningKey ??= webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(pki.ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  ) as unknown as Promise<CryptoKeyLike>;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // The Name is encoded here (UTF8String CN) so that no string parser reinterprets the hostile characters.
  const subject = new x509.Name(seq(setOf([seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(subjectCn, 'utf8')))])));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ];
  if (emails.length) extensions.push(new x509.SubjectAlternativeNameExtension(emails.map((value) => ({ type: 'email' as const, value }))));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject,
    issuer: new x509.X509Certificate(pki.ca.certDer).subjectName,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    publicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    signingKey: await caSigningKey,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions,
  });
  return { certDer: Buffer.from(cert.rawData), key: privateKey, subject: cert.subject };
}

// ------------------------------------------------------------------------------------------------
// Reading the Authentication-Results value (RFC 8601 2.2, RFC 7281)

// RFC 2045 token: printable US-ASCII except SPACE and tspecials ()<>@,;:\"/[]?=
const TOKEN = "[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+";
// quoted-string without any control character (a folded or raw CR/LF would end the field body).
const QUOTED = '"(?:[^"\\\\\\x00-\\x1f\\x7f]|\\\\[^\\x00-\\x1f\\x7f])*"';
// RFC 8601 pvalue [ [ local-part ] "@" ] domain-name, local-part as dot-atom, domain-name as in RFC 6376 3.5.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const ADDR = `(?:${ATEXT}(?:\\.${ATEXT})*)?@${LABEL}(?:\\.${LABEL})+`;
const COMMENT = '\\((?:[^()\\\\\\x00-\\x1f\\x7f]|\\\\[^\\x00-\\x1f\\x7f])*\\)';
const AR_GRAMMAR = new RegExp(
  `^(${TOKEN}); smime=(pass|fail|policy|none|neutral|temperror|permerror)(?: (${COMMENT}))?(?: body\\.smime-identifier=(${ADDR}|${TOKEN}|${QUOTED}))?( body\\.smime-part=1)?$`,
);

interface ParsedAr {
  authservId: string;
  result: string;
  comment?: string;
  /** The smime-identifier as written, and unquoted. */
  identifierRaw?: string;
  identifier?: string;
  part: boolean;
}

function parseAr(value: string): ParsedAr {
  const m = AR_GRAMMAR.exec(value);
  if (!m) throw new Error(`Authentication-Results value does not follow RFC 8601 2.2: ${JSON.stringify(value)}`);
  const out: ParsedAr = { authservId: m[1]!, result: m[2]!, part: m[5] !== undefined };
  if (m[3] !== undefined) out.comment = m[3];
  if (m[4] !== undefined) {
    out.identifierRaw = m[4];
    out.identifier = m[4].startsWith('"') ? m[4].slice(1, -1).replace(/\\(.)/g, '$1') : m[4];
  }
  return out;
}

/**
 * Verify, and check what must hold for every report: the Authentication-Results value is one line that
 * follows the grammar, and its smime result is the report's verdict (N14).
 */
function verify(msg: Buffer, extra: Partial<VerifyOptions> = {}): VerificationReport & { ar: ParsedAr } {
  const report = verifyMessage(msg, { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME, ...extra });
  expect(report.authenticationResults).not.toMatch(/[\r\n]/);
  const ar = parseAr(report.authenticationResults);
  expect(ar.result).toBe(report.verdict);
  expect(ar.authservId).toBe(extra.authservId ?? 'domsec.invalid');
  return Object.assign(report, { ar });
}

const sorted = (r: readonly string[]): string[] => [...r].sort();

// ------------------------------------------------------------------------------------------------

describe('a domain-signed message S_domain(S1(C)) passes (draft 3.2)', () => {
  const SIG_ALGS: Record<string, string[]> = {
    'signer-rsa': [O.sha256WithRSAEncryption, O.id_RSASSA_PSS],
    'signer-ec': [O.ecdsa_with_SHA256],
    'signer-ec384': [O.ecdsa_with_SHA384],
    'signer-ed25519': [O.id_Ed25519],
  };
  for (const [short, algs] of Object.entries(SIG_ALGS)) {
    it(`signed by example.test/${short}: pass, smime=pass, originator named by the originator signature`, () => {
      const r = verify(domainSigned(`example.test/${short}`));
      expect(r.verdict).toBe('pass');
      expect(r.reasons).toEqual([]);
      expect(r.shape).toBe('S[domainSig](S[-](data))');
      expect(r.domainSignatures).toBe(1);
      const [outer, inner] = [r.layers[0]!, r.layers[1]!];
      expect(outer.signers).toHaveLength(1);
      expect(outer.signers[0]!.domainSignature).toBe(true);
      expect(outer.signers[0]!.signatureTypes).toEqual([O.id_sti_domainSig]);
      expect(algs).toContain(outer.signers[0]!.signature.signatureAlgorithm);
      expect(outer.signers[0]!.naming?.ok).toBe(true);
      expect(outer.signers[0]!.naming?.matchedDomain).toBe('example.test');
      expect(inner.signers[0]!.domainSignature).toBe(false);
      expect(inner.signers[0]!.naming).toBeUndefined();
      // Draft 3.2: "If there is an originator signature present, the name in that certificate SHOULD be used to identify the originator."
      expect(r.originator).toEqual({ from: 'Alice <alice@example.test>', domain: 'example.test', identifiedBy: 'originatorSignature', identity: 'alice@example.test' });
      expect(r.ar.identifier).toBe('alice@example.test');
      expect(r.ar.identifierRaw).toBe('alice@example.test'); // an addr-spec needs no quoting (RFC 8601 pvalue)
      expect(r.ar.part).toBe(true);
    });
  }

  it('does not flag a From: mismatch of a signature under a valid domain signature (draft 3.2: the domain signer vouches)', () => {
    const other = verify(domainSigned('example.test/signer-rsa', headersWithFrom('Alice <alice@mail.example.test>')));
    expect(other.reasons).toEqual([]);
    expect(other.verdict).toBe('pass');
  });

  it('accepts the signer domain as a whole-label ascendant of the From: domain (N9: example.test covers mail.example.test)', () => {
    const r = verify(domainSigned('example.test/signer-rsa', headersWithFrom('Alice <alice@mail.example.test>')));
    expect(r.verdict).toBe('pass');
    expect(flagging(r.reasons)).toEqual([]);
    expect(r.layers[0]!.signers[0]!.naming?.matchedDomain).toBe('example.test');
    expect(r.originator.domain).toBe('mail.example.test');
    expect(r.originator.identifiedBy).toBe('originatorSignature');
    expect(r.originator.identity).toBe('alice@example.test');
  });

  it('compares domains case-insensitively and also takes the originator from the from option (N9)', () => {
    expect(verify(domainSigned('example.test/signer-ec', headersWithFrom('ALICE@Mail.Example.TEST'))).verdict).toBe('pass');
    expect(verify(domainSigned('example.test/signer-ec'), { from: 'alice@deep.mail.example.test' }).verdict).toBe('pass');
    // ... and the option wins over the message's own From: (here it names another domain).
    const r = verify(domainSigned('example.test/signer-ec'), { from: 'bob@example.org' });
    expect(flagging(r.reasons)).toEqual(['NAMING_DOMAIN_MISMATCH']);
    expect(r.verdict).toBe('policy');
  });

  it('passes with several domain SignerInfos carrying identical SignatureType (draft 3.1.1)', () => {
    const r = verify(domainSigned([domainSigner('example.test/signer-rsa'), domainSigner('example.test/signer-ed25519')]));
    expect(r.verdict).toBe('pass');
    expect(r.domainSignatures).toBe(2);
    expect(r.layers[0]!.signers.map((s) => s.verdict)).toEqual(['pass', 'pass']);
  });
});

describe('SignatureType attribute (draft 3.1, 3.1.1; N1, N2)', () => {
  it('absent: the outer signature is not a domain signature, no naming check is made, and its From: mismatch is flagged (draft 3.1)', () => {
    for (const name of ['example.test/signer-rsa', 'example.test/bad-foreign']) {
      const r = verify(domainSigned([signer(name)]));
      // Without SignatureType the naming convention gives no relief: the ordinary S/MIME name check applies.
      expect(r.verdict, name).toBe('policy');
      expect(r.reasons, name).toEqual(['SIGNER_ADDRESS_MISMATCH']);
      expect(r.domainSignatures, name).toBe(0);
      expect(r.shape).toBe('S[-](S[-](data))');
      expect(r.layers[0]!.signers[0]!.domainSignature).toBe(false);
      expect(r.layers[0]!.signers[0]!.signatureTypes).toEqual([]);
      expect(r.layers[0]!.signers[0]!.naming).toBeUndefined();
      // 3.1.1: the absent-SignatureType signature that encapsulates no further signature (S1) is the originator's.
      expect(r.originator.identity).toBe('alice@example.test');
    }
  });

  const NOT_DOMAIN: Array<[string, string[]]> = [
    ['id-sti-originatorSig', [O.id_sti_originatorSig]],
    ['id-sti-reviewSig', [O.id_sti_reviewSig]],
    ['id-sti-addAttribSig', [O.id_sti_addAttribSig]],
    ['an unknown id-sti value', ['1.2.840.113549.1.9.16.9.99']],
    ['an empty SEQUENCE OF', []],
  ];
  for (const [what, values] of NOT_DOMAIN) {
    it(`${what} only: recognised, not a domain signature (3.2: domain signatures carry id-sti-domainSig)`, () => {
      // Signed by a certificate for another domain: no naming check is triggered; the ordinary From: check flags it.
      const r = verify(domainSigned([signer('example.test/bad-foreign', { signedAttributes: [st(values)] })]));
      expect(r.verdict).toBe('policy');
      expect(r.reasons).toEqual(['SIGNER_ADDRESS_MISMATCH']);
      expect(r.domainSignatures).toBe(0);
      expect(r.layers[0]!.signers[0]!.signatureTypes).toEqual(values);
      expect(r.layers[0]!.signers[0]!.naming).toBeUndefined();
    });
  }

  it('several different values without addAttribSig are allowed, and domainSig among them makes a domain signature', () => {
    const r = verify(domainSigned([signer('example.test/signer-rsa', { signedAttributes: [st([O.id_sti_domainSig, O.id_sti_reviewSig])] })]));
    expect(r.verdict).toBe('pass');
    expect(r.reasons).toEqual([]);
    expect(r.domainSignatures).toBe(1);
    expect(r.layers[0]!.signers[0]!.naming?.ok).toBe(true);
  });

  it('as an unsigned attribute: STYPE_UNSIGNED, and not a domain signature', () => {
    const r = verify(domainSigned([signer('example.test/signer-rsa', { unsignedAttributes: [st([O.id_sti_domainSig])] })]));
    // Not a domain signature, so the ordinary From: check applies too (SIGNER_ADDRESS_MISMATCH).
    expect(r.reasons).toEqual(['STYPE_UNSIGNED', 'SIGNER_ADDRESS_MISMATCH']);
    expect(r.verdict).toBe('policy');
    expect(r.domainSignatures).toBe(0);
    expect(r.layers[0]!.signers[0]!.reasons).toEqual(['STYPE_UNSIGNED', 'SIGNER_ADDRESS_MISMATCH']);
    expect(r.layers[0]!.signers[0]!.verdict).toBe('policy');
  });

  it('twice in one SignerInfo: STYPE_MULTIPLE (identical or different content)', () => {
    for (const second of [[O.id_sti_domainSig], [O.id_sti_domainSig, O.id_sti_reviewSig]]) {
      const r = verify(domainSigned([domainSigner('example.test/signer-rsa', [st(second)])]));
      expect(r.reasons).toEqual(['STYPE_MULTIPLE']);
      expect(r.verdict).toBe('policy');
      expect(r.layers[0]!.signers[0]!.reasons).toEqual(['STYPE_MULTIPLE']);
      expect(r.ar.comment).toContain('STYPE_MULTIPLE');
    }
  });

  it('different content across two SignerInfos: STYPE_INCONSISTENT on the layer', () => {
    const differs = verify(domainSigned([domainSigner('example.test/signer-rsa'), signer('example.test/signer-ec', { signedAttributes: [st([O.id_sti_domainSig, O.id_sti_reviewSig])] })]));
    expect(differs.reasons).toEqual(['STYPE_INCONSISTENT']);
    expect(differs.layers[0]!.reasons).toEqual(['STYPE_INCONSISTENT']);
    expect(differs.layers[0]!.signers.map((s) => s.reasons)).toEqual([[], []]);
    expect(differs.verdict).toBe('policy');
    // Present in one SignerInfo, absent from the other: not "the same content" either.
    const missing = verify(domainSigned([domainSigner('example.test/signer-rsa'), signer('example.test/signer-ec')]));
    expect(missing.reasons).toEqual(['STYPE_INCONSISTENT']);
    expect(missing.verdict).toBe('policy');
    expect(missing.domainSignatures).toBe(1);
  });

  it('under the misprinted OID 1.2.840.113549.1.9.28: an unknown attribute, so not a domain signature (N1)', () => {
    for (const name of ['example.test/signer-rsa', 'example.test/bad-foreign']) {
      const r = verify(domainSigned([signer(name, { signedAttributes: [st([O.id_sti_domainSig], O.id_aa_signatureType_misprint)] })]));
      // STYPE_MISPRINTED_OID is info; the policy verdict comes from the From: check a non-domain signature gets.
      expect(r.reasons, name).toEqual(['STYPE_MISPRINTED_OID', 'SIGNER_ADDRESS_MISMATCH']);
      expect(r.verdict, name).toBe('policy');
      expect(r.domainSignatures).toBe(0);
      expect(r.layers[0]!.signers[0]!.domainSignature).toBe(false);
      expect(r.layers[0]!.signers[0]!.naming).toBeUndefined();
      expect(r.shape).toBe('S[-](S[-](data))');
    }
  });

  it('addAttribSig combined with another value: STYPE_ADDATTRIB_COMBINED', () => {
    const withDomain = verify(domainSigned([signer('example.test/signer-rsa', { signedAttributes: [st([O.id_sti_domainSig, O.id_sti_addAttribSig])] })]));
    expect(withDomain.reasons).toEqual(['STYPE_ADDATTRIB_COMBINED']);
    expect(withDomain.verdict).toBe('policy');
    expect(withDomain.domainSignatures).toBe(1);
    const withOriginator = verify(domainSigned([signer('example.test/signer-rsa', { signedAttributes: [st([O.id_sti_originatorSig, O.id_sti_addAttribSig])] })]));
    expect(withOriginator.reasons).toEqual(['STYPE_ADDATTRIB_COMBINED', 'SIGNER_ADDRESS_MISMATCH']);
    expect(withOriginator.domainSignatures).toBe(0);
  });
});

describe('signature encapsulation and the empty signature layer (draft 2.3, 3.1.1; N12)', () => {
  it('a domain signature directly around the content encapsulates nothing: DOMAIN_SIG_ENCAPSULATES_NOTHING', () => {
    const r = verify(domainSigned('example.test/signer-rsa', HEADERS, CONTENT));
    expect(r.shape).toBe('S[domainSig](data)');
    expect(r.reasons).toEqual(['DOMAIN_SIG_ENCAPSULATES_NOTHING']);
    expect(r.layers[0]!.reasons).toEqual(['DOMAIN_SIG_ENCAPSULATES_NOTHING']);
    expect(r.verdict).toBe('policy');
  });

  it('a domain signature around an empty signature layer is fine; the empty layer is never the originator signature', () => {
    const r = verify(domainSigned('example.test/signer-rsa', HEADERS, emptySignatureLayer(CONTENT)));
    expect(r.shape).toBe('S[domainSig](S[empty](data))');
    expect(r.reasons).toEqual(['EMPTY_SIGNATURE_LAYER']); // info
    expect(r.verdict).toBe('pass');
    expect(r.layers[1]!.signers).toEqual([]);
    expect(r.layers[1]!.verdict).toBe('none');
    // Draft 3.2: "If there is no originator signature present, the only assumption that can be made is the domain the message originated from."
    expect(r.originator).toEqual({ from: 'Alice <alice@example.test>', domain: 'example.test', identifiedBy: 'domainSignature', identity: 'example.test' });
    expect(r.ar.identifier).toBe('example.test');
  });

  it('with a From: in a subdomain the domain known is still the one the domain signer vouches for', () => {
    const r = verify(domainSigned('example.test/signer-ec', headersWithFrom('alice@mail.example.test'), emptySignatureLayer(CONTENT)));
    expect(r.verdict).toBe('pass');
    expect(r.originator.identifiedBy).toBe('domainSignature');
    expect(r.originator.identity).toBe('example.test');
  });

  it('an empty layer alone is no signature at all: smime=none, no originator', () => {
    const r = verify(emptySignatureLayer(CONTENT, HEADERS));
    expect(r.verdict).toBe('none');
    expect(r.reasons).toEqual(['EMPTY_SIGNATURE_LAYER']);
    expect(r.originator.identifiedBy).toBe('none');
    expect(r.originator.identity).toBeUndefined();
    expect(r.ar.identifier).toBeUndefined();
  });

  it('a signature that encapsulates other signatures is not taken for the originator signature (3.1.1), e.g. an MLA layer', () => {
    // Section 5 Example 4 applied to an unsigned message: S[-,ml](S[domainSig](S[empty](data))), the outer layer signed by the domain signer (N6).
    const inner = wrap(emptySignatureLayer(CONTENT), [domainSigner('example.test/signer-rsa')]);
    const msg = wrap(inner, [signer('example.test/signer-rsa', { signedAttributes: [mlExpansionHistoryAttribute(mlData(1))] })], HEADERS);
    const r = verify(msg);
    expect(r.shape).toBe('S[-,ml](S[domainSig](S[empty](data)))');
    expect(r.verdict).toBe('pass');
    expect(r.originator.identifiedBy).toBe('domainSignature');
    expect(r.originator.identity).toBe('example.test');
  });

  it('when the innermost signature is invalid, an encapsulating signature does not stand in for the originator', () => {
    const middle = wrap(tamperedOriginatorSigned(), [signer('example.org/user-bob')]);
    const r = verify(domainSigned('example.test/signer-rsa', HEADERS, middle));
    expect(r.verdict).toBe('fail');
    expect(r.layers[2]!.signers[0]!.reasons).toEqual(['SIG_DIGEST_MISMATCH']);
    expect(r.layers[1]!.signers[0]!.verdict).toBe('pass');
    expect(r.originator.identifiedBy).toBe('domainSignature');
    expect(r.originator.identity).toBe('example.test');
  });

  it('a signature below an encrypted layer that was not opened is unknown: an encapsulating signature is not the originator\'s', () => {
    const dca = keyOf(pki, 'example.org/dca-rsa');
    const reviewed = wrap(envelopeLayer(originatorSigned(), { recipients: [{ certDer: dca.certDer }] }), [signer('example.org/user-bob')]);
    const msg = domainSigned('example.test/signer-rsa', HEADERS, reviewed);
    const closed = verify(msg);
    expect(closed.shape).toBe('S[domainSig](S[-](E(?)))');
    expect(closed.originator.identifiedBy).toBe('domainSignature');
    const opened = verify(msg, { keys: [dca] });
    expect(opened.originator.identifiedBy).toBe('originatorSignature');
    expect(opened.originator.identity).toBe('alice@example.test');
  });

  it('an explicit id-sti-originatorSig names the originator signature', () => {
    const s1 = wrap(emptySignatureLayer(CONTENT), [signer(ALICE, { signedAttributes: [st([O.id_sti_originatorSig])] })]);
    const r = verify(domainSigned('example.test/signer-rsa', HEADERS, s1));
    expect(r.verdict).toBe('pass');
    expect(r.originator.identifiedBy).toBe('originatorSignature');
    expect(r.originator.identity).toBe('alice@example.test');
  });

  it('an invalid domain signature does not identify the originating domain either', () => {
    const r = verify(domainSigned('example.test/bad-untrusted', HEADERS, emptySignatureLayer(CONTENT)));
    expect(r.verdict).toBe('fail');
    expect(r.originator.identifiedBy).toBe('none');
    expect(r.originator.identity).toBeUndefined();
    expect(r.ar.identifier).toBeUndefined();
  });

  it('an empty layer must have eContentType id-data: the builder refuses otherwise, a hand-built one is flagged EMPTY_LAYER_NOT_ID_DATA', () => {
    const TST_INFO = '1.2.840.113549.1.9.16.1.4';
    expect(() => buildSignedData({ eContentType: TST_INFO, eContent: CONTENT, signers: [] })).toThrowError(expect.objectContaining({ code: 'POLICY_VIOLATION' }));
    expect(() => buildSignedData({ eContentType: O.id_data, eContent: CONTENT, detached: true, signers: [] })).toThrowError(expect.objectContaining({ code: 'POLICY_VIOLATION' }));
    // The hand builder is the builder's own encoding when the layer is conforming ...
    expect(handBuiltEmptyLayer(O.id_data, CONTENT).equals(emptySignatureLayer(CONTENT))).toBe(true);
    // ... and with another eContentType it is the negative vector.
    const r = verify(domainSigned('example.test/signer-rsa', HEADERS, handBuiltEmptyLayer(TST_INFO, CONTENT)));
    expect(r.shape).toBe('S[domainSig](S[empty](data))');
    expect(sorted(r.layers[1]!.reasons)).toEqual(sorted(['EMPTY_SIGNATURE_LAYER', 'EMPTY_LAYER_NOT_ID_DATA']));
    expect(r.layers[1]!.verdict).toBe('policy');
    expect(r.layers[0]!.reasons).toEqual([]); // an empty layer, whatever its eContentType, is still "other signatures" to encapsulate
    expect(r.verdict).toBe('policy');
  });
});

describe('naming convention and signer certificate (draft 2.4, 3.2; N9, N10, N11)', () => {
  const BAD: Array<[string, ReasonCode, 'fail' | 'policy']> = [
    ['bad-foreign', 'NAMING_DOMAIN_MISMATCH', 'policy'],
    ['bad-lookalike', 'NAMING_DOMAIN_MISMATCH', 'policy'],
    ['bad-descendant', 'NAMING_DOMAIN_MISMATCH', 'policy'],
    ['bad-single-label', 'NAMING_DOMAIN_MISMATCH', 'policy'],
    ['bad-nosan', 'NAMING_NO_DOMAIN_NAME', 'policy'],
    ['bad-encryption-only', 'CERT_KEY_USAGE_NOT_SIGNING', 'fail'],
    ['bad-expired', 'CERT_EXPIRED', 'fail'],
    ['bad-untrusted', 'CERT_UNTRUSTED', 'fail'],
  ];
  for (const [short, reason, verdict] of BAD) {
    it(`domain signature by example.test/${short} on mail From: alice@example.test: ${reason} -> smime=${verdict}`, () => {
      const name = `example.test/${short}`;
      expect(entry(pki, name).breaks?.reason).toBe(reason); // the PKI says the same about this certificate
      const r = verify(domainSigned(name));
      expect(r.reasons).toEqual([reason]);
      expect(r.layers[0]!.signers[0]!.reasons).toEqual([reason]);
      expect(r.layers[0]!.signers[0]!.verdict).toBe(verdict);
      expect(r.layers[1]!.verdict).toBe('pass');
      expect(r.verdict).toBe(verdict);
      expect(r.ar.result).toBe(verdict);
      expect(r.ar.comment).toContain(reason);
    });
  }

  const ROLES: Array<[NamingRole, string, ReasonCode | undefined]> = [
    // draft 2.4: "<protocol> is 'submit' for MSAs and 'smtp' for MTAs"
    ['msa', 'smtp-only', 'NAMING_NO_DOMAIN_NAME'],
    ['mta', 'submit-only', 'NAMING_NO_DOMAIN_NAME'],
    ['msa', 'submit-only', undefined],
    ['mta', 'smtp-only', undefined],
    ['any', 'smtp-only', undefined],
    ['any', 'submit-only', undefined],
    ['msa', 'signer-rsa', undefined], // dNSName counts for either role
    ['mta', 'signer-rsa', undefined],
  ];
  for (const [role, short, reason] of ROLES) {
    it(`namingRole ${role} with example.test/${short}: ${reason ?? 'pass'}`, () => {
      if (reason && entry(pki, `example.test/${short}`).breaks) expect(entry(pki, `example.test/${short}`).breaks!.reason).toBe(reason);
      const r = verify(domainSigned(`example.test/${short}`), { namingRole: role });
      expect(r.reasons).toEqual(reason ? [reason] : []);
      expect(r.verdict).toBe(reason ? 'policy' : 'pass');
    });
  }

  const NO_ORIGINATOR: Array<[string, Header[]]> = [
    ['no From:', headersWithFrom(null)],
    ['two addresses in one From:', headersWithFrom('Alice <alice@example.test>, Mallory <mallory@example.test>')],
    ['two From: fields', headersWithFrom(['Alice <alice@example.test>', 'Mallory <mallory@example.test>'])],
  ];
  for (const [what, headers] of NO_ORIGINATOR) {
    it(`${what}: NAMING_NO_ORIGINATOR_DOMAIN (N9)`, () => {
      const r = verify(domainSigned('example.test/signer-rsa', headers));
      expect(r.reasons).toEqual(['NAMING_NO_ORIGINATOR_DOMAIN']);
      expect(r.verdict).toBe('policy');
      expect(r.originator.domain).toBeUndefined();
      // The originator signature is still there and valid.
      expect(r.originator.identifiedBy).toBe('originatorSignature');
    });
  }

  it('a From: in another domain: NAMING_DOMAIN_MISMATCH', () => {
    const r = verify(domainSigned('example.test/signer-rsa', headersWithFrom('Bob <bob@example.org>')));
    expect(flagging(r.reasons)).toEqual(['NAMING_DOMAIN_MISMATCH']);
    expect(r.verdict).toBe('policy');
  });
});

describe('signature validity (RFC 5652 5.4, draft 3.2)', () => {
  it('content altered under the domain signature: SIG_DIGEST_MISMATCH, smime=fail', () => {
    // Flip a letter of the encapsulated S1 entity's header block: S1 itself still verifies, the domain signature does not.
    const msg = tamper(domainSigned('example.test/signer-rsa'), 'attachment', 'Attachment');
    const r = verify(msg);
    expect(r.layers[0]!.signers[0]!.reasons).toEqual(['SIG_DIGEST_MISMATCH']);
    expect(r.layers[0]!.signers[0]!.verdict).toBe('fail');
    expect(r.layers[1]!.verdict).toBe('pass');
    expect(r.reasons).toEqual(['SIG_DIGEST_MISMATCH']);
    expect(r.verdict).toBe('fail');
    expect(r.ar.result).toBe('fail');
  });

  it('an invalid originator signature under a valid domain signature is reported on its own layer', () => {
    const r = verify(domainSigned('example.test/signer-rsa', HEADERS, tamperedOriginatorSigned()));
    expect(r.layers[0]!.verdict).toBe('pass');
    expect(r.layers[1]!.signers[0]!.reasons).toEqual(['SIG_DIGEST_MISMATCH']);
    expect(r.verdict).toBe('fail');
  });

  describe('an invalid signature inside an envelopedData: S_domain(E(S1_bad(C)))', () => {
    const dca = () => keyOf(pki, 'example.org/dca-rsa');
    const build = (inner: Buffer) => domainSigned('example.test/signer-rsa', HEADERS, envelopeLayer(inner, { recipients: [{ certDer: dca().certDer }] }));

    it('without the DCA key the layer is not opened: ENCRYPTED_NOT_OPENED (info), the domain signature passes', () => {
      const msg = build(tamperedOriginatorSigned());
      for (const keys of [undefined, [keyOf(pki, 'example.test/dca-rsa')]]) {
        const r = verify(msg, keys ? { keys } : {});
        expect(r.shape).toBe('S[domainSig](E(?))');
        expect(r.reasons).toEqual(['ENCRYPTED_NOT_OPENED']);
        expect(r.layers[1]!.opened).toBe(false);
        expect(r.verdict).toBe('pass');
      }
    });

    it('with the DCA key the inner signature is checked: fail', () => {
      const r = verify(build(tamperedOriginatorSigned()), { keys: [dca()] });
      expect(r.shape).toBe('S[domainSig](E(S[-](data)))');
      expect(r.layers[1]!.opened).toBe(true);
      expect(r.layers[2]!.signers[0]!.reasons).toEqual(['SIG_DIGEST_MISMATCH']);
      expect(r.reasons).toEqual(['SIG_DIGEST_MISMATCH']);
      expect(r.verdict).toBe('fail');
    });

    it('control: a valid S1 inside the envelope passes with the key and names the originator', () => {
      const r = verify(build(originatorSigned()), { keys: [dca()] });
      expect(r.verdict).toBe('pass');
      expect(r.reasons).toEqual([]);
      expect(r.originator.identity).toBe('alice@example.test');
    });
  });

  it('several domain signers, one with an untrusted certificate: fail, and the report names that SignerInfo', () => {
    const bad = keyOf(pki, 'example.test/bad-untrusted');
    const msg = domainSigned([domainSigner('example.test/signer-rsa'), domainSigner('example.test/bad-untrusted'), domainSigner('example.test/signer-ec')]);
    const badIndex = signerIndexOf(msg, bad.certDer);
    const r = verify(msg);
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toEqual(['CERT_UNTRUSTED']);
    const signers = r.layers[0]!.signers;
    expect(signers).toHaveLength(3);
    signers.forEach((s, i) => {
      expect(s.index).toBe(i);
      expect(s.verdict).toBe(i === badIndex ? 'fail' : 'pass');
      expect(s.reasons).toEqual(i === badIndex ? ['CERT_UNTRUSTED'] : []);
    });
    expect(signers[badIndex]!.certDer?.equals(bad.certDer)).toBe(true);
  });

  it('several domain signers, one for another domain: policy, on that SignerInfo only', () => {
    const bad = keyOf(pki, 'example.test/bad-foreign');
    const msg = domainSigned([domainSigner('example.test/bad-foreign'), domainSigner('example.test/signer-ec384')]);
    const badIndex = signerIndexOf(msg, bad.certDer);
    const r = verify(msg);
    expect(r.verdict).toBe('policy');
    expect(r.layers[0]!.signers.map((s) => s.verdict)).toEqual([0, 1].map((i) => (i === badIndex ? 'policy' : 'pass')));
    expect(r.layers[0]!.signers[badIndex]!.reasons).toEqual(['NAMING_DOMAIN_MISMATCH']);
  });
});

describe('mlExpansionHistory (RFC 2634 2.10; draft 5)', () => {
  /** An MLA's outer layer S_ml(S_domain(S1(C))), signed by the domain signer as Section 5 re-adds it (N6). */
  const mla = (signers: SignerInput[]) => wrap(domainSigned('example.test/signer-rsa', []), signers, HEADERS);
  const ml = (n: number, offset = 0) => mlExpansionHistoryAttribute(mlData(n + offset).slice(offset));

  it('a signed mlExpansionHistory of 1 or 64 entries is fine', () => {
    for (const n of [1, 64]) {
      const r = verify(mla([signer('example.test/signer-rsa', { signedAttributes: [ml(n)] })]));
      expect(r.shape).toBe('S[-,ml](S[domainSig](S[-](data)))');
      expect(r.layers[0]!.mlExpansionHistoryEntries).toBe(n);
      expect(r.reasons).toEqual([]);
      expect(r.verdict).toBe('pass');
      expect(r.originator.identity).toBe('alice@example.test');
    }
  });

  it('65 entries: MLEH_TOO_MANY (ub-ml-expansion-history = 64)', () => {
    const r = verify(mla([signer('example.test/signer-rsa', { signedAttributes: [ml(65)] })]));
    expect(r.reasons).toEqual(['MLEH_TOO_MANY']);
    expect(r.verdict).toBe('policy');
  });

  it('as an unsigned attribute: MLEH_UNSIGNED, and it does not count as present', () => {
    const r = verify(mla([signer('example.test/signer-rsa', { unsignedAttributes: [ml(1)] })]));
    // An unsigned mlExpansionHistory does not make an MLA signature, so the From: check applies.
    expect(r.reasons).toEqual(['MLEH_UNSIGNED', 'SIGNER_ADDRESS_MISMATCH']);
    expect(r.verdict).toBe('policy');
    expect(r.shape).toBe('S[-](S[domainSig](S[-](data)))');
    expect(r.layers[0]!.mlExpansionHistoryEntries).toBeUndefined();
  });

  it('differing between SignerInfos: MLEH_INCONSISTENT (identical ones are fine)', () => {
    const same = verify(mla([signer('example.test/signer-rsa', { signedAttributes: [ml(2)] }), signer('example.test/signer-ec', { signedAttributes: [ml(2)] })]));
    expect(same.reasons).toEqual([]);
    expect(same.verdict).toBe('pass');
    const differs = verify(mla([signer('example.test/signer-rsa', { signedAttributes: [ml(2)] }), signer('example.test/signer-ec', { signedAttributes: [ml(2, 1)] })]));
    expect(differs.layers[0]!.reasons).toEqual(['MLEH_INCONSISTENT']);
    expect(differs.reasons).toEqual(['MLEH_INCONSISTENT']);
    expect(differs.verdict).toBe('policy');
    const onlyOne = verify(mla([signer('example.test/signer-rsa', { signedAttributes: [ml(2)] }), signer('example.test/signer-ec')]));
    expect(onlyOne.reasons).toEqual(['MLEH_INCONSISTENT', 'SIGNER_ADDRESS_MISMATCH']);
  });
});

describe('Authentication-Results (RFC 8601, RFC 7281 smime; N14)', () => {
  it('maps the verdict to the smime result: pass, fail, policy, none, neutral', () => {
    const cases: Array<[string, Buffer, Partial<VerifyOptions>, string]> = [
      ['valid domain signature', domainSigned('example.test/signer-rsa'), {}, 'pass'],
      ['altered content', tamper(domainSigned('example.test/signer-rsa'), 'attachment', 'Attachment'), {}, 'fail'],
      ['naming violation', domainSigned('example.test/bad-foreign'), {}, 'policy'],
      ['unsigned message', unsignedMessage(), {}, 'none'],
      ['encrypted, no key', envelopeLayer(originatorSigned(), { recipients: [{ certDer: keyOf(pki, 'example.org/dca-rsa').certDer }], headers: HEADERS }), {}, 'neutral'],
    ];
    for (const [what, msg, extra, result] of cases) {
      const r = verify(msg, { ...extra, authservId: 'mx.example.org' });
      expect(r.verdict, what).toBe(result);
      expect(r.authenticationResults.startsWith(`mx.example.org; smime=${result}`), what).toBe(true);
      // RFC 7281: smime-part names the signed body part; there is none when nothing was signed.
      expect(r.ar.part, what).toBe(result !== 'none');
    }
  });

  it('an unsigned message: smime=none with no properties', () => {
    const r = verify(unsignedMessage());
    expect(r.shape).toBe('data');
    expect(r.reasons).toEqual([]);
    expect(r.domainSignatures).toBe(0);
    expect(r.originator.identifiedBy).toBe('none');
    expect(r.ar).toEqual({ authservId: 'domsec.invalid', result: 'none', part: false });
  });

  it('quotes an identifier that is neither a token nor an address: a certificate subject', () => {
    // S_domain(S_x(C)) where S_x is signed by the RSA domain signer's certificate without SignatureType: that certificate has no e-mail address.
    const r = verify(domainSigned('example.test/signer-ec', HEADERS, originatorSigned(CONTENT, 'example.test/signer-rsa')));
    expect(r.verdict).toBe('pass');
    const subject = new x509.X509Certificate(keyOf(pki, 'example.test/signer-rsa').certDer).subject;
    expect(r.originator.identity).toBe(subject);
    expect(r.ar.identifierRaw).toBe(`"${subject.replace(/["\\]/g, '\\$&')}"`);
    expect(r.ar.identifier).toBe(subject);
  });

  describe('hostile certificate subjects and e-mail addresses never break the header', () => {
    const shown = (v: string) => v.replace(/[\x00-\x1f\x7f]+/g, ' ');

    for (const { name, cn } of HOSTILE.subjectCommonNames) {
      it(`subject CN: ${name}`, async () => {
        const user = await issueUserCert(cn);
        const r = verify(domainSigned('example.test/signer-rsa', HEADERS, wrap(CONTENT, [{ certDer: user.certDer, key: user.key }])));
        expect(r.verdict).toBe('pass');
        expect(r.originator.identifiedBy).toBe('originatorSignature');
        expect(r.originator.identity).toBe(user.subject);
        expect(r.ar.identifier).toBe(shown(user.subject));
      });
    }

    for (const { name, email } of HOSTILE.sanEmails) {
      it(`SAN e-mail: ${name}`, async () => {
        const user = await issueUserCert('hostile e-mail user', [email]);
        const r = verify(domainSigned('example.test/signer-rsa', HEADERS, wrap(CONTENT, [{ certDer: user.certDer, key: user.key }])));
        expect(r.verdict).toBe('pass');
        expect(r.originator.identity).toBe(email);
        expect(r.ar.identifier).toBe(shown(email));
      });
    }
  });

  describe('hostile From: values', () => {
    for (const f of HOSTILE.from) {
      it(`${f.name} (${f.via})`, () => {
        let msg: Buffer;
        const opts: Partial<VerifyOptions> = {};
        if (f.via === 'header') {
          // Written verbatim (a folded value keeps its CRLF + WSP), so no header builder sanitises it first.
          msg = Buffer.concat([Buffer.from(`From: ${f.value}\r\n`, 'utf8'), domainSigned('example.test/signer-rsa', headersWithFrom(null))]);
        } else {
          msg = domainSigned('example.test/signer-rsa');
          opts.from = f.value;
        }
        const r = verify(msg, opts);
        // N9: one mailbox names the originator's domain; example.test covers it when equal or a whole-label ascendant.
        const d = f.originatorDomain;
        const expected: ReasonCode[] = d === null ? ['NAMING_NO_ORIGINATOR_DOMAIN'] : d === 'example.test' || d.endsWith('.example.test') ? [] : ['NAMING_DOMAIN_MISMATCH'];
        expect(flagging(r.reasons)).toEqual(expected);
        expect(r.verdict).toBe(expected.length ? 'policy' : 'pass');
        expect(r.originator.domain).toBe(d ?? undefined);
      });
    }
  });
});
