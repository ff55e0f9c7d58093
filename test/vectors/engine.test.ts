import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { checkVectors } from '../../src/vectors/check.js';

const VECTORS = fileURLToPath(new URL('../../vectors/', import.meta.url));

describe('the reference engine on every golden vector', () => {
  it('verifies, decrypts and signs each vector exactly as its manifest entry says (negative ones with exactly the named reason codes)', async () => {
    const r = await checkVectors(VECTORS);
    expect(r.checked).toBeGreaterThan(80);
    expect(r.problems).toEqual([]);
  });
});
