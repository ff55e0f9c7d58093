/**
 * Encryption cases (a)-(d) of draft Section 4 (N3): every case with RSAES-PKCS1-v1_5, RSAES-OAEP and
 * ECDH P-256, with AES-256-CBC EnvelopedData and AES-256-GCM AuthEnvelopedData; the DCA cases (c), (d)
 * with and without a domain signature before encryption; and one envelope for end recipient plus DCA.
 */
import { vector } from '../builder.js';
import type { VectorDecl } from '../model.js';
import type { Flag } from '../flags.js';
import type { VectorContext } from '../context.js';

type Case = 'a' | 'b' | 'c' | 'd';
type Transport = 'rsa-pkcs1' | 'rsa-oaep' | 'ecdh';
type Cipher = 'cbc' | 'gcm';

const CASE_FLAG: Record<Case, Flag> = { a: 'EncryptionCaseA', b: 'EncryptionCaseB', c: 'EncryptionCaseC', d: 'EncryptionCaseD' };
const TRANSPORT_FLAG: Record<Transport, Flag> = { 'rsa-pkcs1': 'KeyTransportPkcs1v15', 'rsa-oaep': 'KeyTransportOaep', ecdh: 'KeyAgreementEcdh' };
const CASE_TEXT: Record<Case, string> = {
  a: 'the originator encrypts for the end recipient, who decrypts',
  b: "the originator encrypts for the recipient's DCA, which decrypts for its domain",
  c: "the originator's DCA encrypts (originatorInfo with its certificate, N13) for the end recipient, who decrypts",
  d: "the originator's DCA encrypts for the recipient's DCA, which decrypts for its domain",
};

/** Who decrypts: the end recipient (a, c) or the recipient's DCA (b, d); EC keys for ECDH. */
function decryptor(c: Case, t: Transport): string {
  const dca = c === 'b' || c === 'd';
  if (t === 'ecdh') return dca ? 'example.org/dca-ec' : 'example.org/user-carol-ec';
  return dca ? 'example.org/dca-rsa' : 'example.org/user-bob';
}

function requirementsOf(c: Case, domainSigned: boolean): string[] {
  const r: string[] = [];
  if (c === 'a' || c === 'b' || c === 'c') r.push('DOMSEC-4-CLIENT-CASES');
  if (c !== 'a') r.push('DOMSEC-4-DCA-CASES');
  if (c === 'b' || c === 'd') r.push('DOMSEC-4.2-DCA-DECRYPTION');
  if (c === 'c' || c === 'd') r.push('DOMSEC-4.1-RECIPIENT-INFO', 'DOMSEC-5-POLICY-ENCRYPT');
  if (domainSigned) r.push('DOMSEC-4-SIGN-BEFORE-ENCRYPT');
  return r;
}

function encryptionVector(c: Case, t: Transport, cipher: Cipher, domainSigned: boolean): VectorDecl {
  const who = decryptor(c, t);
  const byDca = c === 'c' || c === 'd';
  const id = `domsec::encryption::case-${c}-${t}-${cipher}${domainSigned ? '-domain-signed' : ''}`;
  const inner = domainSigned ? 'S[domainSig](S[-](data))' : 'S[-](data)';
  const flags: Flag[] = [CASE_FLAG[c], TRANSPORT_FLAG[t], cipher === 'gcm' ? 'AuthEnvelopedGcm' : 'EnvelopedCbc'];
  if (domainSigned) flags.push('DomainSignedBeforeEncryption');
  return vector(id, 'decrypt')
    .describe(`Case (${c}): ${CASE_TEXT[c]}; ${t === 'ecdh' ? 'ECDH P-256 key agreement' : t === 'rsa-oaep' ? 'RSAES-OAEP key transport' : 'RSAES-PKCS1-v1_5 key transport'}, ${cipher === 'gcm' ? 'AuthEnvelopedData AES-256-GCM' : 'EnvelopedData AES-256-CBC'}${domainSigned ? ', domain-signed before encryption' : ''}. Decrypt with ${who} and find ${inner}.`)
    .sections('4', byDca ? '4.1' : '4', c === 'b' || c === 'd' ? '4.2' : '4')
    .notes('N3', ...(byDca ? ['N13'] : []))
    .requirements(...requirementsOf(c, domainSigned))
    .flags(...flags)
    .keys(who)
    .expectDecrypt({ innerShape: inner })
    .build((ctx: VectorContext) => {
      let plaintext = ctx.originatorSigned();
      if (domainSigned) plaintext = ctx.domainSigned(plaintext);
      const recipient = t === 'ecdh' ? { certDer: ctx.cert(who) } : { certDer: ctx.cert(who), keyTransport: t };
      const entity = ctx.enveloped(plaintext, [recipient], { cipher: cipher === 'gcm' ? 'aes-256-gcm' : 'aes-256-cbc', ...(byDca ? { originator: 'example.test/dca-rsa' } : {}) });
      return { message: ctx.message(entity), plaintext };
    });
}

function multiRecipient(who: string): VectorDecl {
  return vector(`domsec::encryption::multi-recipient-${who.split('/')[1]}`, 'decrypt')
    .describe(`Cases (c) and (d) at once: the originator's DCA encrypts one domain-signed message for the end recipient and the recipient's DCA; decrypt as ${who}.`)
    .sections('4', '4.1')
    .notes('N3', 'N13')
    .requirements('DOMSEC-4-DCA-CASES', 'DOMSEC-4.1-RECIPIENT-INFO', 'DOMSEC-4-SIGN-BEFORE-ENCRYPT')
    .flags('EncryptionCaseC', 'EncryptionCaseD', 'MultiRecipient', 'KeyTransportPkcs1v15', 'EnvelopedCbc', 'DomainSignedBeforeEncryption')
    .keys(who)
    .expectDecrypt({ innerShape: 'S[domainSig](S[-](data))' })
    .build((ctx) => {
      const plaintext = ctx.domainSigned(ctx.originatorSigned());
      const entity = ctx.enveloped(plaintext, ['example.org/user-bob', 'example.org/dca-rsa'], { originator: 'example.test/dca-rsa' });
      return { message: ctx.message(entity), plaintext };
    });
}

export const encryptionVectors: VectorDecl[] = [];
for (const c of ['a', 'b', 'c', 'd'] as const) {
  for (const t of ['rsa-pkcs1', 'rsa-oaep', 'ecdh'] as const) {
    for (const cipher of ['cbc', 'gcm'] as const) {
      encryptionVectors.push(encryptionVector(c, t, cipher, false));
      if (c === 'c' || c === 'd') encryptionVectors.push(encryptionVector(c, t, cipher, true));
    }
  }
}
encryptionVectors.push(multiRecipient('example.org/user-bob'), multiRecipient('example.org/dca-rsa'));
