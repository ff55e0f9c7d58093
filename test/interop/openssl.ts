/**
 * The OpenSSL CLI as an independent oracle for the interop tests.
 *
 * Rules kept here so that every test follows them: openssl is only ever run through spawnSync with an
 * argv array (never a shell string), inside a private temporary folder (fs.mkdtempSync under
 * os.tmpdir()) that the test removes afterwards. Facts relied on (OpenSSL 3.0.19, STACK-NOTES):
 * `cms -verify` needs `-purpose any` for certificates without the smimesign purpose, and refuses a
 * SignedData with zero signerInfos (`CMS_verify:no signers`) while `cms -cmsout -print` prints it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestPki } from '../../src/pki/index.js';
import { VALIDATION_TIME } from '../helpers/messages.js';
import { entry } from '../helpers/pki.js';

/** `-attime` value: the validation time the test PKI and vectors are pinned to (2026-03-01T12:00:00Z). */
export const ATTIME = String(Math.floor(VALIDATION_TIME.getTime() / 1000));

export interface RunResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export class OpenSslDir {
  readonly dir: string;
  private n = 0;

  constructor(label: string) {
    this.dir = mkdtempSync(join(tmpdir(), `domsec-interop-${label}-`));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Write bytes to a fresh file in the folder; returns its path. */
  write(data: Buffer | string, ext = 'bin'): string {
    const p = this.path(`f${++this.n}.${ext}`);
    writeFileSync(p, data);
    return p;
  }

  read(path: string): Buffer {
    return readFileSync(path);
  }

  /** Run `openssl args...` in the folder. Never throws on a non-zero exit: callers assert on status. */
  run(args: string[], input?: Buffer): RunResult {
    const r = spawnSync('openssl', args, { cwd: this.dir, input, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  }

  /** Run and require exit status 0; the error message carries OpenSSL's stderr. */
  ok(args: string[], input?: Buffer): Buffer {
    const r = this.run(args, input);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Certificate and private-key files of test PKI entries, written to the folder on first use. */
export class PkiFiles {
  private readonly written = new Map<string, { cert: string; key: string }>();
  constructor(
    private readonly dir: OpenSslDir,
    private readonly pki: TestPki,
  ) {}

  of(name: string): { cert: string; key: string } {
    let f = this.written.get(name);
    if (!f) {
      const e = entry(this.pki, name);
      const base = name.replace(/[^A-Za-z0-9.-]/g, '_');
      f = { cert: this.dir.path(`${base}.crt`), key: this.dir.path(`${base}.key`) };
      writeFileSync(f.cert, e.certPem);
      writeFileSync(f.key, e.keyPem);
      this.written.set(name, f);
    }
    return f;
  }

  get caFile(): string {
    return this.of('ca').cert;
  }
}

/**
 * The bytes of a field printed by `openssl cms -cmsout -print` as a hex dump, e.g.
 *
 *       eContent:
 *         0000 - 43 6f 6e 74 65 6e 74 2d-54 79 70 65 3a 20 74   Content-Type: t
 *         000f - 65 78 74 2f ...
 *
 * Offsets are checked for continuity, so a line that was skipped or misread fails loudly. OpenSSL's
 * dump abbreviates trailing spaces/NULs as `<SPACES/NULS>`, which cannot be reconstructed: that throws.
 */
export function printedHexField(printOut: string, field: string): Buffer {
  const lines = printOut.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${field}:`);
  if (start < 0) throw new Error(`field ${field} not found in openssl -print output`);
  const bytes: number[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s+([0-9a-f]{4}) - (.*)$/.exec(line);
    if (!m) break;
    if (parseInt(m[1]!, 16) !== bytes.length) throw new Error(`hex dump offset ${m[1]} where ${bytes.length.toString(16)} was expected`);
    if (m[2]!.includes('<SPACES/NULS>')) throw new Error('hex dump abbreviates trailing spaces/NULs; bytes cannot be reconstructed');
    let rest = m[2]!;
    let t: RegExpExecArray | null;
    while ((t = /^([0-9a-f]{2})[ -]/.exec(rest))) {
      bytes.push(parseInt(t[1]!, 16));
      rest = rest.slice(3);
    }
  }
  return Buffer.from(bytes);
}
