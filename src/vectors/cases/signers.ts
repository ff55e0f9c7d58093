/**
 * Domain signers beyond RSA PKCS#1 v1.5 with SHA-256: ECDSA P-256 and P-384, Ed25519 (RFC 8419),
 * RSASSA-PSS (RFC 4056), RSA with SHA-384 and SHA-512, a SignerInfo identified by subjectKeyIdentifier
 * (RFC 5652 5.3, version 3), and one signer with several SignerInfos under different algorithms
 * (draft 3.1.1: identical SignatureType in each), once with one of them broken. Each is a domain signature
 * over the originator signature of alice@example.test; a receiver must accept all but the broken one.
 */
import { vector } from '../builder.js';
import type { VectorDecl, VerifyExpectation } from '../model.js';
import type { VectorContext } from '../context.js';
import type { DomainSignerKey } from '../../message/build.js';
import { buildPkcs7MimeEntity, decodeBody, parseEntity } from '../../mime/index.js';
import { parseSignedData } from '../../cms/signed-data.js';

const PASS = (extra: Partial<VerifyExpectation> = {}): VerifyExpectation => ({
  verdict: 'pass', reasons: [], shape: 'S[domainSig](S[-](data))', domainSignatures: 1, originatorIdentifiedBy: 'originatorSignature', ...extra,
});
const REQS = ['DOMSEC-3.2-USE-DOMAIN-SIGNATURE', 'DOMSEC-3.1-RECOGNIZE-SIGNATURE-TYPE'];

function algorithmVector(slug: string, description: string, flag: 'EcdsaSigner' | 'Ed25519Signer' | 'RsaPssSigner' | 'RsaSha2Signer' | 'SubjectKeyIdentifierSid', signer: (ctx: VectorContext) => DomainSignerKey, pss = false): VectorDecl {
  return vector(`domsec::signers::${slug}`, 'verify')
    .describe(description)
    .sections('3.1', '3.2')
    .requirements(...REQS)
    .flags(flag)
    .expectVerify(PASS())
    .build((ctx) => {
      const k = signer(ctx);
      let entity = ctx.domainSignedBy(ctx.originatorSigned(), [k]);
      if (pss) entity = ctx.pssReproducible(entity, k.key);
      return { message: ctx.message(entity) };
    });
}

/** Flip the last bit of SignerInfo `index`'s signature value. */
function breakSignerInfo(entity: Buffer, index: number): Buffer {
  const der = Buffer.from(decodeBody(parseEntity(entity)));
  const sig = parseSignedData(der).signerInfos[index]!.signature;
  const at = der.indexOf(sig);
  der[at + sig.length - 1] = der[at + sig.length - 1]! ^ 0x01;
  return buildPkcs7MimeEntity(der, 'signed-data');
}

/** signer-rsa twice: PKCS#1 v1.5 with SHA-256 and RSASSA-PSS with SHA-384, identical SignatureType. */
function twoAlgorithms(ctx: VectorContext): Buffer {
  const k = ctx.key('example.test/signer-rsa');
  const entity = ctx.domainSignedBy(ctx.originatorSigned(), [
    { ...k, digest: 'sha256', scheme: 'rsa-pkcs1' },
    { ...k, digest: 'sha384', scheme: 'rsa-pss' },
  ]);
  return ctx.pssReproducible(entity, k.key);
}

export const signerVectors: VectorDecl[] = [
  algorithmVector('ecdsa-p256', 'Domain signature by example.test/signer-ec: ECDSA P-256 with SHA-256 (RFC 5753 7; deterministic nonce, RFC 6979, so the vector is reproducible). Accept.', 'EcdsaSigner', (ctx) => ({ ...ctx.key('example.test/signer-ec'), digest: 'sha256' })),
  algorithmVector('ecdsa-p384', 'Domain signature by example.test/signer-ec384: ECDSA P-384 with SHA-384 (RFC 5753 7). Accept.', 'EcdsaSigner', (ctx) => ({ ...ctx.key('example.test/signer-ec384'), digest: 'sha384' })),
  algorithmVector('ed25519', 'Domain signature by example.test/signer-ed25519: Ed25519 with SHA-512 as the message digest (RFC 8419 3.1). Accept.', 'Ed25519Signer', (ctx) => ({ ...ctx.key('example.test/signer-ed25519') })),
  algorithmVector('rsa-pss', 'Domain signature by example.test/signer-rsa with RSASSA-PSS: SHA-256, MGF1-SHA-256, salt length 32 (RFC 4056); the salt comes from the seeded RNG. Accept.', 'RsaPssSigner', (ctx) => ({ ...ctx.key('example.test/signer-rsa'), digest: 'sha256', scheme: 'rsa-pss' }), true),
  algorithmVector('rsa-sha384', 'Domain signature by example.test/signer-rsa: sha384WithRSAEncryption (RFC 5754). Accept.', 'RsaSha2Signer', (ctx) => ({ ...ctx.key('example.test/signer-rsa'), digest: 'sha384' })),
  algorithmVector('rsa-sha512', 'Domain signature by example.test/signer-rsa: sha512WithRSAEncryption (RFC 5754). Accept.', 'RsaSha2Signer', (ctx) => ({ ...ctx.key('example.test/signer-rsa'), digest: 'sha512' })),
  algorithmVector('subject-key-identifier', "Domain signature whose SignerInfo names its certificate by subjectKeyIdentifier (sid [0], SignerInfo version 3, SignedData version 3; RFC 5652 5.3). Accept.", 'SubjectKeyIdentifierSid', (ctx) => ({ ...ctx.key('example.test/signer-rsa'), sid: 'subjectKeyIdentifier' })),
  vector('domsec::signers::same-signer-two-algorithms', 'verify')
    .describe('One domain signer, two SignerInfos: sha256WithRSAEncryption and RSASSA-PSS with SHA-384, each with identical SignatureType [domainSig] (draft 3.1.1). Accept; two domain signatures.')
    .sections('3.1.1', '3.2')
    .requirements('DOMSEC-3.1.1-SAME-CONTENT', ...REQS)
    .flags('SeveralSignerInfos', 'RsaPssSigner')
    .expectVerify(PASS({ domainSignatures: 2 }))
    .build((ctx) => ({ message: ctx.message(twoAlgorithms(ctx)) })),
];

/** The same with the PSS SignerInfo broken: built here so the engine's verdict on it is tested below. */
export const brokenParallelSignature = vector('domsec::signers::same-signer-one-algorithm-broken', 'verify')
  .describe('As same-signer-two-algorithms, but the RSASSA-PSS SignerInfo\'s signature value is altered (its last bit flipped). The reference engine fails the message (every SignerInfo must verify); RFC 5752 lets a verifier accept a signer when one of its parallel signatures validates, so pass is acceptable too.')
  .sections('3.1.1', '3.2')
  .requirements('DOMSEC-3.1.1-SAME-CONTENT', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE')
  .flags('SeveralSignerInfos', 'OneBadSigner', 'ParallelSignatureBroken')
  .result('acceptable')
  .expectVerify({ verdict: 'fail', reasons: ['SIG_VALUE_INVALID'], shape: 'S[domainSig](S[-](data))', domainSignatures: 2, originatorIdentifiedBy: 'originatorSignature', acceptable: ['pass'] })
  .build((ctx) => ({ message: ctx.message(breakSignerInfo(twoAlgorithms(ctx), 1)) }));

signerVectors.push(brokenParallelSignature);
