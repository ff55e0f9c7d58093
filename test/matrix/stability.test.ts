/**
 * The whole matrix, twice: every shipped implementation runs (none skipped: .ci/install-matrix.sh
 * installs them), every cell is explained (PASS; FAIL or WARN naming its requirement; otherwise a
 * reason), and the two runs agree cell by cell (verdict, requirement, and reason once the per-run noise
 * is masked: OpenSSL's thread ids in its error lines, temporary paths). The index page and the snapshot
 * are drawn from the run and link every cell to its evidence.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCases } from '../../suites/client.js';
import { shippedImplementations } from '../../src/matrix/implementation.js';
import { runMatrix, type Matrix } from '../../src/matrix/run.js';
import { readerCases } from '../../src/matrix/reader.js';
import { renderIndex } from '../../src/matrix/index-page.js';
import { snapshotMarkdown, stableText } from '../../src/matrix/snapshot.js';
import { readResults } from '../../src/report/results-file.js';

/** Every cell of a matrix as one comparable line. */
function cells(m: Matrix): string[] {
  return m.implementations.flatMap((r) => [
    `${r.id} ${r.status} ${r.reason ?? ''}`,
    ...Object.entries(r.cases).map(([id, c]) => `${r.id} ${id} ${c.verdict} ${c.requirement ?? ''} ${stableText(c.reason)}`),
    ...Object.entries(r.requirements).map(([id, c]) => `${r.id} ${id} ${c.verdict} ${c.requirement ?? ''}`),
  ]);
}

describe('domsec matrix', () => {
  it('runs every implementation, explains every cell, and gives the same results twice', async () => {
    const out = mkdtempSync(join(tmpdir(), 'domsec-matrix-test-'));
    try {
      const impls = shippedImplementations();
      const t0 = Date.now();
      const a = await runMatrix({ implementations: impls, clientCases, suiteVersion: 'test', out: join(out, 'a') });
      const firstMs = Date.now() - t0;
      const b = await runMatrix({ implementations: impls, clientCases, suiteVersion: 'test', out: join(out, 'b') });

      expect(a.matrix.implementations.filter((r) => r.status !== 'ran').map((r) => `${r.id}: ${r.reason}`)).toEqual([]);
      const columns = a.matrix.columns.length;
      expect(columns).toBe(clientCases.length + readerCases().length);
      for (const r of a.matrix.implementations) {
        expect(Object.keys(r.cases)).toHaveLength(columns);
        for (const [id, c] of [...Object.entries(r.cases), ...Object.entries(r.requirements)]) {
          const explained = c.verdict === 'PASS' || ((c.verdict === 'FAIL' || c.verdict === 'WARN') && !!c.requirement && c.reason.length > 0) || (c.verdict !== 'FAIL' && c.verdict !== 'WARN' && c.reason.length > 0);
          expect(explained, `${r.id} ${id} ${c.verdict}: ${c.reason}`).toBe(true);
        }
        // The per-implementation files are the suite's own results.json and report, readable as any run's.
        const results = readResults(join(out, 'a', r.id, 'results.json'));
        expect(results.cases).toHaveLength(columns);
        expect(existsSync(join(out, 'a', r.id, 'report.html'))).toBe(true);
      }
      expect(cells(b.matrix)).toEqual(cells(a.matrix));

      const html = renderIndex(a.matrix);
      for (const r of a.matrix.implementations) for (const c of Object.values(r.cases)) expect(html).toContain(`href="${c.href}"`);
      expect(snapshotMarkdown(a.matrix)).toContain('| `domain-signed` |');
      // Reported, not asserted on (timing is the benchmark's business): the first run's duration.
      console.log(`matrix run: ${(firstMs / 1000).toFixed(1)} s for ${impls.length} implementations`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 1_800_000);
});
