import { lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { readBounded } from '../bounded-read.js';
import { MAX_CONFIG_FILE_BYTES, MAX_CREDENTIAL_FILE_BYTES } from '../limits.js';
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
  /**
   * Files an earlier `domsec pki` wrote in this folder that this PKI does not (another domain): kept, since
   * the tool deletes nothing, and listed so that a later run may still replace them (issue 12, item 7).
   */
  retainedFiles?: string[];
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

/** Relative paths of every file writeTestPki writes for `pki`, pki.json last. */
function pkiFiles(pki: TestPki, retainedFiles: string[] = []): Array<{ rel: string; data: string; key: boolean }> {
  const files = Object.values(pki.entries).flatMap((e) => {
    const p = relPaths(e);
    return [{ rel: p.cert, data: e.certPem, key: false }, { rel: p.key, data: e.keyPem, key: true }];
  });
  const manifest: PkiManifest = { ...pkiManifest(pki), ...(retainedFiles.length ? { retainedFiles } : {}) };
  return [...files, { rel: 'pki.json', data: `${JSON.stringify(manifest, null, 2)}\n`, key: false }];
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DomsecError('WRITE_FAILED', `cannot write test PKI: ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/**
 * The files an earlier `domsec pki` wrote in `dir`, by its pki.json (paths relative to dir, pki.json
 * included); undefined when dir holds no readable pki.json of this format: then it is not a test PKI.
 */
function earlierPkiFiles(dir: string): Set<string> | undefined {
  let m: PkiManifest;
  try {
    m = JSON.parse(readBounded(join(dir, 'pki.json'), MAX_CONFIG_FILE_BYTES, 'manifest', 'MAX_CONFIG_FILE_BYTES').bytes.toString('utf8')) as PkiManifest;
  } catch {
    return undefined;
  }
  if (m?.format !== PKI_MANIFEST_FORMAT || !Array.isArray(m.entries)) return undefined;
  const owned = new Set(['pki.json']);
  for (const e of m.entries) for (const rel of [e?.cert, e?.key]) if (typeof rel === 'string') owned.add(normalize(rel));
  for (const rel of Array.isArray(m.retainedFiles) ? m.retainedFiles : []) if (typeof rel === 'string') owned.add(normalize(rel));
  return owned;
}

/**
 * What is at outDir, checked before a PKI is generated (`domsec pki` spends seconds on keys first otherwise):
 * nothing, an empty folder, or an earlier test PKI and the files it lists; anything else is OUTPUT_EXISTS.
 */
export async function checkTestPkiTarget(outDir: string): Promise<void> {
  await pkiTarget(outDir);
}

async function pkiTarget(outDir: string): Promise<{ existing: boolean; owned?: Set<string> }> {
  const target = resolve(outDir);
  const link = await lstatOrUndefined(target);
  // A symbolic link to a folder counts as that folder; a dangling one is refused as "not a folder".
  const st = link?.isSymbolicLink() ? await stat(target).catch(() => link) : link;
  if (!st) return { existing: false };
  if (!st.isDirectory()) throw new DomsecError('OUTPUT_EXISTS', `${outDir} exists and is not a folder`);
  const entries = await readdir(target);
  const owned = entries.length === 0 ? new Set<string>() : earlierPkiFiles(target);
  if (!owned) {
    throw new DomsecError('OUTPUT_EXISTS', `${outDir} is not empty and is not a test PKI (no pki.json of format ${PKI_MANIFEST_FORMAT}); give a new or empty folder`);
  }
  return { existing: true, owned };
}

/**
 * Write the PKI as outDir/ca.crt, outDir/<domain>/<name>.crt and .key (PKCS#8, mode 0600) and pki.json.
 *
 * Never deletes or overwrites a file the tool did not write (issue 12, item 7: `--out .` used to erase the
 * current folder): outDir must be new, empty, or an earlier test PKI (its pki.json, format
 * domsec-test-pki/1); in an earlier PKI only the files its pki.json lists are replaced, and a file at a
 * path the new PKI writes that the old pki.json does not list is refused (OUTPUT_EXISTS) before anything is
 * written. Nothing is deleted: files of the earlier PKI that the new one does not write stay.
 *
 * Every file is written into a temp folder first, so a failure while writing leaves nothing; a new outDir
 * is then one rename, an existing one gets each file by rename (pki.json last, so it never lists a file
 * that is not there yet).
 */
export async function writeTestPki(pki: TestPki, outDir: string): Promise<void> {
  const target = resolve(outDir);
  let files = pkiFiles(pki);
  const { existing, owned } = await pkiTarget(outDir);
  if (existing && owned) {
    // Refuse before writing anything: every path written must be free, or a file the earlier PKI wrote.
    const folders = new Set(files.map((f) => dirname(f.rel)).filter((d) => d !== '.'));
    for (const d of folders) {
      const st = await lstatOrUndefined(join(target, d));
      if (st && !st.isDirectory()) throw new DomsecError('OUTPUT_EXISTS', `${join(outDir, d)} exists and is not a folder; the test PKI writes a folder there`);
    }
    for (const f of files) {
      const st = await lstatOrUndefined(join(target, f.rel));
      if (!st) continue;
      if (!st.isFile()) throw new DomsecError('OUTPUT_EXISTS', `${join(outDir, f.rel)} exists and is not a regular file; the test PKI writes a file there`);
      if (!owned.has(normalize(f.rel))) throw new DomsecError('OUTPUT_EXISTS', `${join(outDir, f.rel)} exists and is not listed in ${join(outDir, 'pki.json')}; it is not the tool's to replace`);
    }
    // Earlier files this PKI does not write stay (nothing is deleted) and stay the tool's.
    const written = new Set(files.map((f) => normalize(f.rel)));
    const retained: string[] = [];
    for (const rel of [...owned].sort()) {
      if (written.has(rel) || rel.startsWith('..') || isAbsolute(rel)) continue;
      if ((await lstatOrUndefined(join(target, rel)))?.isFile()) retained.push(rel);
    }
    files = pkiFiles(pki, retained);
  } else {
    await mkdir(dirname(target), { recursive: true }).catch((e: unknown) => {
      throw new DomsecError('WRITE_FAILED', `cannot create the folder of ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    });
  }
  // The temp folder sits beside a new outDir (renamed into place whole) or inside an existing one (same file system for each rename).
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = existing ? join(target, `.pki.tmp-${tag}`) : join(dirname(target), `.${basename(target)}.tmp-${tag}`);
  try {
    await mkdir(tmp, { mode: 0o700 });
    for (const f of files) {
      await mkdir(dirname(join(tmp, f.rel)), { recursive: true });
      if (f.key) await writePrivateKeyFile(join(tmp, f.rel), f.data);
      else await writeFile(join(tmp, f.rel), f.data, { flag: 'wx' });
    }
    if (!existing) {
      await rename(tmp, target);
      return;
    }
    for (const f of files) {
      await mkdir(dirname(join(target, f.rel)), { recursive: true });
      await rename(join(tmp, f.rel), join(target, f.rel));
    }
  } catch (e) {
    throw new DomsecError('WRITE_FAILED', `cannot write test PKI under ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  } finally {
    // Only the temp folder this call made (emptied by the renames when they succeeded).
    await rm(tmp, { recursive: true, force: true });
  }
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
    // Bounded while reading (issue 12, item 9): a manifest naming /dev/zero-like files stops at the limit.
    return rel === 'pki.json'
      ? readBounded(p, MAX_CONFIG_FILE_BYTES, 'PKI manifest', 'MAX_CONFIG_FILE_BYTES').bytes
      : readBounded(p, MAX_CREDENTIAL_FILE_BYTES, 'PKI file', 'MAX_CREDENTIAL_FILE_BYTES').bytes;
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
