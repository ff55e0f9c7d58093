/**
 * `domsec matrix` on bad input: one line naming the problem, exit status 2, nothing written.
 * (A whole run through the same runner is test/matrix/stability.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/domsec.js', import.meta.url));
const domsec = (...args: string[]) => spawnSync(process.execPath, [BIN, 'matrix', ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

describe('domsec matrix', () => {
  it('refuses an unknown implementation, a stray argument and a snapshot file without markers, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'domsec-matrix-cli-'));
    try {
      const out = join(dir, 'out');
      const notes = join(dir, 'notes.md');
      writeFileSync(notes, 'mine\n');
      for (const [args, message] of [
        [['--implementations', 'openssl,nope', '--out', out], /^domsec matrix: BAD_ARGUMENT: matrix: unknown implementation\(s\) nope \(known: bouncycastle, gpgsm, nss, openssl\)\n$/],
        [['extra', '--out', out], /^domsec matrix: BAD_ARGUMENT: matrix: unexpected argument "extra"/],
        [['--snapshot', notes, '--out', out], /^domsec matrix: OUTPUT_EXISTS: .*notes\.md exists without the matrix markers/],
      ] as const) {
        const r = domsec(...args);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(existsSync(out)).toBe(false);
      expect(readFileSync(notes, 'utf8')).toBe('mine\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
