import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestPki, type TestPki } from '../../src/pki/index.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { testPki } from '../helpers/pki.js';
import { exampleParties, HEADERS } from '../helpers/messages.js';
import { COMMANDS } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIX = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
let dir: string;
let pkiDir: string;
let pki: TestPki;
const AT = '2026-03-01T12:00:00Z';

function domsec(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/domsec.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const c = (d: string, n: string) => join(pkiDir, d, `${n}.crt`);
const k = (d: string, n: string) => join(pkiDir, d, `${n}.key`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-cli-'));
  pkiDir = join(dir, 'pki');
  pki = await testPki();
  await writeTestPki(pki, pkiDir);
  writeFileSync(join(dir, 'ex1.eml'), buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki)).message);
  writeFileSync(join(dir, 'ex7.eml'), buildExampleInput(SECTION5_EXAMPLES[6]!, exampleParties(pki)).message);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectOneLineError(r: ReturnType<typeof domsec>, code: number, pattern: RegExp) {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

// One process per CLI call, seconds apiece on a loaded machine: a hang bound, not a speed test.
describe('domsec CLI', { timeout: 240_000 }, () => {
  it('prints usage and per-command help', () => {
    const r = domsec('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['pki', 'inspect', 'sign', 'verify', 'encrypt', 'decrypt', 'demo']) {
      expect(r.stdout).toContain(cmd);
      const h = domsec(cmd, '--help');
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^Usage: domsec ${cmd}`));
    }
  });

  it('every registry entry loads the command of its name (the commands are imported lazily)', async () => {
    expect(new Set(COMMANDS.map((e) => e.name)).size).toBe(COMMANDS.length);
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      expect(cmd.name).toBe(entry.name);
      expect(cmd.help).toMatch(new RegExp(`^Usage: domsec ${entry.name}\\b`));
    }
  });

  it('pki writes certificates, pki.json and 0600 keys', () => {
    const out = join(dir, 'pki2');
    const r = domsec('pki', '--out', out, '--domain', 'example.test');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'pki.json'), 'utf8'));
    expect(manifest.domains).toEqual(['example.test']);
    expect(statSync(join(out, 'example.test', 'signer-rsa.key')).mode & 0o777).toBe(0o600);
  });

  it('sign applies Section 5 (example 7: E1 lies lower, so the output is enveloped) and verify passes it', () => {
    const out = join(dir, 'ex7.out.eml');
    const r = domsec('sign', 'ex7.eml', '--cert', c('example.test', 'signer-rsa'), '--key', k('example.test', 'signer-rsa'),
      '--dca-cert', c('example.test', 'dca-rsa'), '--dca-key', k('example.test', 'dca-rsa'), '--recip', c('example.org', 'dca-rsa'),
      '--trust', join(pkiDir, 'ca.crt'), '--at', AT, '--out', out);
    expect(r.stderr).toContain('-> E(S[domainSig](S[-](E(S[-](data)))))');
    expect(r.code).toBe(0);
    const i = domsec('inspect', out, '--cert', c('example.org', 'dca-rsa'), '--key', k('example.org', 'dca-rsa'), '--cert', c('example.test', 'dca-rsa'), '--key', k('example.test', 'dca-rsa'));
    expect(i.code).toBe(0);
    expect(i.stdout).toContain('shape: E(S[domainSig](S[-](E(S[-](data)))))');
    expect(i.stdout).toContain('id-sti-domainSig');
    const v = domsec('verify', out, '--trust', join(pkiDir, 'ca.crt'), '--at', AT, '--cert', c('example.org', 'dca-rsa'), '--key', k('example.org', 'dca-rsa'), '--cert', c('example.test', 'dca-rsa'), '--key', k('example.test', 'dca-rsa'));
    expect(v.stdout).toContain('verdict: pass');
    expect(v.stdout).toMatch(/Authentication-Results: domsec\.invalid; smime=pass/);
    expect(v.code).toBe(0);
  });

  it('encrypt and decrypt round-trip keeping the outer header fields (case d: DCA to DCA)', () => {
    const enc = join(dir, 'ex1.enc.eml');
    expect(domsec('encrypt', 'ex1.eml', '--recip', c('example.org', 'dca-ec'), '--originator-cert', c('example.test', 'dca-rsa'), '--cipher', 'aes-256-gcm', '--out', enc).code).toBe(0);
    const i = domsec('inspect', enc, '--json');
    const d = JSON.parse(i.stdout);
    expect(d.shape).toBe('A(?)');
    expect(d.layers[0].originatorCertificates).toBe(1);
    const dec = join(dir, 'ex1.dec.eml');
    expect(domsec('decrypt', enc, '--cert', c('example.org', 'dca-ec'), '--key', k('example.org', 'dca-ec'), '--out', dec).code).toBe(0);
    const text = readFileSync(dec, 'latin1');
    for (const [n, v] of HEADERS) expect(text).toContain(`${n}: ${v}`);
    expect(domsec('inspect', dec).stdout).toContain('shape: S[-](data)');
  });

  it('verify exits 1 and says why for a naming violation', () => {
    const out = join(dir, 'ex1.bad.eml');
    // A domain signer from another domain cannot be produced by `sign` (it refuses), so sign as example.org for a From: at example.test via a changed From.
    const msg = readFileSync(join(dir, 'ex1.eml'), 'latin1').replace('alice@example.test', 'alice@example.org');
    writeFileSync(join(dir, 'ex1-org.eml'), msg);
    const s = domsec('sign', 'ex1-org.eml', '--cert', c('example.org', 'signer-rsa'), '--key', k('example.org', 'signer-rsa'), '--trust', join(pkiDir, 'ca.crt'), '--at', AT, '--authenticated', '--out', out);
    expect(s.code).toBe(0);
    const flagged = readFileSync(out, 'latin1').replace('alice@example.org', 'alice@example.test');
    writeFileSync(out, flagged);
    const v = domsec('verify', out, '--trust', join(pkiDir, 'ca.crt'), '--at', AT);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('NAMING_DOMAIN_MISMATCH');
    expect(v.stdout).toMatch(/smime=policy/);
  });

  it('sign refuses (exit 1, no output file) when the originator is not authenticated', () => {
    const out = join(dir, 'refused.eml');
    writeFileSync(join(dir, 'unsigned.eml'), readFileSync(FIX('messages/plain-content.txt')));
    const r = domsec('sign', 'unsigned.eml', '--cert', c('example.test', 'signer-rsa'), '--key', k('example.test', 'signer-rsa'), '--trust', join(pkiDir, 'ca.crt'), '--out', out);
    expectOneLineError(r, 1, /ORIGINATOR_NOT_AUTHENTICATED/);
    expect(readdirSync(dir)).not.toContain('refused.eml');
  });

  const badInputs: Array<[string, string[], RegExp]> = [
    ['garbage bytes', ['inspect', FIX('messages/garbage.bin')], /MALFORMED_MIME/],
    ['bad base64', ['inspect', FIX('messages/bad-base64.eml')], /MALFORMED_MIME/],
    ['multipart without close delimiter', ['inspect', FIX('messages/multipart-no-close.eml')], /MALFORMED_MIME/],
    ['missing file', ['inspect', 'no-such-file.eml'], /FILE_UNREADABLE: .*no such file/],
    ['unknown option', ['inspect', 'x', '--frobnicate'], /BAD_ARGUMENT/],
    ['unknown command', ['frobnicate'], /unknown command/],
  ];
  for (const [name, args, pattern] of badInputs) {
    it(`bad input gives one line and exit 2: ${name}`, () => expectOneLineError(domsec(...args), 2, pattern));
  }

  it('bad input gives one line and exit 2: truncated DER', () => {
    const der = Buffer.from(readFileSync(join(dir, 'ex1.eml'), 'latin1').split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64');
    writeFileSync(join(dir, 'trunc.der'), der.subarray(0, der.length - 40));
    expectOneLineError(domsec('inspect', 'trunc.der'), 2, /MALFORMED_DER/);
  });

  it('bad input gives one line and exit 2: a key that does not belong to the certificate, and no partial output', () => {
    const out = join(dir, 'never.eml');
    const r = domsec('decrypt', 'ex1.eml', '--cert', c('example.test', 'dca-rsa'), '--key', k('example.test', 'signer-rsa'), '--out', out);
    expectOneLineError(r, 2, /KEY_MISMATCH/);
    expect(readdirSync(dir).filter((f) => f.startsWith('never') || f.startsWith('.never'))).toEqual([]);
  });

  it('bad input gives one line and exit 2: decrypting with a key that is not a recipient', () => {
    const enc = join(dir, 'for-org.eml');
    expect(domsec('encrypt', 'ex1.eml', '--recip', c('example.org', 'dca-rsa'), '--out', enc).code).toBe(0);
    expectOneLineError(domsec('decrypt', enc, '--cert', c('example.test', 'dca-rsa'), '--key', k('example.test', 'dca-rsa')), 2, /NO_MATCHING_RECIPIENT/);
  });
});
