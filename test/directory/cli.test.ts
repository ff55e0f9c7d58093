/**
 * `domsec encrypt` and `domsec sign` with recipients by address (`--to`), looked up in a real slapd
 * (started once for this file) or in a local store; every failure is one line and a documented exit code.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestPki, type TestPki } from '../../src/pki/index.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { freePort, serveTestPki, type ServedTestPki } from '../../src/directory/index.js';
import { entry, testPki } from '../helpers/pki.js';
import { exampleParties } from '../helpers/messages.js';
import { main } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let pkiDir: string;
let pki: TestPki;
let served: ServedTestPki;
let ldapUrl: string;
const AT = '2026-03-01T12:00:00Z';

type Run = { code: number | null; stdout: string; stderr: string };

/** The real binary, in a child process (one end-to-end case: each start costs about a second). */
function spawned(...args: string[]): Run {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/domsec.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same CLI entry (main), in this process, with stdout/stderr captured: fast. Paths are absolute. */
async function domsec(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += Buffer.from(chunk).toString('utf8')), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += Buffer.from(chunk).toString('utf8')), true));
  try {
    const code = await main(args.map((a) => (['ex1.eml', 'ex7.eml', 'ldap.pw'].includes(a) ? join(dir, a) : a)));
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
const c = (d: string, n: string) => join(pkiDir, d, `${n}.crt`);
const k = (d: string, n: string) => join(pkiDir, d, `${n}.key`);

function expectOneLineError(r: Run, code: number, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-cli-lookup-'));
  pkiDir = join(dir, 'pki');
  pki = await testPki();
  await writeTestPki(pki, pkiDir);
  writeFileSync(join(dir, 'ex1.eml'), buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(pki)).message);
  writeFileSync(join(dir, 'ex7.eml'), buildExampleInput(SECTION5_EXAMPLES[6]!, exampleParties(pki)).message);
  served = await serveTestPki(pki, {
    extra: [
      {
        dn: 'uid=eve,ou=example.org,o=domsec-suite',
        attributes: { objectClass: ['inetOrgPerson'], uid: ['eve'], cn: ['eve'], sn: ['eve'], mail: ['eve@example.org'], 'userCertificate;binary': [entry(pki, 'example.test/dca-rsa').certDer] },
      },
    ],
  });
  ldapUrl = `${served.server.url}/${served.layout.suffix}`;
  writeFileSync(join(dir, 'ldap.pw'), `${served.server.rootPassword}\n`);
});
afterAll(async () => {
  await served?.server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('domsec encrypt --to ADDRESS --lookup', () => {
  it("LDAP (bound), the real binary: bob@example.org's DCA is found, reported on stderr, and can decrypt", async () => {
    const enc = join(dir, 'to-bob.eml');
    const r = spawned('encrypt', 'ex1.eml', '--to', 'bob@example.org', '--lookup', ldapUrl, '--lookup-bind-dn', served.server.rootDn, '--lookup-password-file', 'ldap.pw', '--out', enc);
    expect(r.code, r.stderr).toBe(0);
    // The choosing rule between dca-rsa and dca-ec (same dates) falls to the smaller DER: the P-256 one.
    expect(r.stderr).toMatch(/^domsec encrypt: bob@example.org \(dca\): "CN=example.org DCA encryption \(P-256\).*" from uid=bob,ou=example.org,o=domsec-suite userCertificate;binary #\d \[recipient-entry\], 1 refused\n$/);
    expect((await domsec('decrypt', enc, '--cert', c('example.org', 'dca-ec'), '--key', k('example.org', 'dca-ec'))).code).toBe(0);
  });

  it("local store, --lookup-for recipient: bob's own certificate, decryptable with bob's key; --recip and --to combine", async () => {
    const enc = join(dir, 'to-bob-own.eml');
    const r = await domsec('encrypt', 'ex1.eml', '--to', 'bob@example.org', '--lookup-for', 'recipient', '--lookup', pkiDir, '--recip', c('example.test', 'dca-rsa'), '--out', enc);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('from example.org/user-bob.crt [store-name]');
    expect((await domsec('decrypt', enc, '--cert', c('example.org', 'user-bob'), '--key', k('example.org', 'user-bob'))).code).toBe(0);
    expect((await domsec('decrypt', enc, '--cert', c('example.test', 'dca-rsa'), '--key', k('example.test', 'dca-rsa'))).code).toBe(0);
  });

  it('method 2 by DN template from the command line', async () => {
    const r = await domsec('encrypt', 'ex1.eml', '--to', 'nobody@example.test', '--lookup', ldapUrl, '--lookup-method', 'dca-entry', '--lookup-dca-dn', served.layout.dcaDnTemplate, '--out', join(dir, 'm2.eml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/from cn=dca,ou=example.test,o=domsec-suite userCertificate;binary #\d \[dca-entry\]/);
  });

  it('entry missing: exit 2, CERTIFICATE_NOT_FOUND, no output', async () => {
    expectOneLineError(await domsec('encrypt', 'ex1.eml', '--to', 'x@unknown.example', '--lookup', ldapUrl, '--out', join(dir, 'never.eml')), 2, /^domsec encrypt: CERTIFICATE_NOT_FOUND: the DCA of x@unknown.example: not found/);
  });

  it('certificate for the wrong domain: exit 1, POLICY_VIOLATION with the reason', async () => {
    expectOneLineError(await domsec('encrypt', 'ex1.eml', '--to', 'eve@example.org', '--lookup', ldapUrl, '--lookup-method', 'recipient-entry'), 1, /^domsec encrypt: POLICY_VIOLATION: .*NAMING_DOMAIN_MISMATCH/);
  });

  it('directory down: exit 2, DIRECTORY_UNAVAILABLE connection-refused', async () => {
    const port = await freePort();
    expectOneLineError(await domsec('encrypt', 'ex1.eml', '--to', 'bob@example.org', '--lookup', `ldap://127.0.0.1:${port}/o=domsec-suite`), 2, /^domsec encrypt: DIRECTORY_UNAVAILABLE: .*connection-refused/);
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['--to without --lookup', ['--to', 'bob@example.org'], /--to needs --lookup/],
    ['--lookup without --to', ['--lookup', 'somewhere', '--lookup-for', 'dca'], /--lookup options need --to/],
    ['neither --recip nor --to', [], /--recip or --to is required/],
    ['a bad --lookup-for', ['--to', 'bob@example.org', '--lookup', 'x', '--lookup-for', 'both'], /--lookup-for must be dca or recipient/],
    ['a bad address', ['--to', 'bob', '--lookup-for', 'recipient', '--lookup', 'no-such-store'], /needs an address/],
  ];
  for (const [what, args, pattern] of usage) {
    it(`usage error, exit 2: ${what}`, async () => expectOneLineError(await domsec('encrypt', 'ex1.eml', ...args), 2, pattern));
  }

  it('--help documents --to, --lookup and the choosing rule', async () => {
    const h = await domsec('encrypt', '--help');
    expect(h.stdout).toMatch(/--to ADDRESS/);
    expect(h.stdout).toMatch(/--lookup SPEC +ldap:\/\/host:port\/BASE-DN/);
    expect(h.stdout).toMatch(/most specific domain, then the newest \(notBefore\)/);
  });
});

describe('domsec sign --to ADDRESS --lookup', () => {
  it('Example 7: re-encrypts for the DCA looked up in LDAP (checked against --trust), and verify opens it', async () => {
    const out = join(dir, 'ex7.out.eml');
    const r = await domsec('sign', 'ex7.eml', '--cert', c('example.test', 'signer-rsa'), '--key', k('example.test', 'signer-rsa'),
      '--dca-cert', c('example.test', 'dca-rsa'), '--dca-key', k('example.test', 'dca-rsa'), '--to', 'bob@example.org', '--lookup', ldapUrl,
      '--trust', join(pkiDir, 'ca.crt'), '--at', AT, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('domsec sign: bob@example.org (dca): "CN=example.org DCA encryption (P-256)');
    expect(r.stderr).toContain('-> E(S[domainSig](S[-](E(S[-](data)))))');
    const v = await domsec('verify', out, '--trust', join(pkiDir, 'ca.crt'), '--at', AT, '--cert', c('example.org', 'dca-ec'), '--key', k('example.org', 'dca-ec'), '--cert', c('example.test', 'dca-rsa'), '--key', k('example.test', 'dca-rsa'));
    expect(v.stdout).toContain('verdict: pass');
  });
});
