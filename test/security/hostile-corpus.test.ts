/**
 * Issue 12 ("No false pass"): every hostile message of test/fixtures/hostile/ is verified, and none may
 * pass; each must report the reasons its manifest entry names (written from the rule it breaks, see
 * README.md there), and the benign controls must still pass. The engine is run on every file, the CLI
 * (`domsec verify FILE --trust ca.crt`) on one file per class. The files are what hostile-corpus.ts makes.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { REASONS } from '../../src/domsec/reasons.js';
import { keyOf, testPki } from '../helpers/pki.js';
import { buildCorpus, manifestOf, VALIDATION_TIME, type Corpus } from './hostile-corpus.js';

const DIR = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Row {
  id: string;
  file: string;
  kind: 'hostile' | 'benign';
  keys: string[];
  reasons?: string[];
  notes: string[];
}
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as { validationTime: string; cases: Row[] };

let pki: TestPki;
let corpus: Corpus;
beforeAll(async () => {
  pki = await testPki();
  corpus = await buildCorpus(pki);
}, 120_000);

function verify(row: Row) {
  return verifyMessage(readFileSync(`${DIR}${row.file}`), {
    trustAnchors: [pki.ca.certDer],
    validationTime: new Date(manifest.validationTime),
    keys: row.keys.map((k) => keyOf(pki, k)),
  });
}

describe('hostile corpus (issue 12)', () => {
  it('the files are exactly what the generator makes (npx tsx test/security/make-hostile.ts)', () => {
    expect(JSON.parse(JSON.stringify(manifestOf(corpus)))).toEqual(manifest);
    for (const c of [...corpus.hostile, ...corpus.benign]) expect(readFileSync(`${DIR}${c.id}.eml`).equals(c.message), c.id).toBe(true);
    expect(manifest.validationTime).toBe(VALIDATION_TIME.toISOString());
  });

  it('every hostile entry names a reason or a note, every reason is in the catalogue', () => {
    for (const row of manifest.cases) {
      if (row.kind === 'hostile') expect((row.reasons ?? []).length + row.notes.length, row.id).toBeGreaterThan(0);
      for (const r of [...(row.reasons ?? []), ...row.notes]) expect(r in REASONS, `${row.id}: ${r}`).toBe(true);
    }
  });

  for (const row of manifest.cases.filter((r) => r.kind === 'hostile')) {
    it(`${row.id}: not a pass, ${[...(row.reasons ?? []), ...row.notes].join(', ')}`, () => {
      const r = verify(row);
      expect(r.verdict).not.toBe('pass');
      expect(r.authenticationResults).not.toMatch(/smime=pass/);
      for (const reason of row.reasons ?? []) expect(r.reasons).toContain(reason);
      for (const note of row.notes) expect(r.notes).toContain(note);
    });
  }

  for (const row of manifest.cases.filter((r) => r.kind === 'benign')) {
    it(`control ${row.id}: passes${row.notes.length ? `, noting ${row.notes.join(', ')}` : ''}`, () => {
      const r = verify(row);
      expect(r.verdict, r.reasons.join(', ')).toBe('pass');
      expect(r.notes).toEqual(row.notes);
      // Notes are said in the Authentication-Results comment even on a pass (issue 12, item 5).
      for (const note of row.notes) expect(r.authenticationResults).toContain(note);
    });
  }
});

describe('domsec verify on the hostile corpus (the CLI)', () => {
  const cli = (file: string, keys: string[]) => {
    const args = [fileURLToPath(new URL('../../bin/domsec.js', import.meta.url)), 'verify', `${DIR}${file}`, '--trust', `${DIR}ca.crt`, '--at', manifest.validationTime];
    // The test PKI's keys (not vectors/keys, a PKI of its own), written 0600 to a private folder.
    const dir = mkdtempSync(join(tmpdir(), 'domsec-hostile-'));
    keys.forEach((k, i) => {
      const e = pki.entries[k]!;
      writeFileSync(join(dir, `${i}.crt`), e.certPem, { mode: 0o600 });
      writeFileSync(join(dir, `${i}.key`), e.keyPem, { mode: 0o600 });
      args.push('--cert', join(dir, `${i}.crt`), '--key', join(dir, `${i}.key`));
    });
    return spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  };
  const picks = [
    'cert-malformed-san-domain-sig-over-empty-layer', 'multipart-signed-attached-other-content', 'from-trailing-semicolon', 'leaf-eku-server-auth', 'cbc-iv-flipped-signed',
  ];
  for (const id of picks) {
    it(`${id}: exit 1, no smime=pass, the reason shown`, () => {
      const row = manifest.cases.find((r) => r.id === id)!;
      const r = cli(row.file, row.keys);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^verdict: (fail|policy|none|neutral)$/m);
      expect(r.stdout).not.toMatch(/smime=pass/);
      for (const reason of [...(row.reasons ?? []), ...row.notes]) expect(r.stdout).toContain(reason);
    }, 60_000);
  }
  it('control-cbc-signed: exit 0, smime=pass with the unauthenticated-encryption note', () => {
    const row = manifest.cases.find((r) => r.id === 'control-cbc-signed')!;
    const r = cli(row.file, row.keys);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Authentication-Results: domsec\.invalid; smime=pass \(signature verified; ENCRYPTION_NOT_AUTHENTICATED/);
  }, 60_000);
});
