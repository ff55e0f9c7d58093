/**
 * What a case builds its message with: the suite's PKI, the gateway's domain (local) and the other
 * domain of the PKI (remote), this case's envelope recipient and Message-ID, and layer builders.
 */
import type { KeyObject } from 'node:crypto';
import type { TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { certToPem } from '../x509/certificate.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer } from '../message/build.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import type { SignerInput } from '../cms/signed-data.js';

/**
 * Thrown by a case's builder when the case cannot be built for this profile (e.g. it needs the suite's
 * private key for a certificate the gateway replaced with its own): the case is SKIPPED with this reason.
 */
export class CaseNotApplicable extends Error {}

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
    /** PKI entry name -> the gateway's own certificate that replaces it (profile `certificates`). */
    readonly replaced: ReadonlyMap<string, Buffer> = new Map(),
  ) {}

  /**
   * The PKI as the cases see it: replaced entries carry the gateway's certificate, and reading their
   * private key throws CaseNotApplicable (the suite has no key for the gateway's own certificate). For
   * builders that take a whole PKI, such as the receiving vectors' (src/vectors/context.ts).
   */
  get casePki(): TestPki {
    if (this.replaced.size === 0) return this.pki;
    const entries = { ...this.pki.entries };
    for (const [name, der] of this.replaced) {
      const e = entries[name];
      if (!e) continue;
      const own = { ...e, certDer: der, certPem: certToPem(der) };
      Object.defineProperty(own, 'keyPem', {
        get: () => {
          throw new CaseNotApplicable(`needs the private key of ${name}, which the gateway replaced with its own certificate (profile certificates)`);
        },
      });
      entries[name] = own;
    }
    return { ...this.pki, entries };
  }

  has(name: string): boolean {
    return !!this.pki.entries[name];
  }
  cert(name: string): Buffer {
    const own = this.replaced.get(name);
    if (own) return own;
    const e = this.pki.entries[name];
    if (!e) throw new Error(`PKI entry ${name} is missing`);
    return e.certDer;
  }
  key(name: string): { certDer: Buffer; key: KeyObject } {
    if (this.replaced.has(name)) throw new CaseNotApplicable(`needs the private key of ${name}, which the gateway replaced with its own certificate (profile certificates)`);
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
