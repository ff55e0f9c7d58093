import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile, validateProfile } from '../../src/harness/profile.js';

const EXAMPLE = fileURLToPath(new URL('../../docs/profile.example.json', import.meta.url));

describe('gateway profile (suites/profile.schema.json)', () => {
  it('the documented example profile validates, and its pki path resolves against the file', () => {
    const p = loadProfile(EXAMPLE);
    expect(p.domain).toBe('example.org');
    expect(p.pki).toBe(resolve(fileURLToPath(new URL('../../vectors/keys', import.meta.url))));
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
