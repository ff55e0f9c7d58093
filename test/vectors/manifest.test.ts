import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Manifest } from '../../src/vectors/generate.js';
import { FLAGS } from '../../src/vectors/flags.js';
import { REASONS } from '../../src/domsec/reasons.js';

const VECTORS = fileURLToPath(new URL('../../vectors/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(VECTORS, 'manifest.json'), 'utf8')) as Manifest;
const schema = JSON.parse(readFileSync(join(VECTORS, 'schema.json'), 'utf8')) as object;
const requirements = JSON.parse(readFileSync(fileURLToPath(new URL('../../suites/requirements.json', import.meta.url)), 'utf8')) as { requirements: Array<{ id: string }> };
const pki = JSON.parse(readFileSync(join(VECTORS, 'keys/pki.json'), 'utf8')) as { entries: Array<{ name: string }> };

describe('vectors/manifest.json', () => {
  it('validates against vectors/schema.json', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects an unknown field and a missing required one (it can fail)', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    const extra = structuredClone(manifest) as unknown as { tests: Array<Record<string, unknown>> };
    extra.tests[0]!.surprise = 1;
    expect(validate(extra)).toBe(false);
    const missing = structuredClone(manifest) as unknown as { tests: Array<Record<string, unknown>> };
    delete missing.tests[0]!.requirements;
    expect(validate(missing)).toBe(false);
  });

  it('has unique ids, generator-assigned tcIds 1..n, and every file it names', () => {
    expect(new Set(manifest.tests.map((t) => t.id)).size).toBe(manifest.tests.length);
    expect(manifest.tests.map((t) => t.tcId)).toEqual(manifest.tests.map((_, i) => i + 1));
    expect(manifest.numberOfTests).toBe(manifest.tests.length);
    for (const t of manifest.tests) {
      const files = [t.files.input, t.files.der, t.files.plaintext, t.files.referenceOutputs?.noEncrypt, t.files.referenceOutputs?.encrypt].filter((f): f is string => !!f);
      for (const f of files) expect(existsSync(join(VECTORS, f)), `${t.id}: ${f}`).toBe(true);
    }
  });

  it('defines every flag once, and names only known requirements, reason codes and PKI entries', () => {
    const reqIds = new Set(requirements.requirements.map((r) => r.id));
    const entries = new Set(pki.entries.map((e) => e.name));
    expect(Object.keys(manifest.notes).sort()).toEqual(Object.keys(FLAGS).sort());
    for (const t of manifest.tests) {
      for (const f of t.flags) expect(manifest.notes[f], `${t.id}: flag ${f}`).toBeDefined();
      for (const r of t.requirements) expect(reqIds.has(r), `${t.id}: requirement ${r}`).toBe(true);
      for (const k of [...t.keys, ...t.trustAnchors, ...(t.verify?.extraCertificates ?? []), ...(t.sign ? [...t.sign.signers, ...t.sign.encryptFor] : [])]) expect(entries.has(k), `${t.id}: key ${k}`).toBe(true);
      for (const r of (t.expected.reasons as string[] | undefined) ?? []) expect(r in REASONS, `${t.id}: reason ${r}`).toBe(true);
    }
  });

  it('covers the four encryption cases, the seven Section 5 examples, the empty layer, acceptance, BER and the negative catalogue', () => {
    const ids = manifest.tests.map((t) => t.id);
    for (const c of ['a', 'b', 'c', 'd']) for (const kt of ['rsa-pkcs1', 'rsa-oaep', 'ecdh']) for (const ci of ['cbc', 'gcm']) expect(ids).toContain(`domsec::encryption::case-${c}-${kt}-${ci}`);
    for (let n = 1; n <= 7; n++) expect(ids).toContain(`domsec::section5::example-${n}`);
    expect(ids).toContain('domsec::signing::unsigned-empty-layer');
    const byFlag = (f: string) => manifest.tests.filter((t) => t.flags.includes(f));
    for (const f of Object.keys(FLAGS)) expect(byFlag(f).length, `flag ${f} used`).toBeGreaterThan(0);
    expect(manifest.tests.filter((t) => t.kind === 'verify' && t.result === 'invalid').length).toBeGreaterThanOrEqual(20);
  });
});
