/** Issue 2: `domsec inspect` reads all ten objects of the external corpus (made by another implementation). */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = fileURLToPath(new URL('../fixtures/interop/examples-cms/binary-files/', import.meta.url));

// Ten processes: a hang bound for a loaded machine, not a speed test.
describe('domsec inspect on the external CMS corpus', { timeout: 240_000 }, () => {
  it('reads all ten objects, naming layers, signers and recipients (one process per object)', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.p7m')).sort();
    expect(files).toHaveLength(10);
    for (const f of files) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/domsec.js'), 'inspect', join(CORPUS, f), '--json'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
      const d = JSON.parse(r.stdout) as { shape: string; layers: Array<{ signers?: unknown[]; recipients?: Array<{ kind: string; keyEncryptionAlgorithm: string }> }> };
      expect(d.shape, f).toMatch(/^(S\[-\]\((data|detached)\)|[EA]\(\?\))$/);
      const top = d.layers[0]!;
      expect((top.signers?.length ?? 0) + (top.recipients?.length ?? 0), f).toBeGreaterThan(0);
      if (f.startsWith('encryptedKekri')) expect(top.recipients![0]!.kind).toBe('kekri');
    }
  });
});
