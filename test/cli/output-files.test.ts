/**
 * Issue 12, items 7-9 and "Also seen": what the CLI does with the user's files. Every command that writes
 * a file refuses an existing one unless --force, never writes over its input, writes whole or not at all,
 * keeps decrypted content 0600; `pki --out` deletes nothing it did not write; every read is bounded while
 * reading; decrypted output has one MIME-Version. All through the real CLI (node bin/domsec.js).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestPki } from '../../src/pki/index.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { testPki } from '../helpers/pki.js';
import { exampleParties } from '../helpers/messages.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/domsec.js');
const PLAIN = fileURLToPath(new URL('../fixtures/messages/plain-content.txt', import.meta.url));
let dir: string;
let pkiDir: string;

function domsec(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'latin1', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const c = (d: string, n: string) => join(pkiDir, d, `${n}.crt`);
const k = (d: string, n: string) => join(pkiDir, d, `${n}.key`);
const DCA = ['--cert', '', '--key', ''];
/** Each test runs the CLI a few times, one process each: seconds apiece on a loaded 2-core machine. A hang bound, not a speed test. */
const SPAWNING = { timeout: 240_000 };

function expectOneLineError(r: { code: number | null; stderr: string }, code: number, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Files in `d` that a failed write could have left: temp files and the like. */
const leftovers = (d: string) => readdirSync(d).filter((f) => f.startsWith('.') || f.endsWith('.tmp'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-out-'));
  pkiDir = join(dir, 'pki');
  await writeTestPki(await testPki(), pkiDir);
  writeFileSync(join(dir, 'ex1.eml'), buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(await testPki())).message);
  DCA[1] = c('example.org', 'dca-rsa');
  DCA[3] = k('example.org', 'dca-rsa');
  // One encrypted message for the decrypt cases.
  expect(domsec('encrypt', 'ex1.eml', '--recip', c('example.org', 'dca-rsa'), '--out', 'enc.eml').code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('domsec pki --out DIR deletes nothing it did not write (issue 12, item 7)', SPAWNING, () => {
  it('refuses --out . in a folder of the user\'s files: exit 2, one line, every file still there', () => {
    const work = join(dir, 'work');
    mkdirSync(join(work, 'sub'), { recursive: true });
    writeFileSync(join(work, 'thesis.tex'), 'years of work');
    writeFileSync(join(work, 'sub', 'data.csv'), '1,2,3');
    const r = spawnSync(process.execPath, [BIN, 'pki', '--out', '.'], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    expectOneLineError({ code: r.status, stderr: r.stderr }, 2, /^domsec pki: OUTPUT_EXISTS: \. is not empty and is not a test PKI/);
    expect(readdirSync(work).sort()).toEqual(['sub', 'thesis.tex']);
    expect(readFileSync(join(work, 'thesis.tex'), 'utf8')).toBe('years of work');
    expect(readFileSync(join(work, 'sub', 'data.csv'), 'utf8')).toBe('1,2,3');
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('regenerates into its own earlier PKI, keeping a file the user put there', () => {
    const out = join(dir, 'pki-again');
    expect(domsec('pki', '--out', out, '--domain', 'a.example').code).toBe(0);
    writeFileSync(join(out, 'README.txt'), 'our notes');
    const r = domsec('pki', '--out', out, '--domain', 'a.example');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toBe('our notes');
    expect(statSync(join(out, 'a.example', 'signer-rsa.key')).mode & 0o777).toBe(0o600);
  });
});

describe('output files: refuse, never over the input, whole or nothing, 0600 for secrets (issue 12, item 8)', SPAWNING, () => {
  const signArgs = (input: string) => ['sign', input, '--cert', c('example.test', 'signer-rsa'), '--key', k('example.test', 'signer-rsa'), '--trust', join(pkiDir, 'ca.crt'), '--at', '2026-03-01T12:00:00Z'];
  const commands: Array<[string, (input: string) => string[], string]> = [
    ['sign', signArgs, 'ex1.eml'],
    ['encrypt', (input) => ['encrypt', input, '--recip', c('example.org', 'dca-rsa')], 'ex1.eml'],
    ['decrypt', (input) => ['decrypt', input, ...DCA], 'enc.eml'],
  ];

  for (const [name, args, input] of commands) {
    it(`${name}: an existing --out file is refused without --force and left as it was`, () => {
      writeFileSync(join(dir, 'existing.eml'), 'keep me');
      expectOneLineError(domsec(...args(input), '--out', 'existing.eml'), 2, new RegExp(`^domsec ${name}: OUTPUT_EXISTS: --out existing\\.eml exists; give --force`));
      expect(readFileSync(join(dir, 'existing.eml'), 'utf8')).toBe('keep me');
      expect(leftovers(dir)).toEqual([]);
      const forced = domsec(...args(input), '--out', 'existing.eml', '--force');
      expect(forced.code, forced.stderr).toBe(0);
      expect(readFileSync(join(dir, 'existing.eml'), 'utf8')).not.toBe('keep me');
      rmSync(join(dir, 'existing.eml'));
    });

    it(`${name}: --out naming the input (same path, ./ form, hard link, symbolic link) is refused even with --force`, () => {
      const original = readFileSync(join(dir, input));
      linkSync(join(dir, input), join(dir, 'hard.eml'));
      symlinkSync(join(dir, input), join(dir, 'soft.eml'));
      try {
        // Every form for one command; the same check serves the others (one process each costs seconds).
        const forms = name === 'decrypt' ? [input, `./${input}`, join(dir, input), 'hard.eml', 'soft.eml'] : [`./${input}`, 'hard.eml'];
        for (const out of forms) {
          expectOneLineError(domsec(...args(input), '--out', out, '--force'), 2, new RegExp(`^domsec ${name}: OUTPUT_IS_INPUT: --out .* is the input file`));
          expect(readFileSync(join(dir, input)).equals(original), out).toBe(true);
        }
        expect(leftovers(dir)).toEqual([]);
      } finally {
        rmSync(join(dir, 'hard.eml'));
        rmSync(join(dir, 'soft.eml'));
      }
    });

    it(`${name}: a folder that does not exist, or a folder as --out, is one line and exit 2 with nothing written`, () => {
      expectOneLineError(domsec(...args(input), '--out', join('no-such-dir', 'x.eml')), 2, new RegExp(`^domsec ${name}: WRITE_FAILED: cannot write no-such-dir/x\\.eml: no such folder`));
      expectOneLineError(domsec(...args(input), '--out', pkiDir, '--force'), 2, new RegExp(`^domsec ${name}: WRITE_FAILED: .*is a directory`));
      expect(leftovers(dir)).toEqual([]);
    });

    it(`${name}: --help says what happens to an existing file`, () => {
      const h = domsec(name, '--help');
      expect(h.code).toBe(0);
      expect(h.stdout).toContain('--force');
      expect(h.stdout).toMatch(/an existing OUT is refused \(OUTPUT_EXISTS, exit 2\) unless --force/);
      expect(h.stdout).toMatch(/never one of the command's input files, not even with --force/);
    });
  }

  it('decrypt writes the plaintext 0600, also over an existing 0644 file, and a 0600 file it replaces stays 0600', () => {
    expect(domsec('decrypt', 'enc.eml', ...DCA, '--out', 'plain-new.eml').code).toBe(0);
    expect(statSync(join(dir, 'plain-new.eml')).mode & 0o777).toBe(0o600);
    for (const before of [0o600, 0o644]) {
      writeFileSync(join(dir, 'plain.eml'), 'old');
      chmodSync(join(dir, 'plain.eml'), before);
      expect(domsec('decrypt', 'enc.eml', ...DCA, '--out', 'plain.eml', '--force').code).toBe(0);
      expect(statSync(join(dir, 'plain.eml')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'plain.eml'), 'latin1')).toContain('Content-Type:');
    }
  });

  it('encrypt writes ciphertext with the usual bits, and keeps a replaced file\'s stricter bits', () => {
    writeFileSync(join(dir, 'cipher.eml'), 'old');
    chmodSync(join(dir, 'cipher.eml'), 0o600);
    expect(domsec('encrypt', 'ex1.eml', '--recip', c('example.org', 'dca-rsa'), '--out', 'cipher.eml', '--force').code).toBe(0);
    expect(statSync(join(dir, 'cipher.eml')).mode & 0o777).toBe(0o600);
  });

  it('writes to /dev/null without replacing the device', () => {
    const r = domsec('encrypt', 'ex1.eml', '--recip', c('example.org', 'dca-rsa'), '--out', '/dev/null');
    expect(r.code, r.stderr).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a refused sign writes nothing and leaves an existing --out file as it was (checked before any work)', () => {
    writeFileSync(join(dir, 'unsigned.eml'), readFileSync(PLAIN));
    writeFileSync(join(dir, 'was-there.eml'), 'before');
    // Not authenticated: a refusal (exit 1) even with --force; the file stays.
    const r = domsec(...signArgs('unsigned.eml'), '--out', 'was-there.eml', '--force');
    expectOneLineError(r, 1, /ORIGINATOR_NOT_AUTHENTICATED/);
    expect(readFileSync(join(dir, 'was-there.eml'), 'utf8')).toBe('before');
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('every read is bounded while reading (issue 12, item 9)', SPAWNING, () => {
  it('inspect /dev/zero stops at MAX_MESSAGE_BYTES with one line, exit 2', () => {
    expectOneLineError(domsec('inspect', '/dev/zero'), 2, /^domsec inspect: LIMIT_EXCEEDED: message \/dev\/zero is larger than 512 MiB \(MAX_MESSAGE_BYTES\); stopped reading there$/);
  });

  it('inspect - on an endless standard input (a pipe that never ends) stops at the limit', async () => {
    const zeros = spawn('cat', ['/dev/zero'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const child = spawn(process.execPath, [BIN, 'inspect', '-'], { cwd: dir, stdio: [zeros.stdout, 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    zeros.kill();
    expectOneLineError({ code, stderr }, 2, /^domsec inspect: LIMIT_EXCEEDED: message on standard input is larger than 512 MiB \(MAX_MESSAGE_BYTES\)/);
  });

  it('certificate and key files are bounded too (--trust, --recip, --cert, --key)', () => {
    expectOneLineError(domsec('verify', 'ex1.eml', '--trust', '/dev/zero'), 2, /^domsec verify: LIMIT_EXCEEDED: trust anchor \/dev\/zero is larger than 16 MiB \(MAX_CREDENTIAL_FILE_BYTES\)/);
    expectOneLineError(domsec('encrypt', 'ex1.eml', '--recip', '/dev/zero'), 2, /^domsec encrypt: LIMIT_EXCEEDED: recipient certificate \/dev\/zero/);
    expectOneLineError(domsec('decrypt', 'enc.eml', '--cert', c('example.org', 'dca-rsa'), '--key', '/dev/zero'), 2, /^domsec decrypt: LIMIT_EXCEEDED: private key \/dev\/zero/);
    expectOneLineError(domsec('decrypt', 'enc.eml', '--cert', '/dev/zero', '--key', k('example.org', 'dca-rsa')), 2, /^domsec decrypt: LIMIT_EXCEEDED: certificate \/dev\/zero/);
  });

  it('certificate lookups are bounded too: a store file that is an endless device, an LDAP password file', () => {
    const store = join(dir, 'store');
    mkdirSync(store);
    symlinkSync('/dev/zero', join(store, 'bob@example.org.pem'));
    expectOneLineError(domsec('encrypt', 'ex1.eml', '--to', 'bob@example.org', '--lookup', store), 2, /^domsec encrypt: LIMIT_EXCEEDED: certificate file .*bob@example\.org\.pem is larger than 1 MiB \(LOCAL_STORE_MAX_FILE_BYTES\)/);
    expectOneLineError(
      domsec('encrypt', 'ex1.eml', '--to', 'bob@example.org', '--lookup', 'ldap://127.0.0.1:9/dc=example,dc=org', '--lookup-bind-dn', 'cn=x', '--lookup-password-file', '/dev/zero'),
      2,
      /^domsec encrypt: LIMIT_EXCEEDED: LDAP password file \/dev\/zero is larger than 16 MiB/,
    );
  });
});

describe('decrypted output has one MIME-Version (RFC 2045 4)', SPAWNING, () => {
  const count = (text: string) => text.split(/\r?\n/).filter((l) => /^mime-version:/i.test(l)).length;

  it('when the decrypted entity carries its own (as OpenSSL writes it), none is added and the entity is kept byte for byte', () => {
    const inner = Buffer.from('MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n');
    writeFileSync(join(dir, 'inner.txt'), inner);
    const o = spawnSync('openssl', ['cms', '-encrypt', '-binary', '-aes256', '-in', 'inner.txt', '-out', 'openssl.eml', '-from', 'alice@example.test', '-to', 'bob@example.org', '-subject', 'hi', c('example.org', 'dca-rsa')], { cwd: dir, encoding: 'utf8' });
    expect(o.status, o.stderr).toBe(0);
    const r = domsec('decrypt', 'openssl.eml', ...DCA);
    expect(r.code, r.stderr).toBe(0);
    expect(count(r.stdout)).toBe(1);
    expect(r.stdout.endsWith(inner.toString('latin1'))).toBe(true);
    expect(r.stdout).toMatch(/^To: bob@example\.org\nFrom: alice@example\.test\nSubject: hi\n/);
  });

  it('when the decrypted entity has none (as domsec encrypt writes it), exactly one is added', () => {
    const r = domsec('decrypt', 'enc.eml', ...DCA);
    expect(r.code, r.stderr).toBe(0);
    expect(count(r.stdout)).toBe(1);
  });
});
