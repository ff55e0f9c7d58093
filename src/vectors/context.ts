/**
 * Everything a vector declaration needs to build its message deterministically: the pinned PKI, the
 * fixed times, a seeded RNG of its own (forked by vector id, so adding a vector changes no other one),
 * and small layer builders.
 *
 * NOTE on the fixed times: signingTime and the validation time are pinned to VECTOR_TIME so that
 * regenerating the vectors changes no byte (signingTime is signed), and so that the vectors stay
 * verifiable after their certificates expire: consumers must validate at `validationTime`, not now.
 */
import type { KeyObject } from 'node:crypto';
import type { TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { SeededRng } from '../crypto/rng.js';
import type { SignerInput } from '../cms/signed-data.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer, type DomainSignerKey, type EnvelopeCipher } from '../message/build.js';
import { buildPkcs7MimeEntity, decodeBody, parseEntity } from '../mime/index.js';
import { parseSignedData } from '../cms/signed-data.js';
import { signPssWithSalt } from './pss.js';
import * as O from '../asn1/oids.js';
import { digestNameOf } from '../crypto/signature.js';

export const VECTOR_TIME = new Date('2026-03-01T12:00:00Z');

export const DEFAULT_CONTENT = Buffer.from(
  'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' +
    'This is a DOMSEC golden vector. The quarterly figures follow in a separate message.\r\nAlice\r\n',
);

export interface KeyPair {
  certDer: Buffer;
  key: KeyObject;
}

export class VectorContext {
  readonly rng: SeededRng;
  readonly time = VECTOR_TIME;
  readonly content = DEFAULT_CONTENT;

  constructor(
    readonly pki: TestPki,
    readonly id: string,
    seed: SeededRng,
  ) {
    this.rng = seed.fork(id);
  }

  cert(name: string): Buffer {
    const e = this.pki.entries[name];
    if (!e) throw new Error(`vector ${this.id}: no PKI entry ${name}`);
    return e.certDer;
  }

  key(name: string): KeyPair {
    const e = this.pki.entries[name];
    if (!e) throw new Error(`vector ${this.id}: no PKI entry ${name}`);
    return { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
  }

  /** RFC 5322 header fields of the vector's message; Message-ID is derived from the vector id. */
  headers(from = 'Alice <alice@example.test>', to = 'Bob <bob@example.org>'): Array<[string, string]> {
    const fields: Array<[string, string]> = [];
    if (from) fields.push(['From', from]);
    fields.push(['To', to], ['Subject', `DOMSEC vector ${this.id}`], ['Message-ID', `<${this.id.replace(/[^a-z0-9]+/gi, '.')}@vectors.domsec.test>`], ['Date', 'Sun, 01 Mar 2026 12:00:00 +0000']);
    return fields;
  }

  /** A signedData layer by the named certificates (no SignatureType unless given in attributes). */
  signed(inner: Buffer, signers: Array<string | SignerInput>, extra: { unsignedAttributes?: Buffer[]; signedAttributes?: Buffer[] } = {}): Buffer {
    const inputs = signers.map((s) => (typeof s === 'string' ? { ...this.key(s), ...extra } : s));
    return signedLayer(inner, { signers: inputs, signingTime: this.time });
  }

  /** A domain signature (SignatureType id-sti-domainSig) by the named signers. */
  domainSigned(inner: Buffer, signers: string[] = ['example.test/signer-rsa'], extraSignedAttributes: Buffer[] = []): Buffer {
    return signedLayer(inner, { signers: domainSignerInputs(signers.map((s) => this.key(s)), extraSignedAttributes), signingTime: this.time });
  }

  /** A domain signature by signers with their own digest, scheme or sid; `certificates` adds e.g. an intermediate CA. */
  domainSignedBy(inner: Buffer, signers: DomainSignerKey[], opts: { certificates?: Buffer[] } = {}): Buffer {
    return signedLayer(inner, { signers: domainSignerInputs(signers), signingTime: this.time, ...(opts.certificates ? { certificates: opts.certificates } : {}) });
  }

  /**
   * Re-sign the RSASSA-PSS SignerInfos of a signed entity with a salt from the vector's seeded RNG
   * (node:crypto's PSS salt is random: see pss.ts), so the vector is byte-reproducible.
   */
  pssReproducible(signedEntity: Buffer, key: KeyObject): Buffer {
    const der = Buffer.from(decodeBody(parseEntity(signedEntity)));
    for (const si of parseSignedData(der).signerInfos) {
      if (si.signatureAlgorithm !== O.id_RSASSA_PSS) continue;
      const hash = digestNameOf(si.digestAlgorithm);
      if (hash === 'sha1') throw new Error(`vector ${this.id}: PSS with SHA-1`);
      const signed = Buffer.from(si.signedAttrsRaw!);
      signed[0] = 0x31; // RFC 5652 5.4: the signature is over the SET OF encoding
      const sig = signPssWithSalt(hash, key, signed, this.rng.bytes(createHashLength(hash)));
      const at = der.indexOf(si.signature);
      sig.copy(der, at);
    }
    return buildPkcs7MimeEntity(der, 'signed-data');
  }

  empty(inner: Buffer): Buffer {
    return emptySignatureLayer(inner);
  }

  enveloped(inner: Buffer, recipients: Array<string | RecipientInput>, opts: { cipher?: EnvelopeCipher; originator?: string } = {}): Buffer {
    return envelopeLayer(inner, {
      recipients: recipients.map((r) => (typeof r === 'string' ? { certDer: this.cert(r) } : r)),
      cipher: opts.cipher ?? 'aes-256-cbc',
      rng: this.rng,
      ...(opts.originator ? { originatorCertificates: [this.cert(opts.originator)] } : {}),
    });
  }

  /** Put the RFC 5322 header fields on the outermost entity. */
  message(entity: Buffer, headers: Array<[string, string]> = this.headers()): Buffer {
    return Buffer.concat([Buffer.from(headers.map(([n, v]) => `${n}: ${v}\r\n`).join(''), 'utf8'), entity]);
  }

  /** The originator's signature S1 by alice@example.test around the content. */
  originatorSigned(content: Buffer = this.content): Buffer {
    return this.signed(content, ['example.test/user-alice']);
  }
}

function createHashLength(h: 'sha256' | 'sha384' | 'sha512'): number {
  return { sha256: 32, sha384: 48, sha512: 64 }[h];
}
