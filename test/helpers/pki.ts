/**
 * One test PKI for the engine tests, generated from pinned keys (test/fixtures/pki/keys.json) so that
 * a test run does not spend seconds on RSA key generation. Regenerate the keys file with
 * `npx tsx test/fixtures/pki/make-keys.ts` (the file holds test-only keys).
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTestPki, type PkiEntry, type TestPki } from '../../src/pki/index.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import type { RecipientKey } from '../../src/cms/recipient-info.js';
import type { DomainSignerKey } from '../../src/message/build.js';

const KEYS = fileURLToPath(new URL('../fixtures/pki/keys.json', import.meta.url));

let cached: Promise<TestPki> | undefined;

export function testPki(): Promise<TestPki> {
  cached ??= generateTestPki({ keys: JSON.parse(readFileSync(KEYS, 'utf8')) as Record<string, string> });
  return cached;
}

export function entry(pki: TestPki, name: string): PkiEntry {
  const e = pki.entries[name];
  if (!e) throw new Error(`no PKI entry ${name}`);
  return e;
}

export function keyOf(pki: TestPki, name: string): RecipientKey & DomainSignerKey {
  const e = entry(pki, name);
  return { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
}

export function anchors(pki: TestPki): Buffer[] {
  return [pki.ca.certDer];
}
