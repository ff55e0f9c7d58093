/**
 * Building new layers around existing MIME entities. Each function takes the inner entity's exact bytes
 * (kept byte for byte as the new layer's eContent or plaintext) and returns the new entity's bytes.
 */
import type { KeyObject } from 'node:crypto';
import * as O from '../asn1/oids.js';
import { buildSignedData, type SignerInput } from '../cms/signed-data.js';
import { buildEnvelopedData } from '../cms/enveloped-data.js';
import { buildAuthEnvelopedData } from '../cms/auth-enveloped-data.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import type { CbcCipher, AeadCipher } from '../crypto/content-cipher.js';
import type { DigestName, SignatureScheme } from '../crypto/signature.js';
import type { Rng } from '../crypto/rng.js';
import { buildPkcs7MimeEntity, type HeaderField } from '../mime/index.js';
import { signatureTypeAttribute } from '../domsec/signature-type.js';

export type OuterHeaders = ReadonlyArray<HeaderField> | ReadonlyArray<readonly [string, string]>;

export interface DomainSignerKey {
  certDer: Buffer;
  key: KeyObject;
  digest?: DigestName;
  scheme?: SignatureScheme;
  sid?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
}

export interface SignLayerOptions {
  signers: SignerInput[];
  signingTime?: Date | null;
  certificates?: Buffer[];
  headers?: OuterHeaders;
}

/** application/pkcs7-mime; smime-type=signed-data around `inner` (eContentType id-data: a MIME entity). */
export function signedLayer(inner: Buffer, opts: SignLayerOptions): Buffer {
  const der = buildSignedData({
    eContentType: O.id_data,
    eContent: inner,
    signers: opts.signers,
    ...(opts.signingTime !== undefined ? { signingTime: opts.signingTime } : {}),
    ...(opts.certificates ? { certificates: opts.certificates } : {}),
  });
  return buildPkcs7MimeEntity(der, 'signed-data', opts.headers ? { headers: opts.headers } : {});
}

/** Draft 2.3 (1), N12: an unsigned message first gets a signedData with no signers, eContentType id-data, eContent the message. */
export function emptySignatureLayer(inner: Buffer, headers?: OuterHeaders): Buffer {
  return signedLayer(inner, { signers: [], signingTime: null, ...(headers ? { headers } : {}) });
}

/** Draft 3.1.1: a domain signature carries SignatureType [id-sti-domainSig] in every SignerInfo, identical across them. */
export function domainSignerInputs(signers: DomainSignerKey[], extraSignedAttributes: Buffer[] = []): SignerInput[] {
  const st = signatureTypeAttribute([O.id_sti_domainSig]);
  return signers.map((s) => ({
    certDer: s.certDer,
    key: s.key,
    ...(s.digest ? { digest: s.digest } : {}),
    ...(s.scheme ? { scheme: s.scheme } : {}),
    ...(s.sid ? { sid: s.sid } : {}),
    signedAttributes: [st, ...extraSignedAttributes],
  }));
}

export type EnvelopeCipher = CbcCipher | AeadCipher;

export interface EnvelopeLayerOptions {
  recipients: RecipientInput[];
  /** originatorInfo certificates (N13: the DCA's own). */
  originatorCertificates?: Buffer[];
  /** aes-*-cbc gives envelopedData; aes-*-gcm / chacha20-poly1305 give authEnvelopedData (RFC 5083). */
  cipher?: EnvelopeCipher;
  rng?: Rng;
  headers?: OuterHeaders;
}

export function isAead(c: EnvelopeCipher): c is AeadCipher {
  return c.endsWith('gcm') || c === 'chacha20-poly1305';
}

export function envelopeLayer(inner: Buffer, opts: EnvelopeLayerOptions): Buffer {
  const cipher = opts.cipher ?? 'aes-256-cbc';
  const input = {
    content: inner,
    recipients: opts.recipients,
    ...(opts.originatorCertificates ? { originatorCertificates: opts.originatorCertificates } : {}),
    ...(opts.rng ? { rng: opts.rng } : {}),
  };
  const headers = opts.headers ? { headers: opts.headers } : {};
  if (isAead(cipher)) return buildPkcs7MimeEntity(buildAuthEnvelopedData(input, cipher), 'authEnveloped-data', headers);
  return buildPkcs7MimeEntity(buildEnvelopedData(input, cipher), 'enveloped-data', headers);
}
