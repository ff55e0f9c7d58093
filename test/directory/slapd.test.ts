/**
 * The private slapd (src/directory/slapd.ts): it starts on a free loopback port with generated config
 * and LDIF, stops leaving no process and no folder, fails to start with a typed error, and a server
 * requiring a bind refuses anonymous lookups. Also: no leftover slapd when the Node process that
 * started it exits without stop(), or is killed with SIGKILL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSlapd, LdapCertificateLookup, startSlapd, serveTestPki, toLdif, type SlapdServer } from '../../src/directory/index.js';
import { entry, testPki } from '../helpers/pki.js';
import { alive, waitUntil } from '../helpers/process.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/directory/start-slapd.mjs', import.meta.url));
const AT = new Date('2026-03-01T00:00:00Z');

describe('slapd is installed (the tests fail here, loudly, when it is not: run .ci/install-slapd.sh)', () => {
  it('finds slapd, slapadd and the schema', () => {
    const inst = findSlapd();
    expect(existsSync(inst.slapd) && existsSync(inst.slapadd)).toBe(true);
    expect(existsSync(join(inst.schemaDir, 'inetorgperson.schema'))).toBe(true);
  });
});

describe('a private slapd that needs a bind (anonymousRead: false)', () => {
  let server: SlapdServer;
  let pkiServed: Awaited<ReturnType<typeof serveTestPki>>;
  beforeAll(async () => {
    pkiServed = await serveTestPki(await testPki(), { anonymousRead: false, rootPassword: 'test-secret' });
    server = pkiServed.server;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('loads the PKI: the generated LDIF is on disk, and the config names the loopback port', () => {
    const ldif = readFileSync(join(server.workDir, 'data.ldif'), 'utf8');
    expect(ldif).toContain('dn: cn=dca,ou=example.org,o=domsec-suite');
    expect(ldif).toContain('labeledURI: smtp://example.org');
    expect(ldif).toMatch(/^userCertificate;binary:: MII/m);
    expect(server.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+$/);
    expect(server.running).toBe(true);
  });

  it('anonymous: unavailable, auth-failed; with the bind DN: found', async () => {
    const anon = await new LdapCertificateLookup(pkiServed.lookupOptions).lookup({ address: 'bob@example.org', at: AT });
    expect(anon.status === 'unavailable' && anon.cause).toBe('auth-failed');
    expect(anon.status === 'unavailable' && anon.detail).toMatch(/authentication required/);
    const bound = await new LdapCertificateLookup({ ...pkiServed.lookupOptions, bindDn: server.rootDn, password: 'test-secret' }).lookup({ address: 'bob@example.org', at: AT });
    expect(bound.status).toBe('found');
  });
});

describe('lifecycle', () => {
  it('stop() ends slapd, removes its folder, frees the port (then: directory down), and is idempotent', async () => {
    const pki = await testPki();
    const s = await startSlapd({
      entries: [
        { dn: 'ou=example.org,o=domsec-suite', attributes: { objectClass: ['organizationalUnit'], ou: ['example.org'] } },
        {
          dn: 'cn=dca,ou=example.org,o=domsec-suite',
          attributes: { objectClass: ['applicationProcess', 'pkiUser', 'labeledURIObject'], cn: ['dca'], labeledURI: ['smtp://example.org'], 'userCertificate;binary': [entry(pki, 'example.org/dca-rsa').certDer] },
        },
      ],
    });
    const l = new LdapCertificateLookup({ url: s.url, baseDn: s.suffix });
    const r = await l.lookup({ address: 'x@example.org', at: AT });
    expect(r.status === 'found' && r.certificate.der.equals(entry(pki, 'example.org/dca-rsa').certDer)).toBe(true);
    const pid = s.pid;
    expect(alive(pid)).toBe(true);
    await s.stop();
    expect(alive(pid)).toBe(false);
    expect(s.running).toBe(false);
    expect(existsSync(s.workDir)).toBe(false);
    await s.stop();
    const down = await l.lookup({ address: 'x@example.org', at: AT });
    expect(down.status === 'unavailable' && down.cause).toBe('connection-refused');
  });

  it('an LDIF slapadd rejects: DIRECTORY_UNAVAILABLE naming slapadd, and no folder left behind', async () => {
    const marker = `o=broken-${process.pid}-${Date.now()}`;
    const before = new Set(readdirSync(tmpdir()));
    await expect(startSlapd({ suffix: marker, ldif: toLdif([{ dn: `cn=x,${marker}`, attributes: { objectClass: ['applicationProcess'], cn: ['x'], frobnicate: ['1'] } }]) })).rejects.toMatchObject({
      code: 'DIRECTORY_UNAVAILABLE',
      message: expect.stringMatching(/slapadd failed/),
    });
    const leftover = readdirSync(tmpdir()).filter((n) => n.startsWith('domsec-slapd-') && !before.has(n) && existsSync(join(tmpdir(), n, 'slapd.conf')) && readFileSync(join(tmpdir(), n, 'slapd.conf'), 'utf8').includes(marker));
    expect(leftover).toEqual([]);
  });

  for (const mode of ['exit', 'wait'] as const) {
    it(`no leftover slapd when the Node process that started it ${mode === 'exit' ? 'exits without stop()' : 'is killed with SIGKILL'}`, async () => {
      const child = spawn(process.execPath, [FIXTURE, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const ok = await waitUntil(() => out.includes('\n') || child.exitCode !== null, 30_000);
      expect(ok, err).toBe(true);
      const info = JSON.parse(out.split('\n')[0]!) as { pid: number; workDir: string; port: number };
      try {
        if (mode === 'wait') {
          expect(alive(info.pid)).toBe(true);
          child.kill('SIGKILL');
        }
        // exit: the 'exit' hook SIGKILLs slapd at once; SIGKILL of Node: the watchdog sends SIGTERM.
        expect(await waitUntil(() => !alive(info.pid), 8000)).toBe(true);
        if (mode === 'exit') {
          // The hook removes the folder after slapd is gone and before Node exits.
          expect(await waitUntil(() => child.exitCode !== null, 8000)).toBe(true);
          expect(existsSync(info.workDir)).toBe(false);
        }
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
        rmSync(info.workDir, { recursive: true, force: true }); // SIGKILL leaves the folder: nothing ran in that process
      }
    });
  }
});
