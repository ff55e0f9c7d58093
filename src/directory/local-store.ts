/**
 * The local certificate store (draft 4.1: "an implementation may choose to access a local certificate
 * store"): a folder of certificate files, or one PEM bundle. The default lookup: it needs no server.
 *
 * How a store finds candidates for a request:
 *  - by name (all certificates): purpose 'dca', every certificate whose smtp:// URI or dNSName is the
 *    recipient's domain or an ascendant (the naming convention itself is the index); purpose 'recipient',
 *    every certificate with an rfc822Name equal to the address;
 *  - by file name (folders only), the local form of the two directory methods: a file named after the
 *    address (`bob@example.org.pem`: method 1, the certificate kept for that recipient) or after the
 *    recipient's domain or an ascendant (`example.org.crt`: method 2, the DCA kept for that domain).
 *    Whatever such a file holds is a candidate, so a wrong or broken file is refused with its reasons
 *    rather than silently ignored.
 * Files are read once, when the store is opened. Certificate files are *.pem, *.crt, *.cer and *.der
 * (anything else, e.g. *.key, is ignored); sub-folders are read too (a PKI written by `domsec pki`
 * works as is), symbolic links to folders are not followed. A certificate file that does not decode and
 * is not named after an address or domain is listed in `skipped`.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { DomsecError } from '../errors.js';
import { readBounded as readBoundedSync } from '../bounded-read.js';
import { decodePemBlocks, looksLikePem } from '../x509/pem.js';
import { parseCertificate, parseCertificates, type CertInfo } from '../x509/certificate.js';
import { domainsForRole, isEqualOrAscendant, normalizeDomain } from '../domsec/naming.js';
import { dcaDomainsFor, decide, lookupTarget, preparePolicy, type AcceptancePolicy, type Candidate, type CertificateLookup, type LookupRequest, type LookupResult, type MethodOutcome } from './lookup.js';

const CERT_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der']);
/** Bounds on what opening a folder reads: a store is a handful to a few thousand certificates. */
export const LOCAL_STORE_MAX_FILES = 10_000;
export const LOCAL_STORE_MAX_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 4;

interface StoredValue {
  value: Buffer;
  origin: string;
  /** Decoded certificate, when the value decodes. */
  cert?: CertInfo;
}

export interface LocalStoreOptions extends AcceptancePolicy {}

export class LocalCertificateStore implements CertificateLookup {
  readonly description: string;
  /** Files (or PEM blocks) that did not decode and are not keyed by name, with why. */
  readonly skipped: Array<{ origin: string; detail: string }>;
  private readonly all: StoredValue[];
  private readonly byKey: Map<string, StoredValue[]>;
  private readonly policy: AcceptancePolicy;

  private constructor(description: string, all: StoredValue[], byKey: Map<string, StoredValue[]>, skipped: Array<{ origin: string; detail: string }>, policy: AcceptancePolicy) {
    this.description = description;
    this.all = all;
    this.byKey = byKey;
    this.skipped = skipped;
    this.policy = { ...(policy.trustAnchors ? { trustAnchors: policy.trustAnchors } : {}), ...(policy.intermediates ? { intermediates: policy.intermediates } : {}) };
    preparePolicy(this.policy);
  }

  /** Open a folder or a PEM/DER bundle file. FILE_UNREADABLE when the path cannot be read. */
  static async open(path: string, opts: LocalStoreOptions = {}): Promise<LocalCertificateStore> {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      throw new DomsecError('FILE_UNREADABLE', `certificate store ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
    }
    const all: StoredValue[] = [];
    const byKey = new Map<string, StoredValue[]>();
    const skipped: Array<{ origin: string; detail: string }> = [];
    if (st.isDirectory()) {
      const files = await listCertificateFiles(path);
      for (const f of files) {
        const origin = relative(path, f) || basename(f);
        const buf = await readBounded(f);
        const key = fileKey(f);
        const values = splitValues(buf, origin, skipped, key !== undefined);
        all.push(...values.filter((v) => v.cert));
        if (key) byKey.set(key, [...(byKey.get(key) ?? []), ...values]);
      }
      return new LocalCertificateStore(`local store ${path} (${all.length} certificate(s))`, all, byKey, skipped, opts);
    }
    const values = splitValues(await readBounded(path), basename(path), skipped, false);
    if (values.length === 0) throw new DomsecError('MALFORMED_CERTIFICATE', `certificate store ${path}: no certificate in the file`);
    return new LocalCertificateStore(`local store ${path} (${values.length} certificate(s))`, values, byKey, skipped, opts);
  }

  /** A store over certificates held in memory (DER or PEM each), e.g. from a test PKI. */
  static fromCertificates(certs: Array<Buffer | string>, label = 'memory', opts: LocalStoreOptions = {}): LocalCertificateStore {
    const skipped: Array<{ origin: string; detail: string }> = [];
    const all = certs.flatMap((c, i) => splitValues(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, `${label}[${i}]`, skipped, false));
    return new LocalCertificateStore(`local store ${label} (${all.length} certificate(s))`, all, new Map(), skipped, opts);
  }

  async lookup(request: LookupRequest): Promise<LookupResult> {
    const target = lookupTarget(request);
    const outcomes: MethodOutcome[] = [];
    // File names first (the administrator's explicit statement), then the naming index.
    const keys = [...(target.address ? [target.address.toLowerCase()] : []), ...(target.purpose === 'dca' ? dcaDomainsFor(target.domain) : [])];
    const keyed: Candidate[] = [];
    for (const k of keys) {
      for (const v of this.byKey.get(k) ?? []) keyed.push({ method: 'store-file', origin: v.origin, value: v.value });
    }
    if (keyed.length > 0) outcomes.push({ kind: 'candidates', method: 'store-file', candidates: keyed });
    const named: Candidate[] = [];
    for (const v of this.all) {
      const c = v.cert!;
      const match =
        target.purpose === 'dca'
          ? domainsForRole(c, 'mta').some((d) => isEqualOrAscendant(d, target.domain))
          : c.sanEmails.some((e) => e.toLowerCase() === target.address!.toLowerCase());
      if (match) named.push({ method: 'store-name', origin: v.origin, value: v.value });
    }
    outcomes.push(
      named.length > 0
        ? { kind: 'candidates', method: 'store-name', candidates: named }
        : { kind: 'none', method: 'store-name', detail: target.purpose === 'dca' ? `no certificate names smtp://${target.domain} or an ascendant` : `no certificate names ${target.address}` },
    );
    return decide(target, this.description, outcomes, this.policy);
  }

  async close(): Promise<void> {}
}

/** `bob@example.org.pem` -> "bob@example.org"; `example.org.crt` -> "example.org"; others undefined. */
function fileKey(path: string): string | undefined {
  const stem = basename(path, extname(path)).toLowerCase();
  const at = stem.lastIndexOf('@');
  if (at > 0) {
    const d = normalizeDomain(stem.slice(at + 1));
    return d ? `${stem.slice(0, at)}@${d}` : undefined;
  }
  const d = normalizeDomain(stem);
  return d && d.includes('.') ? d : undefined;
}

/** The size is checked while reading (src/bounded-read.ts): a device or FIFO named FILE.pem reports size 0 (issue 12, item 9). */
async function readBounded(path: string): Promise<Buffer> {
  return readBoundedSync(path, LOCAL_STORE_MAX_FILE_BYTES, 'certificate file', 'LOCAL_STORE_MAX_FILE_BYTES').bytes;
}

async function listCertificateFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let ents;
    try {
      ents = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new DomsecError('FILE_UNREADABLE', `cannot read certificate folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of ents) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(p, depth + 1);
      } else if ((e.isFile() || e.isSymbolicLink()) && CERT_EXTENSIONS.has(extname(e.name).toLowerCase())) {
        out.push(p);
        if (out.length > LOCAL_STORE_MAX_FILES) throw new DomsecError('LIMIT_EXCEEDED', `certificate folder ${root} holds more than ${LOCAL_STORE_MAX_FILES} certificate files`);
      }
    }
  };
  await walk(root, 0);
  return out;
}

/**
 * The certificates of one file: each PEM CERTIFICATE block, or the whole file as DER. Values that do not
 * decode are kept (without `cert`) when `keep` is set (a file named after an address or domain: its
 * content is a candidate and gets refused with MALFORMED_CERTIFICATE), otherwise recorded in `skipped`.
 */
function splitValues(buf: Buffer, origin: string, skipped: Array<{ origin: string; detail: string }>, keep: boolean): StoredValue[] {
  const out: StoredValue[] = [];
  const add = (value: Buffer, o: string): void => {
    try {
      out.push({ value, origin: o, cert: parseCertificate(value) });
    } catch (e) {
      if (keep) out.push({ value, origin: o });
      else skipped.push({ origin: o, detail: (e as Error).message });
    }
  };
  if (looksLikePem(buf)) {
    let blocks;
    try {
      blocks = decodePemBlocks(buf.toString('latin1')).filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE');
    } catch (e) {
      if (keep) out.push({ value: buf, origin });
      else skipped.push({ origin, detail: `PEM does not decode: ${(e as Error).message}` });
      return out;
    }
    if (blocks.length === 0) {
      if (keep) out.push({ value: buf, origin });
      else skipped.push({ origin, detail: 'no CERTIFICATE block' });
    }
    blocks.forEach((b, i) => add(b.der, blocks.length > 1 ? `${origin} #${i + 1}` : origin));
    return out;
  }
  let certs: CertInfo[];
  try {
    certs = parseCertificates(buf);
  } catch (e) {
    if (keep) out.push({ value: buf, origin });
    else skipped.push({ origin, detail: (e as Error).message });
    return out;
  }
  certs.forEach((c, i) => out.push({ value: c.der, origin: certs.length > 1 ? `${origin} #${i + 1}` : origin, cert: c }));
  return out;
}
