/**
 * Implementation files (adapters/<id>/implementation.json): the shipped ones load; a bad one is one line
 * naming the problem; skipping an implementation that is not installed names what is missing.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImplementation, onPath, shippedImplementations } from '../../src/matrix/implementation.js';
import { probe } from '../../src/matrix/run.js';
import { substituteReader } from '../../src/matrix/placeholders.js';

const base = { id: 'x', name: 'X', adapter: '../openssl/openssl.adapter.json', requires: ['openssl'], version: ['openssl', 'version'], reader: { verify: ['openssl', '{in}', '{out}', '{trust}'], decrypt: ['openssl', '{in}', '{out}', '{key}'], checks: 'signatures' } };

function withFile<T>(data: unknown, fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'domsec-impl-'));
  try {
    const p = join(dir, 'implementation.json');
    writeFileSync(p, JSON.stringify(data));
    return fn(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadImplementation', () => {
  it('loads every shipped implementation with an adapter file', () => {
    for (const i of shippedImplementations()) expect(i.adapterFile).toMatch(new RegExp(`adapters/${i.id}/${i.id}\\.adapter\\.json$`));
  });
  it('refuses an unknown placeholder, a missing {out}, a placeholder as the program and an unknown field', () => {
    withFile({ ...base, reader: { ...base.reader, verify: ['openssl', '{in}', '{out}', '{trustAnchor}'] } }, (p) => expect(() => loadImplementation(p)).toThrow(/\/reader\/verify\/3 unknown placeholder \{trustAnchor\}/));
    withFile({ ...base, reader: { ...base.reader, decrypt: ['openssl', '{in}'] } }, (p) => expect(() => loadImplementation(p)).toThrow(/\/reader\/decrypt must use \{in\} and \{out\}/));
    withFile({ ...base, reader: { ...base.reader, verify: ['{in}', '{out}'] } }, (p) => expect(() => loadImplementation(p)).toThrow(/the program cannot be a placeholder/));
    withFile({ ...base, shell: 'sh -c' }, (p) => expect(() => loadImplementation(p)).toThrow(/must NOT have additional properties \(shell\)/));
  });
  it('substitutes each placeholder inside one argv element, whatever the value contains', () => {
    expect(substituteReader(['t', '--in={in}', '{out}'], { in: 'a b;$(x)', out: 'o' })).toEqual(['t', '--in=a b;$(x)', 'o']);
  });
});

describe('probe', () => {
  it('skips an implementation whose program is not installed, naming it and its packages', async () => {
    const r = await withFile({ ...base, requires: ['domsec-no-such-tool'], packages: ['no-such-package'] }, (p) => probe(loadImplementation(p)));
    expect(r).toEqual({ skipped: 'not installed: domsec-no-such-tool not found on PATH (Debian: apt-get install no-such-package; .ci/install-matrix.sh)' });
    expect(onPath('sh')).toBeDefined();
  });
  it('skips one whose preparation fails, with the command\'s last line', async () => {
    const r = await withFile({ ...base, prepare: [['node', '-e', 'console.error("javac: not a JDK"); process.exit(3)']] }, (p) => probe(loadImplementation(p)));
    expect(r).toEqual({ skipped: expect.stringMatching(/^preparation failed: node -e .*: javac: not a JDK$/) });
  });
  it('reads the version of an installed one', async () => {
    const r = await withFile(base, (p) => probe(loadImplementation(p)));
    expect(r).toEqual({ version: expect.stringMatching(/^OpenSSL \d/) });
  });
});
