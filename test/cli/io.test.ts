/**
 * src/bounded-read.ts and src/cli/io.ts in process (the CLI behaviour itself: output-files.test.ts).
 * Issue 12, items 8 and 9: reads stop at the limit while reading; outputs follow one policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../../src/bounded-read.js';
import { checkOutput, readInput, writeOutput } from '../../src/cli/io.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-io-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readBounded', () => {
  it('reads a file of exactly the limit, and refuses one byte more before reading it', () => {
    writeFileSync(join(dir, 'ten'), Buffer.alloc(10, 1));
    expect(readBounded(join(dir, 'ten'), 10, 'x', 'L').bytes).toEqual(Buffer.alloc(10, 1));
    expect(() => readBounded(join(dir, 'ten'), 9, 'thing', 'SOME_LIMIT')).toThrowError(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: `thing ${join(dir, 'ten')} is larger than 9 bytes (SOME_LIMIT); stopped reading there` }),
    );
  });

  it('stops an endless device at the limit (a size fstat cannot tell)', () => {
    const t0 = process.memoryUsage().arrayBuffers;
    expect(() => readBounded('/dev/zero', 3 * 1024 * 1024, 'message', 'MAX')).toThrowError(expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('larger than 3 MiB') }));
    // What it held is at most the limit plus one chunk (no growth towards gigabytes).
    expect(process.memoryUsage().arrayBuffers - t0).toBeLessThan(64 * 1024 * 1024);
    expect(readBounded('/dev/null', 5, 'x', 'L').bytes.length).toBe(0);
  });

  it('reads an empty file and names why a file cannot be read', () => {
    writeFileSync(join(dir, 'empty'), '');
    expect(readBounded(join(dir, 'empty'), 5, 'x', 'L').bytes.length).toBe(0);
    expect(() => readBounded(join(dir, 'nope'), 5, 'key', 'L')).toThrowError(expect.objectContaining({ code: 'FILE_UNREADABLE', message: `cannot read key ${join(dir, 'nope')}: no such file` }));
    expect(() => readBounded(dir, 5, 'key', 'L')).toThrowError(expect.objectContaining({ code: 'FILE_UNREADABLE', message: `cannot read key ${dir}: is a directory` }));
  });
});

describe('writeOutput', () => {
  it('writes a new file whole, and refuses an existing one unless force', () => {
    const p = join(dir, 'out.eml');
    writeOutput(p, 'one');
    expect(readFileSync(p, 'utf8')).toBe('one');
    expect(() => writeOutput(p, 'two')).toThrowError(expect.objectContaining({ code: 'OUTPUT_EXISTS' }));
    expect(readFileSync(p, 'utf8')).toBe('one');
    writeOutput(p, 'two', { force: true });
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('never writes over a file read as input, even with force', () => {
    const p = join(dir, 'input.eml');
    writeFileSync(p, 'original');
    readInput(p, 'message');
    expect(() => writeOutput(p, 'clobbered', { force: true })).toThrowError(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
    expect(readFileSync(p, 'utf8')).toBe('original');
    const q = join(dir, 'named-input.eml');
    writeFileSync(q, 'original');
    expect(() => checkOutput(q, { force: true, inputs: [q] })).toThrowError(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
  });

  it('gives secrets mode 0600, and keeps a replaced file\'s stricter bits', () => {
    const p = join(dir, 'secret.eml');
    writeOutput(p, 'plaintext', { mode: 0o600 });
    expect(statSync(p).mode & 0o777).toBe(0o600);
    writeOutput(p, 'ciphertext', { force: true });
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });
});
