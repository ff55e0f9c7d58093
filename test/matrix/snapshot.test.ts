/**
 * The snapshot writer and the index page, on a small matrix written here (a fixture, not a run): the
 * generated part is replaced between its markers and nothing else; a file without the markers is not
 * overwritten; every cell that is not PASS gets its note; cells link to their evidence, escaped.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNAPSHOT_BEGIN, SNAPSHOT_END, snapshotMarkdown, stableText, writeSnapshot } from '../../src/matrix/snapshot.js';
import { renderIndex } from '../../src/matrix/index-page.js';
import type { Matrix } from '../../src/matrix/run.js';

const matrix: Matrix = JSON.parse(readFileSync(new URL('../fixtures/matrix/small-matrix.json', import.meta.url), 'utf8')) as Matrix;

describe('snapshot', () => {
  it('has a row per case, the skipped implementation\'s reason, and a note for each cell that is not PASS', () => {
    const md = snapshotMarkdown(matrix);
    expect(md).toContain('| `case-a-receive-rsa` | PASS | skipped |');
    expect(md).toContain('| `naming-foreign-domain` | NOT TESTED | skipped |');
    expect(md).toContain('skipped: not installed: cmsutil not found on PATH');
    expect(md).toContain('- `naming-foreign-domain`: NOT TESTED: cannot be graded');
    expect(md).toContain('- `empty-layer-domain-signed`: FAIL (DOMSEC-2.3-EMPTY-LAYER-ID-DATA): refused layer 2 (S[empty]) with exit status 4 (error:17000087:CMS routines');
    expect(md).not.toContain('40776EB01C7F0000');
    expect(md).not.toMatch(/- `case-a-receive-rsa`/);
  });
  it('replaces only the part between the markers, and refuses a file without them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'domsec-snapshot-'));
    try {
      const p = join(dir, 'implementations.md');
      writeFileSync(p, `# Title\n\nfindings above\n\n${SNAPSHOT_BEGIN}\nold table\n${SNAPSHOT_END}\n\nfindings below\n`);
      writeSnapshot(p, matrix);
      const text = readFileSync(p, 'utf8');
      expect(text.startsWith('# Title\n\nfindings above\n\n')).toBe(true);
      expect(text.endsWith('\n\nfindings below\n')).toBe(true);
      expect(text).not.toContain('old table');
      expect(text).toContain('| `domain-signed` |');
      const other = join(dir, 'notes.md');
      writeFileSync(other, 'my notes\n');
      expect(() => writeSnapshot(other, matrix)).toThrow(/without the matrix markers/);
      expect(readFileSync(other, 'utf8')).toBe('my notes\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('masks what differs from run to run in a reason, and only that', () => {
    expect(stableText('40776EB01C7F0000:error:17000087:CMS routines in /tmp/domsec-reader-x/case-1/step-1.out after 1234 ms')).toBe('error:17000087:CMS routines in <tmp> after N ms');
  });
});

describe('index page', () => {
  it('links every cell to its evidence, escapes reasons, and says why an implementation was skipped', () => {
    const html = renderIndex(matrix);
    expect(html).toContain('href="openssl/report.html#case-1"');
    expect(html).toContain('href="openssl/report.html#req-DOMSEC-4-CLIENT-CASES"');
    expect(html).toContain('skipped: not installed: cmsutil not found on PATH');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('OpenSSL 3.0.19');
  });
});
