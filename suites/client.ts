/**
 * Client cases (draft 4, N3): "A client implementation that conforms to this standard MUST support
 * case (b) for transmission, case (c) for reception and case (a) for transmission and reception."
 * A client is driven by the command adapter (docs/client-adapter.md): transmission runs its encrypt
 * command, reception its decrypt command.
 *
 * Parties: the client's user is bob (RSA) or carol (EC, for ECDH) of the local domain; mail goes to and
 * comes from alice or carol of the remote domain, whose DCA (draft 4.1: named smtp://<domain>, N10)
 * decrypts in case (b) and encrypts in case (c), and whose domain signer signs before that encryption.
 */
import { clientCase } from './builder.js';
import type { ClientCaseDecl } from '../src/adapter/model.js';
import type { ClientCaseContext } from '../src/adapter/context.js';
import { buildAuthEnvelopedData } from '../src/cms/auth-enveloped-data.js';
import { buildPkcs7MimeEntity } from '../src/mime/index.js';

const CLIENT = 'DOMSEC-4-CLIENT-CASES';
const RECIPIENT_INFO = 'DOMSEC-4.1-RECIPIENT-INFO';

const me = (ctx: ClientCaseContext, ec = false) => `${ctx.local}/${ec ? 'user-carol-ec' : 'user-bob'}`;
const correspondent = (ctx: ClientCaseContext, ec = false) => `${ctx.remote}/${ec ? 'user-carol-ec' : 'user-alice'}`;
const remoteDca = (ctx: ClientCaseContext, ec = false) => `${ctx.remote}/${ec ? 'dca-ec' : 'dca-rsa'}`;

/** Transmission: the client's user writes to a correspondent; the client encrypts for `recipient`. */
function outgoing(ctx: ClientCaseContext, recipient: string, opts: { ec?: boolean; signed?: boolean } = {}) {
  const from = ctx.address(me(ctx));
  const to = ctx.address(correspondent(ctx, opts.ec));
  const entity = opts.signed ? ctx.signed(ctx.content, me(ctx)) : ctx.content;
  return { message: ctx.message(entity, from, to), from, to, recipient };
}

/** Case (c): what the originator's DCA sends: domain-signed before the encryption (draft 4), originatorInfo with the DCA's certificate (N13). */
function fromOriginatorsDca(ctx: ClientCaseContext) {
  return ctx.domainSigned(ctx.signed(ctx.content, correspondent(ctx)), `${ctx.remote}/signer-rsa`);
}

const CASE_C_SHAPE = 'S[domainSig](S[-](data))';

export const clientCases: ClientCaseDecl[] = [
  // ---------------------------------------------------------------- transmission: cases (a) and (b)
  clientCase('domsec::client::case-a-transmit-rsa')
    .title("Case (a) transmission: the originator encrypts for the end recipient's certificate (RSA key transport)")
    .requirements(CLIENT, RECIPIENT_INFO)
    .expect({ kind: 'encrypted-for', encryptionCase: 'a' })
    .encrypt((ctx) => outgoing(ctx, correspondent(ctx))),
  clientCase('domsec::client::case-a-transmit-ecdh')
    .title("Case (a) transmission: the originator encrypts for the end recipient's EC certificate (ECDH key agreement)")
    .requirements(CLIENT, RECIPIENT_INFO)
    .features('ecdh-key-agreement')
    .expect({ kind: 'encrypted-for', encryptionCase: 'a' })
    .encrypt((ctx) => outgoing(ctx, correspondent(ctx, true), { ec: true })),
  clientCase('domsec::client::case-b-transmit-rsa')
    .title("Case (b) transmission: the originator encrypts its signed message for the recipient's DCA certificate (draft 4.1; named smtp://<domain>, no address of the recipient)")
    .requirements(CLIENT, RECIPIENT_INFO)
    .expect({ kind: 'encrypted-for', encryptionCase: 'b' })
    .encrypt((ctx) => outgoing(ctx, remoteDca(ctx), { signed: true })),
  clientCase('domsec::client::case-b-transmit-ecdh')
    .title("Case (b) transmission: the originator encrypts for the recipient's DCA EC certificate (keyAgreement only, N11)")
    .requirements(CLIENT, RECIPIENT_INFO)
    .features('ecdh-key-agreement')
    .expect({ kind: 'encrypted-for', encryptionCase: 'b' })
    .encrypt((ctx) => outgoing(ctx, remoteDca(ctx, true))),

  // ---------------------------------------------------------------- reception: cases (a) and (c)
  clientCase('domsec::client::case-a-receive-rsa')
    .title("Case (a) reception: decrypt a signed message the originator encrypted for this user's certificate (RSA key transport)")
    .requirements(CLIENT)
    .expect({ kind: 'decrypted', encryptionCase: 'a', innerShape: 'S[-](data)' })
    .decrypt((ctx) => {
      const plaintext = ctx.signed(ctx.content, correspondent(ctx));
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      return { message: ctx.message(ctx.enveloped(plaintext, [me(ctx)]), from, to), from, to, user: me(ctx), plaintext };
    }),
  clientCase('domsec::client::case-a-receive-ecdh')
    .title("Case (a) reception: decrypt a message the originator encrypted for this user's EC certificate (ECDH key agreement)")
    .requirements(CLIENT)
    .features('ecdh-key-agreement')
    .expect({ kind: 'decrypted', encryptionCase: 'a', innerShape: 'S[-](data)' })
    .decrypt((ctx) => {
      const plaintext = ctx.signed(ctx.content, correspondent(ctx));
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx, true))];
      return { message: ctx.message(ctx.enveloped(plaintext, [me(ctx, true)]), from, to), from, to, user: me(ctx, true), plaintext };
    }),
  clientCase('domsec::client::case-c-receive-rsa')
    .title("Case (c) reception: decrypt what the originator's DCA encrypted for this user (originatorInfo with the DCA's certificate, N13; domain-signed inside, draft 4)")
    .requirements(CLIENT)
    .expect({ kind: 'decrypted', encryptionCase: 'c', innerShape: CASE_C_SHAPE, domainSignature: true })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      return { message: ctx.message(ctx.enveloped(plaintext, [me(ctx)], { originator: remoteDca(ctx) }), from, to), from, to, user: me(ctx), plaintext };
    }),
  clientCase('domsec::client::case-c-receive-ecdh')
    .title("Case (c) reception: decrypt what the originator's DCA encrypted for this user's EC certificate (ECDH; originatorInfo, N13)")
    .requirements(CLIENT)
    .features('ecdh-key-agreement')
    .expect({ kind: 'decrypted', encryptionCase: 'c', innerShape: CASE_C_SHAPE, domainSignature: true })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx, true))];
      return { message: ctx.message(ctx.enveloped(plaintext, [me(ctx, true)], { originator: remoteDca(ctx, true) }), from, to), from, to, user: me(ctx, true), plaintext };
    }),
  clientCase('domsec::client::case-c-receive-dca-recipient-first')
    .title("Case (c) reception when the originator's DCA also encrypted for this domain's DCA (cases c and d in one envelope, draft 4.1): find this user's RecipientInfo, the second")
    .requirements(CLIENT)
    .expect({ kind: 'decrypted', encryptionCase: 'c', innerShape: CASE_C_SHAPE, domainSignature: true })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      return { message: ctx.message(ctx.enveloped(plaintext, [`${ctx.local}/dca-rsa`, me(ctx)], { originator: remoteDca(ctx) }), from, to), from, to, user: me(ctx), plaintext };
    }),
  clientCase('domsec::client::case-c-receive-subject-key-identifier')
    .title("Case (c) reception: this user's RecipientInfo names the certificate by subjectKeyIdentifier (RFC 5652 6.2.1: recipients MUST support both forms)")
    .requirements(CLIENT)
    .expect({ kind: 'decrypted', encryptionCase: 'c', innerShape: CASE_C_SHAPE, domainSignature: true })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      const recipient = { certDer: ctx.cert(me(ctx)), rid: 'subjectKeyIdentifier' as const };
      return { message: ctx.message(ctx.enveloped(plaintext, [recipient], { originator: remoteDca(ctx) }), from, to), from, to, user: me(ctx), plaintext };
    }),
  clientCase('domsec::client::case-c-receive-rsa-oaep')
    .title("Case (c) reception with RSAES-OAEP key transport (SHA-256)")
    .requirements(CLIENT)
    .features('rsa-oaep-key-transport')
    .expect({ kind: 'decrypted', encryptionCase: 'c', innerShape: CASE_C_SHAPE, domainSignature: true })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      const recipient = { certDer: ctx.cert(me(ctx)), keyTransport: 'rsa-oaep' as const };
      return { message: ctx.message(ctx.enveloped(plaintext, [recipient], { originator: remoteDca(ctx) }), from, to), from, to, user: me(ctx), plaintext };
    }),
  clientCase('domsec::client::case-c-receive-auth-enveloped')
    .title("Case (c) reception of AuthEnvelopedData with AES-256-GCM (RFC 5083, RFC 5084)")
    .requirements(CLIENT)
    .features('auth-enveloped-data')
    .expect({ kind: 'decrypted', encryptionCase: 'c', innerShape: CASE_C_SHAPE, domainSignature: true })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      return { message: ctx.message(ctx.enveloped(plaintext, [me(ctx)], { originator: remoteDca(ctx), cipher: 'aes-256-gcm' }), from, to), from, to, user: me(ctx), plaintext };
    }),

  // ---------------------------------------------------------------- reception that must fail cleanly
  clientCase('domsec::client::receive-not-for-this-user')
    .title('A message encrypted for another user of the domain: decryption must fail with an exit status other than 0, writing nothing')
    .requirements(CLIENT)
    .expect({ kind: 'refused' })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const other = `${ctx.local}/user-alice`;
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(other)];
      return { message: ctx.message(ctx.enveloped(plaintext, [other], { originator: remoteDca(ctx) }), from, to), from, to, user: me(ctx), plaintext };
    }),
  clientCase('domsec::client::receive-altered-auth-enveloped')
    .title('AuthEnvelopedData whose authentication tag was altered in transit: decryption must fail (RFC 5083 2.2: no content without a valid tag), writing nothing')
    .requirements(CLIENT)
    .features('auth-enveloped-data')
    .expect({ kind: 'refused' })
    .decrypt((ctx) => {
      const plaintext = fromOriginatorsDca(ctx);
      const [from, to] = [ctx.address(correspondent(ctx)), ctx.address(me(ctx))];
      const der = buildAuthEnvelopedData({ content: plaintext, recipients: [{ certDer: ctx.cert(me(ctx)) }], originatorCertificates: [ctx.cert(remoteDca(ctx))] }, 'aes-256-gcm');
      // The mac is the last element of AuthEnvelopedData (no unauthAttrs): its last byte is the DER's last byte.
      der[der.length - 1] = der[der.length - 1]! ^ 0x01;
      return { message: ctx.message(buildPkcs7MimeEntity(der, 'authEnveloped-data'), from, to), from, to, user: me(ctx), plaintext };
    }),
];
