/**
 * The private folder of a client run: 0700 folders, 0600 keys, files created exclusively, removed after.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateWorkdir } from '../../src/adapter/workdir.js';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('PrivateWorkdir', () => {
  it('creates 0700 folders, writes keys 0600, and removes everything', async () => {
    const w = await PrivateWorkdir.create('domsec-workdir-test-');
    try {
      expect(mode(w.path)).toBe(0o700);
      const dir = await w.caseDir('case-1');
      expect(mode(dir)).toBe(0o700);
      await PrivateWorkdir.writeInput(join(dir, 'user.key'), 'secret', true);
      await PrivateWorkdir.writeInput(join(dir, 'in.eml'), 'message');
      expect(mode(join(dir, 'user.key'))).toBe(0o600);
      expect(mode(join(dir, 'in.eml'))).toBe(0o644);
    } finally {
      await w.remove();
    }
    expect(existsSync(w.path)).toBe(false);
  });

  it('never writes through a file or link that is already there', async () => {
    const w = await PrivateWorkdir.create('domsec-workdir-test-');
    try {
      const dir = await w.caseDir('case-1');
      symlinkSync(join(w.path, 'elsewhere'), join(dir, 'user.key'));
      await expect(PrivateWorkdir.writeInput(join(dir, 'user.key'), 'secret', true)).rejects.toMatchObject({ code: 'EEXIST' });
      expect(existsSync(join(w.path, 'elsewhere'))).toBe(false);
      await expect(w.caseDir('case-1')).rejects.toMatchObject({ code: 'EEXIST' });
    } finally {
      w.removeSync();
    }
    expect(existsSync(w.path)).toBe(false);
  });
});
