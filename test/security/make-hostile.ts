/**
 * Writes the hostile corpus (./hostile-corpus.ts) to test/fixtures/hostile/: one .eml per case, the trust
 * anchor (ca.crt) and manifest.json (id, what it attacks, the keys that open it, the reasons and notes
 * verification must report). Run: npx tsx test/security/make-hostile.ts
 * Deterministic: running it again changes no byte (hostile-corpus.test.ts checks that).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { certToPem } from '../../src/x509/certificate.js';
import { testPki } from '../helpers/pki.js';
import { buildCorpus, manifestOf } from './hostile-corpus.js';

const DIR = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));

const pki = await testPki();
const corpus = await buildCorpus(pki);
mkdirSync(DIR, { recursive: true });
writeFileSync(`${DIR}ca.crt`, certToPem(pki.ca.certDer));
for (const c of [...corpus.hostile, ...corpus.benign]) writeFileSync(`${DIR}${c.id}.eml`, c.message);
writeFileSync(`${DIR}manifest.json`, JSON.stringify(manifestOf(corpus), null, 2) + '\n');
process.stdout.write(`wrote ${corpus.hostile.length} hostile and ${corpus.benign.length} benign messages to ${DIR}\n`);
