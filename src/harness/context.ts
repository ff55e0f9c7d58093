/**
 * What a case builds its message with: the suite's PKI, the gateway's domain (local) and the other
 * domain of the PKI (remote), this case's envelope recipient and Message-ID, and layer builders.
 */
import type { KeyObject } from 'node:crypto';
import type { TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer } from '../message/build.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import type { SignerInput } from '../cms/signed-data.js';

export class CaseContext {
  constructor(
    readonly pki: TestPki,
    /** The gateway's domain. */
    readonly local: string,
    /** The other domain: the outside world for the gateway. */
    readonly remote: string,
    /** This case's unique envelope recipient and Message-ID (correlation). */
    readonly rcpt: string,
    readonly messageId: string,
    readonly time: Date,
    readonly content: Buffer,
  ) {}

  has(name: string): boolean {
    return !!this.pki.entries[name];
  }
  cert(name: string): Buffer {
    const e = this.pki.entries[name];
    if (!e) throw new Error(`PKI entry ${name} is missing`);
    return e.certDer;
  }
  key(name: string): { certDer: Buffer; key: KeyObject } {
    const e = this.pki.entries[name];
    if (!e) throw new Error(`PKI entry ${name} is missing`);
    return { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
  }

  /** Header fields of a message from `from` (default: alice of the sending domain) to this case's recipient. */
  headers(from: string, to: string = this.rcpt): Array<[string, string]> {
    return [['From', from], ['To', to], ['Subject', `DOMSEC conformance case ${this.messageId}`], ['Message-ID', this.messageId], ['Date', 'Sun, 01 Mar 2026 12:00:00 +0000']];
  }
  message(entity: Buffer, from: string): Buffer {
    return Buffer.concat([Buffer.from(this.headers(from).map(([n, v]) => `${n}: ${v}\r\n`).join(''), 'utf8'), entity]);
  }
  signed(inner: Buffer, signers: Array<string | SignerInput>, extra: { signedAttributes?: Buffer[]; unsignedAttributes?: Buffer[] } = {}): Buffer {
    return signedLayer(inner, { signers: signers.map((s) => (typeof s === 'string' ? { ...this.key(s), ...extra } : s)), signingTime: this.time });
  }
  domainSigned(inner: Buffer, signers: string[]): Buffer {
    return signedLayer(inner, { signers: domainSignerInputs(signers.map((s) => this.key(s))), signingTime: this.time });
  }
  empty(inner: Buffer): Buffer {
    return emptySignatureLayer(inner);
  }
  enveloped(inner: Buffer, recipients: Array<string | RecipientInput>, originator?: string): Buffer {
    return envelopeLayer(inner, { recipients: recipients.map((r) => (typeof r === 'string' ? { certDer: this.cert(r) } : r)), ...(originator ? { originatorCertificates: [this.cert(originator)] } : {}) });
  }
}
