import { mkdir, readFile, rename, rm, writeFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { DomsecError } from '../errors.js';
import { REASONS } from '../domsec/reasons.js';
import { parseCertificate, type CertInfo, type KeyUsageFlags } from '../x509/certificate.js';
import { keyMatchesCertificate, loadPrivateKey, writePrivateKeyFile } from '../x509/keys.js';
import type { PkiAlgorithm, PkiBreaks, PkiEntry, PkiRole, TestPki } from './generate.js';

/** Format tag of pki.json; bump when the manifest changes incompatibly. */
export const PKI_MANIFEST_FORMAT = 'domsec-test-pki/1';

export interface PkiManifestEntry {
  name: string;
  shortName: string;
  domain?: string;
  role: PkiRole;
  algorithm: PkiAlgorithm;
  /** Paths relative to the PKI directory. */
  cert: string;
  key: string;
  subject: string;
  issuer: string;
  serialNumberHex: string;
  notBefore: string;
  notAfter: string;
  sans: { uris: string[]; dnsNames: string[]; emails: string[] };
  /** Names of the keyUsage bits set; null when the extension is absent. */
  keyUsage: string[] | null;
  breaks?: PkiBreaks;
}

export interface PkiManifest {
  format: typeof PKI_MANIFEST_FORMAT;
  now: string;
  domains: string[];
  ca: string;
  untrustedCa: string;
  /** Paths of trust-anchor certificates (the untrusted CA is deliberately absent). */
  trustAnchors: string[];
  entries: PkiManifestEntry[];
}

function relPaths(e: PkiEntry): { cert: string; key: string } {
  const base = e.domain ? `${e.domain}/${e.shortName}` : e.shortName;
  return { cert: `${base}.crt`, key: `${base}.key` };
}

function keyUsageNames(ku: KeyUsageFlags | undefined): string[] | null {
  if (!ku) return null;
  return Object.entries(ku).filter(([, v]) => v).map(([k]) => k);
}

export function pkiManifest(pki: TestPki): PkiManifest {
  const entries = Object.values(pki.entries).map((e): PkiManifestEntry => {
    const c: CertInfo = parseCertificate(e.certDer);
    const m: PkiManifestEntry = {
      name: e.name,
      shortName: e.shortName,
      role: e.role,
      algorithm: e.algorithm,
      ...relPaths(e),
      subject: c.subject,
      issuer: c.issuer,
      serialNumberHex: c.serialNumberHex,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      sans: { uris: c.sanUris, dnsNames: c.sanDnsNames, emails: c.sanEmails },
      keyUsage: keyUsageNames(c.keyUsage),
    };
    if (e.domain) m.domain = e.domain;
    if (e.breaks) m.breaks = e.breaks;
    return m;
  });
  return {
    format: PKI_MANIFEST_FORMAT,
    now: pki.now.toISOString(),
    domains: pki.domains,
    ca: pki.ca.name,
    untrustedCa: pki.untrustedCa.name,
    trustAnchors: [relPaths(pki.ca).cert],
    entries,
  };
}

/**
 * Write the PKI as outDir/ca.crt, outDir/<domain>/<name>.crt and .key (PKCS#8, mode 0600) and pki.json.
 * Everything goes into a sibling temp directory first, then is renamed into place, so a failure leaves
 * no half-written PKI. An existing outDir is moved aside and removed only after the new one is in place
 * (two renames: a crash between them leaves the old PKI under "<outDir>.old-*", never a mixed one).
 */
export async function writeTestPki(pki: TestPki, outDir: string): Promise<void> {
  const target = resolve(outDir);
  await mkdir(dirname(target), { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${tag}`);
  try {
    await mkdir(tmp, { mode: 0o700 });
    for (const e of Object.values(pki.entries)) {
      const p = relPaths(e);
      await mkdir(dirname(join(tmp, p.cert)), { recursive: true });
      await writeFile(join(tmp, p.cert), e.certPem);
      await writePrivateKeyFile(join(tmp, p.key), e.keyPem);
    }
    await writeFile(join(tmp, 'pki.json'), `${JSON.stringify(pkiManifest(pki), null, 2)}\n`);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new DomsecError('WRITE_FAILED', `cannot write test PKI under ${outDir}: ${(e as Error).message}`, { cause: e });
  }
  const exists = await stat(target).then(() => true, () => false);
  const old = `${target}.old-${tag}`;
  if (exists) await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (e) {
    if (exists) await rename(old, target);
    await rm(tmp, { recursive: true, force: true });
    throw new DomsecError('WRITE_FAILED', `cannot move test PKI into ${outDir}: ${(e as Error).message}`, { cause: e });
  }
  if (exists) await rm(old, { recursive: true, force: true });
}

const ROLES: readonly string[] = ['ca', 'signer', 'dca', 'user'];
const ALGS: readonly string[] = ['rsa-2048', 'ec-p256', 'ec-p384', 'ed25519'];

function manifestError(dir: string, msg: string): DomsecError {
  return new DomsecError('BAD_ARGUMENT', `${join(dir, 'pki.json')}: ${msg}`);
}

/** Read a PKI written by writeTestPki. Every key is checked against its certificate (KEY_MISMATCH otherwise). */
export async function loadTestPki(dir: string): Promise<TestPki> {
  const root = resolve(dir);
  const read = async (rel: string): Promise<Buffer> => {
    const p = resolve(root, rel);
    // Manifest paths stay inside the directory: pki.json may come from elsewhere (a shared vector set).
    if (!p.startsWith(root + sep)) throw manifestError(dir, `path "${rel}" leaves the PKI directory`);
    try {
      return await readFile(p);
    } catch (e) {
      throw new DomsecError('FILE_UNREADABLE', `${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
  };
  let m: PkiManifest;
  try {
    m = JSON.parse((await read('pki.json')).toString('utf8')) as PkiManifest;
  } catch (e) {
    if (e instanceof DomsecError) throw e;
    throw manifestError(dir, `not JSON: ${(e as Error).message}`);
  }
  if (m?.format !== PKI_MANIFEST_FORMAT) throw manifestError(dir, `format is not ${PKI_MANIFEST_FORMAT}`);
  if (!Array.isArray(m.entries) || !Array.isArray(m.trustAnchors) || !Array.isArray(m.domains)) throw manifestError(dir, 'entries, trustAnchors and domains must be arrays');
  const now = new Date(m.now);
  if (Number.isNaN(now.getTime())) throw manifestError(dir, '"now" is not a date');

  const entries: Record<string, PkiEntry> = {};
  for (const me of m.entries) {
    if (typeof me.name !== 'string' || !ROLES.includes(me.role) || !ALGS.includes(me.algorithm)) throw manifestError(dir, `bad entry ${JSON.stringify(me.name)}`);
    if (me.breaks && !(me.breaks.reason in REASONS)) throw manifestError(dir, `entry ${me.name}: unknown reason ${me.breaks.reason}`);
    const certBuf = await read(me.cert);
    const cert = parseCertificate(certBuf);
    const keyPem = (await read(me.key)).toString('utf8');
    if (!keyMatchesCertificate(loadPrivateKey(keyPem), cert)) {
      throw new DomsecError('KEY_MISMATCH', `${me.key} is not the key of ${me.cert}`);
    }
    const e: PkiEntry = {
      name: me.name,
      shortName: me.shortName,
      role: me.role,
      algorithm: me.algorithm,
      certPem: certBuf.toString('utf8'),
      certDer: cert.der,
      keyPem,
    };
    if (me.domain) e.domain = me.domain;
    if (me.breaks) e.breaks = me.breaks;
    entries[me.name] = e;
  }
  const ca = entries[m.ca];
  const untrustedCa = entries[m.untrustedCa];
  if (!ca || !untrustedCa) throw manifestError(dir, 'ca / untrustedCa name no entry');
  const trustAnchors = await Promise.all(m.trustAnchors.map(async (p) => (await read(p)).toString('utf8')));
  return { now, domains: m.domains, ca, untrustedCa, entries, trustAnchors };
}
