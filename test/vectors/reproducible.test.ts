import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vectors } from '../../src/cli/commands/vectors.js';
import { generateVectors } from '../../src/vectors/generate.js';

const VECTORS = fileURLToPath(new URL('../../vectors/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'domsec-vectors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('golden vectors are reproducible', () => {
  it('the plain `domsec vectors --out DIR` (pinned keys by default) gives the committed vectors byte for byte', async () => {
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await vectors.run(['--out', tmp])).toBe(0);
    } finally {
      process.stderr.write = stderr;
    }
    const generated = tree(tmp);
    // Hand-written files live beside the generated ones.
    const committed = tree(VECTORS).filter((f) => f !== 'schema.json' && f !== 'README.md');
    expect(generated).toEqual(committed);
    const differing = generated.filter((f) => !readFileSync(join(tmp, f)).equals(readFileSync(join(VECTORS, f))));
    expect(differing, 'files that differ after regeneration: run `npm run vectors` and commit').toEqual([]);
  });

  it('refuses --keys with --fresh-keys, and a keys folder without pki.json, writing nothing', async () => {
    const out = join(tmp, 'refused');
    await expect(vectors.run(['--out', out, '--keys', join(VECTORS, 'keys'), '--fresh-keys'])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(generateVectors(out, join(tmp, 'no-such-keys'))).rejects.toThrow(/no pinned keys .*--fresh-keys/);
    expect(() => statSync(out)).toThrow();
  });

  it('refuses a non-empty folder that holds no vector set, and keeps files of an earlier set it did not write', async () => {
    const foreign = join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(generateVectors(foreign)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    // tmp holds the set written above: a file of the user's beside it survives regeneration.
    writeFileSync(join(tmp, 'receive', 'my-own.eml'), 'mine');
    await generateVectors(tmp);
    expect(readFileSync(join(tmp, 'receive', 'my-own.eml'), 'utf8')).toBe('mine');
    rmSync(join(tmp, 'receive', 'my-own.eml'));
    rmSync(foreign, { recursive: true });
  });

  it('writes private keys with mode 0600', () => {
    const keys = tree(tmp).filter((f) => f.endsWith('.key'));
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(statSync(join(tmp, k)).mode & 0o777, k).toBe(0o600);
  });
});
