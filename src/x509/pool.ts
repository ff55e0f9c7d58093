import { MAX_CERTIFICATES_PER_MESSAGE } from '../limits.js';
import { parseCertificate, type CertInfo } from './certificate.js';
import { tbsNames, type TbsNames } from './tbs-names.js';

/**
 * The certificates of one message, each parsed once (issue 12, item 6). The module-wide parse cache of
 * ./certificate.ts is bounded (PARSED_CERTIFICATE_CACHE_ENTRIES) and a hostile message can carry more
 * certificates than it holds, so that every signer re-parsed every certificate; here a message pays one
 * parse per distinct certificate, and no more than MAX_CERTIFICATES_PER_MESSAGE of them are read.
 * A certificate that does not parse is remembered as such (undefined), so it is not tried again.
 * Admitted certificates are indexed by their subject name (read without decoding, ./tbs-names.ts), so
 * that path building parses only those with the name it looks for.
 */
export class CertificatePool {
  private readonly parsed = new Map<string, CertInfo | undefined>();
  private readonly admittedKeys = new Set<string>();
  private readonly names = new Map<string, TbsNames | undefined>();
  private readonly bySubject = new Map<string, Buffer[]>();
  /** Some certificate was left out because MAX_CERTIFICATES_PER_MESSAGE was reached. */
  overflowed = false;

  constructor(readonly limit: number = MAX_CERTIFICATES_PER_MESSAGE) {}

  /** Distinct certificates the message carries that were admitted. */
  get size(): number {
    return this.admittedKeys.size;
  }

  /**
   * The message's own certificates, up to the limit: returns those admitted (the same Buffers, so that
   * CMS-level lookups keep their identity caches). Certificates seen before are admitted again for free.
   */
  admit(ders: readonly Buffer[]): Buffer[] {
    const out: Buffer[] = [];
    for (const der of ders) {
      const k = der.toString('latin1');
      if (!this.admittedKeys.has(k)) {
        if (this.admittedKeys.size >= this.limit) {
          this.overflowed = true;
          continue;
        }
        this.admittedKeys.add(k);
        const n = this.namesOf(der);
        if (n) {
          const sk = n.subjectDer.toString('latin1');
          const list = this.bySubject.get(sk) ?? [];
          list.push(der);
          this.bySubject.set(sk, list);
        }
      }
      out.push(der);
    }
    return out;
  }

  /** Issuer, serial and subject of a certificate, read without decoding it (undefined: does not walk). */
  namesOf(der: Buffer): TbsNames | undefined {
    const k = der.toString('latin1');
    if (!this.names.has(k)) this.names.set(k, tbsNames(der));
    return this.names.get(k);
  }

  /** Admitted certificates whose subject is `nameDer` (exact bytes), each parsed when reached; those that do not parse left out. */
  *issuersNamed(nameDer: Buffer): Generator<CertInfo> {
    for (const der of this.bySubject.get(nameDer.toString('latin1')) ?? []) {
      const c = this.parse(der);
      if (c) yield c;
    }
  }

  /** The parsed certificate, or undefined when it does not parse (each DER parsed at most once). */
  parse(der: Buffer): CertInfo | undefined {
    const k = der.toString('latin1');
    if (this.parsed.has(k)) return this.parsed.get(k);
    let info: CertInfo | undefined;
    try {
      info = parseCertificate(der);
    } catch {
      info = undefined;
    }
    this.parsed.set(k, info);
    return info;
  }

  /** Parsed forms of the given certificates, those that do not parse left out. */
  parseAll(ders: readonly Buffer[]): CertInfo[] {
    const out: CertInfo[] = [];
    for (const d of ders) {
      const c = this.parse(d);
      if (c && !out.includes(c)) out.push(c);
    }
    return out;
  }
}
