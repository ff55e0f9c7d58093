import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile, validateProfile } from '../../src/harness/profile.js';

const EXAMPLE = fileURLToPath(new URL('../../docs/profile.example.json', import.meta.url));
const VENDOR_EXAMPLE = fileURLToPath(new URL('../../docs/profile.vendor.example.json', import.meta.url));

describe('gateway profile (suites/profile.schema.json)', () => {
  it('the documented example profile validates, and its pki path resolves against the file', () => {
    const p = loadProfile(EXAMPLE);
    expect(p.domain).toBe('example.org');
    expect(p.pki).toBe(resolve(fileURLToPath(new URL('../../vectors/keys', import.meta.url))));
  });

  it('the example with the gateway\'s own certificates and TLS validates; every file path resolves against the file', () => {
    const p = loadProfile(VENDOR_EXAMPLE);
    const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
    expect(p.certificates).toEqual({ trustAnchors: [join(docs, 'acme/domain-ca.pem')], intermediates: [join(docs, 'acme/domain-issuing-ca.pem')], dca: join(docs, 'acme/example.org-dca.pem') });
    expect(p.submission.outbound).toMatchObject({ requireTls: true, tlsCaFile: join(docs, 'acme/staging-tls-ca.pem') });
    expect(p.submission.inbound?.tlsCaFile).toBe(join(docs, 'acme/staging-tls-ca.pem'));
    expect(p.capture.tls).toEqual({ key: join(docs, 'acme/sink.key'), cert: join(docs, 'acme/sink.crt') });
    const raw = JSON.parse(readFileSync(VENDOR_EXAMPLE, 'utf8')) as Record<string, unknown>;
    expect(() => validateProfile({ ...raw, certificates: { dca: 'x.pem', signer: 'y.pem' } })).toThrowError(/certificates .*signer/);
    expect(() => validateProfile({ ...raw, certificates: { trustAnchors: [] } })).toThrowError(/trustAnchors/);
    expect(() => validateProfile({ ...raw, capture: { port: 1, tls: { key: 'k.pem' } } })).toThrowError(/capture\/tls/);
  });

  it('a declared role without the endpoint it needs is a profile error, not a run of SKIPs (issue 13)', () => {
    const good = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { submission: { outbound: { auth?: unknown } } } & Record<string, unknown>;
    expect(() => validateProfile({ ...good, submission: { outbound: good.submission.outbound } }, 'p.json')).toThrowError(/^p\.json: declares the roles inbound-dca, inbound-verifier but has no submission\.inbound endpoint$/);
    const { auth: _a, ...noAuth } = good.submission.outbound;
    void _a;
    expect(() => validateProfile({ ...good, submission: { ...good.submission, outbound: noAuth } })).toThrowError(/originatorAuthentication is smtp-auth \(the default\) for the domain-signer role, but submission.outbound has no auth credentials/);
    // A gateway that trusts its submission network, or only originator signatures, needs no credentials (N17).
    expect(validateProfile({ ...good, submission: { ...good.submission, outbound: noAuth }, originatorAuthentication: { method: 'trusted-address', trustedAddresses: ['127.0.0.1/32'] } }).originatorAuthentication?.method).toBe('trusted-address');
    expect(() => validateProfile({ ...good, originatorAuthentication: { method: 'kerberos' } })).toThrowError(/originatorAuthentication\/method/);
  });

  it('a bad profile is one clear line naming the field', () => {
    const good = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    expect(() => validateProfile({ ...good, roles: ['mail-server'] })).toThrowError(/\/roles\/0/);
    expect(() => validateProfile({ ...good, surprise: true })).toThrowError(/surprise/);
    const { domain: _omit, ...noDomain } = good;
    void _omit;
    expect(() => validateProfile(noDomain)).toThrowError(/domain/);
    const dir = mkdtempSync(join(tmpdir(), 'domsec-profile-'));
    try {
      writeFileSync(join(dir, 'p.json'), '{ not json');
      expect(() => loadProfile(join(dir, 'p.json'))).toThrowError(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
      expect(() => loadProfile(join(dir, 'missing.json'))).toThrowError(expect.objectContaining({ code: 'FILE_UNREADABLE' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
