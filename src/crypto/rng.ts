/**
 * Randomness source for every value CMS needs at random: content-encryption keys, IVs/nonces, ephemeral
 * ECDH keys, RSA encryption padding, serial numbers.
 *
 * The default is the system CSPRNG. Golden vectors need byte-reproducible output, so they pass a
 * SeededRng: HMAC-SHA256 in counter mode over a fixed seed (deterministic, not secret: test use only).
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface Rng {
  bytes(n: number): Buffer;
}

export const systemRng: Rng = { bytes: (n) => randomBytes(n) };

export class SeededRng implements Rng {
  private counter = 0n;
  private pool = Buffer.alloc(0);
  constructor(private readonly seed: Buffer | string) {}

  bytes(n: number): Buffer {
    const parts: Buffer[] = [this.pool];
    let have = this.pool.length;
    while (have < n) {
      const ctr = Buffer.alloc(8);
      ctr.writeBigUInt64BE(this.counter++);
      const block = createHmac('sha256', this.seed).update(ctr).digest();
      parts.push(block);
      have += block.length;
    }
    const all = Buffer.concat(parts);
    this.pool = all.subarray(n);
    return Buffer.from(all.subarray(0, n));
  }

  /** A child stream, so that adding one random draw in one place does not shift every later byte. */
  fork(label: string): SeededRng {
    return new SeededRng(createHmac('sha256', this.seed).update('fork:' + label).digest());
  }
}
