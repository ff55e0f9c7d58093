/**
 * What a client case builds its input with: the suite's PKI, the client user's domain (local) and the
 * other domain of the PKI (remote, where the correspondents and their DCA live), the content, and layer
 * builders. The client is a user of the local domain: bob (RSA) or carol (EC, for key agreement).
 */
import type { KeyObject } from 'node:crypto';
import type { TestPki, PkiEntry } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { parseCertificate } from '../x509/certificate.js';
import { domainSignerInputs, envelopeLayer, signedLayer, type EnvelopeCipher } from '../message/build.js';
import type { RecipientInput } from '../cms/recipient-info.js';

export class ClientCaseContext {
  constructor(
    readonly pki: TestPki,
    /** The client user's domain. */
    readonly local: string,
    /** The correspondents' domain: their end-user certificates, their DCA and their domain signer. */
    readonly remote: string,
    /** This case's Message-ID (unique per run, for the evidence). */
    readonly messageId: string,
    readonly time: Date,
    readonly content: Buffer,
  ) {}

  entry(name: string): PkiEntry {
    const e = this.pki.entries[name];
    if (!e) throw new Error(`PKI entry ${name} is missing`);
    return e;
  }
  cert(name: string): Buffer {
    return this.entry(name).certDer;
  }
  key(name: string): { certDer: Buffer; key: KeyObject } {
    const e = this.entry(name);
    return { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
  }
  /** The RFC 822 address a user's certificate names (its SubjectAltName rfc822Name), e.g. bob@example.org. */
  address(name: string): string {
    const email = parseCertificate(this.cert(name)).sanEmails[0];
    if (!email) throw new Error(`PKI entry ${name} names no e-mail address`);
    return email;
  }

  /** An RFC 5322 message around a MIME entity: the entity's Content-* fields are its own, the rest are the message's. */
  message(entity: Buffer, from: string, to: string): Buffer {
    const fields: Array<[string, string]> = [['From', from], ['To', to], ['Subject', `DOMSEC client conformance case ${this.messageId}`], ['Message-ID', this.messageId], ['Date', 'Sun, 01 Mar 2026 12:00:00 +0000']];
    const head = fields.map(([n, v]) => `${n}: ${v}\r\n`).join('');
    // The content is a bare MIME entity; an RFC 5322 message that is MIME says so (RFC 2045 4).
    const mimeVersion = entity.subarray(0, 13).toString('latin1').toLowerCase() === 'mime-version:' ? '' : 'MIME-Version: 1.0\r\n';
    return Buffer.concat([Buffer.from(head + mimeVersion, 'utf8'), entity]);
  }
  /** An originator signature (no SignatureType: draft 3.1.1, the originator's). */
  signed(inner: Buffer, signer: string): Buffer {
    return signedLayer(inner, { signers: [this.key(signer)], signingTime: this.time });
  }
  /** A domain signature (SignatureType id-sti-domainSig, N1) by the named domain signer. */
  domainSigned(inner: Buffer, signer: string): Buffer {
    return signedLayer(inner, { signers: domainSignerInputs([this.key(signer)]), signingTime: this.time });
  }
  /** An envelopedData (authEnvelopedData for an AEAD cipher); `originator`: the encrypting DCA's certificate in originatorInfo (N13). */
  enveloped(inner: Buffer, recipients: Array<string | RecipientInput>, opts: { originator?: string; cipher?: EnvelopeCipher } = {}): Buffer {
    return envelopeLayer(inner, {
      recipients: recipients.map((r) => (typeof r === 'string' ? { certDer: this.cert(r) } : r)),
      ...(opts.originator ? { originatorCertificates: [this.cert(opts.originator)] } : {}),
      ...(opts.cipher ? { cipher: opts.cipher } : {}),
    });
  }
}
