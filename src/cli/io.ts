/**
 * File input and output for the CLI: typed errors for unreadable files, every read bounded while reading
 * (src/bounded-read.ts), certificates and keys checked against each other, and one output policy for
 * every command that writes a file (issue 12, item 8): an existing file is refused unless --force, an input
 * is never written over, and an output is written atomically (temp file + rename), so a failure never
 * leaves a half-written file.
 */
import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import { DomsecError } from '../errors.js';
import { readBounded } from '../bounded-read.js';
import { MAX_CREDENTIAL_FILE_BYTES, MAX_MESSAGE_BYTES } from '../limits.js';
import { parseCertificate, parseCertificates } from '../x509/certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from '../x509/keys.js';

/**
 * Every file this process read as an input (device and inode), so that no output is written over one:
 * not under another name (a hard link, a symbolic link, ./x vs x), and not with --force (issue 12, item 8).
 */
const inputsRead = new Map<string, string>();
const inodeKey = (s: Stats): string => `${s.dev}:${s.ino}`;

/** A message (or `-`, standard input), at most MAX_MESSAGE_BYTES, counted while reading (issue 12, item 9). */
export function readInput(path: string, what = 'input'): Buffer {
  return readTracked(path, what, MAX_MESSAGE_BYTES, 'MAX_MESSAGE_BYTES');
}

/** A certificate, key or PEM bundle: at most MAX_CREDENTIAL_FILE_BYTES. */
export function readCredential(path: string, what: string): Buffer {
  return readTracked(path, what, MAX_CREDENTIAL_FILE_BYTES, 'MAX_CREDENTIAL_FILE_BYTES');
}

function readTracked(path: string, what: string, max: number, limitName: string): Buffer {
  const { bytes, stats } = readBounded(path, max, what, limitName);
  if (stats.isFile()) inputsRead.set(inodeKey(stats), path === '-' ? 'standard input' : path);
  return bytes;
}

/**
 * What happens to an existing output file, one policy for every command that writes a file (README
 * "Output files"): an existing file is refused (OUTPUT_EXISTS) unless `force`, and then replaced as a
 * whole; a file the command read as input is never written over (OUTPUT_IS_INPUT), even with `force`.
 */
export interface OutputOptions {
  /** Replace an existing file (--force). */
  force?: boolean;
  /** Permission bits of a new file: 0o600 for decrypted content and keys (never loosened by a replaced file's bits). */
  mode?: number;
  /** Input paths to compare with before any of them is read (they are compared again when writing). */
  inputs?: readonly string[];
  /** For messages: "--out", "--html". */
  option?: string;
}

type OutputTarget =
  | { kind: 'stdout' }
  | { kind: 'new'; path: string }
  /** An existing regular file, replaced through a temp file in its folder (symbolic links followed). */
  | { kind: 'file'; path: string; stats: Stats }
  /** A character device or FIFO (/dev/null, a named pipe): written straight to, never renamed over. */
  | { kind: 'device'; path: string };

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Check an output path before any work is done: refuses (typed, one line) a folder, the input, and an
 * existing file without --force. Called again by writeOutput, when every input has been read.
 */
export function checkOutput(path: string | undefined, opts: OutputOptions = {}): OutputTarget {
  if (path === undefined || path === '-') return { kind: 'stdout' };
  const option = opts.option ?? '--out';
  if (path === '') throw new DomsecError('BAD_ARGUMENT', `${option} is empty`);
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new DomsecError('WRITE_FAILED', `cannot write ${path}: ${code ?? (e as Error).message}`);
    let folder: Stats | undefined;
    try {
      folder = statSync(dirname(path));
    } catch {
      folder = undefined;
    }
    if (!folder?.isDirectory()) throw new DomsecError('WRITE_FAILED', `cannot write ${path}: no such folder ${dirname(path)}`);
    return { kind: 'new', path };
  }
  let stats: Stats;
  try {
    stats = link.isSymbolicLink() ? statSync(path) : link;
  } catch {
    // A dangling symbolic link: replacing it replaces the link, not a file.
    if (!opts.force) throw new DomsecError('OUTPUT_EXISTS', `${option} ${path} exists (a symbolic link); give --force to replace it`);
    return { kind: 'file', path, stats: link };
  }
  if (stats.isDirectory()) throw new DomsecError('WRITE_FAILED', `cannot write ${path}: is a directory`);
  if (stats.isCharacterDevice() || stats.isFIFO()) return { kind: 'device', path };
  if (!stats.isFile()) throw new DomsecError('WRITE_FAILED', `cannot write ${path}: not a regular file`);
  const input = inputsRead.get(inodeKey(stats)) ?? (opts.inputs ?? []).find((p) => {
    try {
      return p !== '-' && sameFile(statSync(p), stats);
    } catch {
      return false;
    }
  });
  if (input !== undefined) throw new DomsecError('OUTPUT_IS_INPUT', `${option} ${path} is the input file ${input}; write the output to another file`);
  if (!opts.force) throw new DomsecError('OUTPUT_EXISTS', `${option} ${path} exists; give --force to replace it, or another file name`);
  return { kind: 'file', path: link.isSymbolicLink() ? realpathSync(path) : path, stats };
}

/**
 * Write `data` to `path` by the output policy above; `-` or undefined writes to standard output.
 * A file is written whole or not at all: a temp file in the same folder (mode `mode`, 0600 for secrets),
 * flushed, then linked in place (a new file: fails if one appeared meanwhile) or renamed over the old one.
 */
export function writeOutput(path: string | undefined, data: Buffer | string, opts: OutputOptions = {}): void {
  const target = checkOutput(path, opts);
  if (target.kind === 'stdout') {
    process.stdout.write(data);
    return;
  }
  if (target.kind === 'device') {
    writeStraight(target.path, data);
    return;
  }
  const mode = opts.mode ?? 0o644;
  const dest = target.path;
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    // A replaced file's stricter bits are kept (a 0600 file stays 0600); the umask has applied to `mode`.
    const created = fstatSync(fd).mode & 0o777;
    const bits = target.kind === 'file' ? created & target.stats.mode : created;
    if (bits !== created) fchmodSync(fd, bits);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (target.kind === 'new') placeNew(tmp, dest, opts.option ?? '--out');
    else renameSync(tmp, dest);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    if (e instanceof DomsecError) throw e;
    throw new DomsecError('WRITE_FAILED', `cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
/**
 * Put a finished temp file at `dest` only if nothing is there: link(2) fails with EEXIST instead of
 * replacing a file created since checkOutput. Where the file system has no hard links, rename after a check.
 */
function placeNew(tmp: string, dest: string, option: string): void {
  try {
    linkSync(tmp, dest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new DomsecError('OUTPUT_EXISTS', `${option} ${dest} appeared while writing; give --force to replace it`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw e;
    if (lstatExists(dest)) throw new DomsecError('OUTPUT_EXISTS', `${option} ${dest} appeared while writing; give --force to replace it`);
    renameSync(tmp, dest);
    return;
  }
  rmSync(tmp, { force: true });
}

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** A character device or FIFO: opened for writing as it is (renaming over /dev/null would replace the device). */
function writeStraight(path: string, data: Buffer | string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
  } catch (e) {
    throw new DomsecError('WRITE_FAILED', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Certificates from files (PEM bundles or DER), as DER. */
export function readCertificates(paths: string[], what = 'certificate'): Buffer[] {
  return paths.flatMap((p) => {
    const buf = readCredential(p, what);
    try {
      return parseCertificates(buf).map((c) => c.der);
    } catch (e) {
      throw new DomsecError('MALFORMED_CERTIFICATE', `${p}: ${(e as Error).message}`);
    }
  });
}

export interface KeyPair {
  certDer: Buffer;
  key: KeyObject;
}

/** A certificate and its private key; refuses a key that does not belong to the certificate. */
export function readKeyPair(certPath: string, keyPath: string): KeyPair {
  const certBuf = readCredential(certPath, 'certificate');
  let cert;
  try {
    cert = parseCertificate(certBuf);
  } catch (e) {
    throw new DomsecError('MALFORMED_CERTIFICATE', `${certPath}: ${(e as Error).message}`);
  }
  let key;
  try {
    key = loadPrivateKey(readCredential(keyPath, 'private key'));
  } catch (e) {
    if (e instanceof DomsecError && (e.code === 'FILE_UNREADABLE' || e.code === 'LIMIT_EXCEEDED')) throw e;
    throw new DomsecError('MALFORMED_KEY', `${keyPath}: ${(e as Error).message}`);
  }
  if (!keyMatchesCertificate(key, cert)) throw new DomsecError('KEY_MISMATCH', `${keyPath} is not the private key of ${certPath}`);
  return { certDer: cert.der, key };
}

/** Pair up repeated --cert/--key options. */
export function readKeyPairs(certs: string[] | undefined, keys: string[] | undefined, what: string): KeyPair[] {
  const c = certs ?? [];
  const k = keys ?? [];
  if (c.length !== k.length) throw new DomsecError('BAD_ARGUMENT', `${what}: give one --key for each --cert (${c.length} certificate(s), ${k.length} key(s))`);
  return c.map((cp, i) => readKeyPair(cp, k[i]!));
}

export function parseDate(value: string | undefined, what: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new DomsecError('BAD_ARGUMENT', `${what}: "${value}" is not a date (use ISO 8601, e.g. 2026-03-01T12:00:00Z)`);
  return d;
}

/** The --out and --force lines of a command's --help, for its Options list (pad: the column of the descriptions). */
export function outputOptionsHelp(what: string, pad = 22): string {
  return `  ${'--out OUT'.padEnd(pad)}write ${what} to OUT (default, or -: standard output)
  ${'--force'.padEnd(pad)}replace OUT if it exists (see "Output file" below)
`;
}

/** The output-file policy in a command's --help, the same words as README "Output files". */
export function outputPolicyHelp(secret: boolean): string {
  return `Output file: an existing OUT is refused (OUTPUT_EXISTS, exit 2) unless --force is given; OUT is
never one of the command's input files, not even with --force (OUTPUT_IS_INPUT). OUT is written whole
or not at all: a temp file in OUT's folder, then renamed into place; on any error nothing is written.
${secret ? 'A new OUT gets mode 0600 (it may hold decrypted content).' : 'A new OUT gets mode 0644 less the umask.'} Replacing keeps the old file's
permission bits when they are stricter.
`;
}
