/**
 * The golden-vector generator: declarations (src/vectors/cases/) + pinned keys (vectors/keys/) + fixed
 * times + a seeded RNG -> vectors/manifest.json and one folder per area. Regenerating changes no byte.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DEFAULT_PKI_NOW, generateTestPki, loadTestPki, pkiKeys, pkiManifest, type TestPki } from '../pki/index.js';
import { SeededRng } from '../crypto/rng.js';
import { applyDomainSignature } from '../domsec/apply.js';
import { decodeBody, parseEntity, classifyEntity } from '../mime/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { DomsecError, isDomsecError } from '../errors.js';
import { BUG_TYPES, FLAGS } from './flags.js';
import { VectorContext, VECTOR_TIME } from './context.js';
import type { VectorDecl } from './model.js';
import { encryptionVectors } from './cases/encryption.js';
import { section5Vectors } from './cases/section5.js';
import { receivingVectors } from './cases/receiving.js';
import { signerVectors } from './cases/signers.js';
import { structureVectors } from './cases/structure.js';
import { moreVectors } from './cases/more.js';
import { decryptNegativeVectors } from './cases/decrypt-negative.js';
import { namingVectors } from './cases/naming.js';
import { packagePath } from '../paths.js';

export const VECTOR_SEED = 'domsec-suite golden vectors, seed 1';
export const SPEC = 'draft-melnikov-smime-msa-to-mda-02';
export const MANIFEST_FORMAT = 'domsec-vectors/1';

export const ALL_VECTORS: readonly VectorDecl[] = [...encryptionVectors, ...section5Vectors, ...receivingVectors, ...signerVectors, ...structureVectors, ...moreVectors, ...decryptNegativeVectors, ...namingVectors];

export interface ManifestTest {
  tcId: number;
  id: string;
  kind: VectorDecl['kind'];
  description: string;
  sections: string[];
  notes: string[];
  requirements: string[];
  flags: string[];
  result: VectorDecl['result'];
  files: { input: string; compression?: 'gzip'; der?: string; plaintext?: string; referenceOutputs?: { noEncrypt: string; encrypt: string } };
  keys: string[];
  trustAnchors: string[];
  validationTime: string;
  sign?: NonNullable<VectorDecl['sign']>;
  verify?: NonNullable<VectorDecl['verify']>;
  expected: Record<string, unknown>;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  spec: string;
  generatorVersion: string;
  numberOfTests: number;
  validationTime: string;
  pki: string;
  bugTypes: Record<string, string>;
  notes: Record<string, { bugType: string; description: string }>;
  tests: ManifestTest[];
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The pinned keys the committed vectors are made from (vectors/keys of this package). */
export const PINNED_KEYS_DIR = packagePath('vectors/keys') + '/';

/**
 * The PKI the vectors are made from: the pinned one in keysDir (default), or with `fresh` a new random
 * one (the vectors then differ from the committed ones in every signature and key). When the test PKI
 * has gained entries since the keys were pinned, they are added with new keys (written out with the
 * vectors, pinned thereafter); the pinned entries are re-derived from their keys and must come out
 * byte-identical, or the generator stops rather than change them.
 */
export async function loadVectorPki(keysDir: string = PINNED_KEYS_DIR, opts: { fresh?: boolean } = {}): Promise<TestPki> {
  if (opts.fresh) return generateTestPki({ now: DEFAULT_PKI_NOW });
  if (!existsSync(join(keysDir, 'pki.json'))) {
    throw new DomsecError('FILE_UNREADABLE', `no pinned keys in ${keysDir} (pki.json missing): pass --keys DIR, or --fresh-keys for a new random PKI`);
  }
  const pinned = await loadTestPki(keysDir);
  const full = await generateTestPki({ now: pinned.now, domains: pinned.domains, keys: pkiKeys(pinned) });
  if (Object.keys(full.entries).every((n) => pinned.entries[n])) return pinned;
  for (const [name, e] of Object.entries(pinned.entries)) {
    if (!full.entries[name]?.certDer.equals(e.certDer)) throw new DomsecError('KEY_MISMATCH', `pinned certificate ${name} would change when the PKI gains entries: regenerate the keys deliberately (--fresh-keys)`);
  }
  return full;
}

/** The keys folder as files (same layout and bytes as writeTestPki): cert PEM, PKCS#8 key, pki.json. */
function pkiFiles(pki: TestPki): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of Object.values(pki.entries)) {
    const base = e.domain ? `${e.domain}/${e.shortName}` : e.shortName;
    files.set(`keys/${base}.crt`, Buffer.from(e.certPem, 'utf8'));
    files.set(`keys/${base}.key`, Buffer.from(e.keyPem, 'utf8'));
  }
  files.set('keys/pki.json', Buffer.from(`${JSON.stringify(pkiManifest(pki), null, 2)}\n`));
  return files;
}

/** Build every vector in memory: file path (relative to the vectors folder) -> bytes. */
export async function buildVectors(pki: TestPki): Promise<{ manifest: Manifest; files: Map<string, Buffer> }> {
  const seed = new SeededRng(VECTOR_SEED);
  const files = pkiFiles(pki);
  const tests: ManifestTest[] = [];
  ALL_VECTORS.forEach((decl, i) => {
    const [, area, slug] = decl.id.split('::');
    if (!area || !slug) throw new Error(`vector id ${decl.id} is not <suite>::<area>::<name>`);
    const ctx = new VectorContext(pki, decl.id, seed);
    const built = decl.build(ctx);
    const base = `${area}/${slug}`;
    const t: ManifestTest = {
      tcId: i + 1, id: decl.id, kind: decl.kind, description: decl.description, sections: [...new Set(decl.sections)], notes: decl.notes,
      requirements: decl.requirements, flags: decl.flags, result: decl.result, files: { input: `${base}.eml` }, keys: decl.keys,
      trustAnchors: ['ca'], validationTime: VECTOR_TIME.toISOString(), expected: {},
    };
    const entity = parseEntity(built.message);
    if (decl.compact) {
      // Several megabytes of repetitive content: gzip (RFC 1952, mtime 0, level 9) keeps the repository small
      // and the bytes reproducible; the manifest says so (files.compression).
      t.files = { input: `${base}.eml.gz`, compression: 'gzip' };
      files.set(`${base}.eml.gz`, gzipSync(built.message, { level: 9 }));
    } else files.set(`${base}.eml`, built.message);
    if (!decl.compact && classifyEntity(entity).kind !== 'content') {
      files.set(`${base}.der`, decodeBody(entity));
      t.files.der = `${base}.der`;
    }
    if (decl.kind === 'decrypt') {
      if (built.plaintext) {
        files.set(`${base}.plaintext.eml`, built.plaintext);
        t.files.plaintext = `${base}.plaintext.eml`;
      }
      t.expected = { ...decl.expectDecrypt };
    } else if (decl.kind === 'verify') {
      if (decl.verify) t.verify = decl.verify;
      t.expected = { ...decl.expectVerify, authenticationResults: `smime=${decl.expectVerify!.verdict}` };
    } else {
      t.sign = decl.sign!;
      const { keptLayers, ...expectSign } = decl.expectSign!;
      t.expected = { ...expectSign };
      if (keptLayers?.length) {
        // Draft Section 5: these inner layers go out unchanged. Their CMS objects (DER as built, MIME headers
        // aside) must appear in every output with exactly these SHA-256 digests.
        t.expected.keptLayers = keptLayers.map((name) => ({ name, sha256: createHash('sha256').update(decodeBody(parseEntity(built.kept![name]!))).digest('hex') }));
      }
      if (decl.expectSign?.outputShape) {
        const key = (n: string) => ({ certDer: pki.entries[n]!.certDer, key: loadPrivateKey(pki.entries[n]!.keyPem) });
        const outputs = { noEncrypt: `${base}.out-noencrypt.eml`, encrypt: `${base}.out-encrypt.eml` };
        for (const policy of ['noEncrypt', 'encrypt'] as const) {
          const r = applyDomainSignature(built.message, {
            signers: decl.sign!.signers.map(key),
            policy: { encryptOutbound: policy === 'encrypt' },
            ...(decl.sign!.localDca ? { dca: key(decl.sign!.localDca) } : {}),
            encryptFor: decl.sign!.encryptFor.map((n) => ({ certDer: pki.entries[n]!.certDer })),
            trustAnchors: [pki.ca.certDer],
            validationTime: VECTOR_TIME,
            signingTime: VECTOR_TIME,
            originatorAuthenticated: decl.sign!.originatorAuthenticated,
            rng: seed.fork(`${decl.id}/reference-output/${policy}`),
          });
          files.set(outputs[policy], r.message);
        }
        t.files.referenceOutputs = outputs;
      }
    }
    tests.push(t);
  });
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    spec: SPEC,
    generatorVersion: packageVersion(),
    numberOfTests: tests.length,
    validationTime: VECTOR_TIME.toISOString(),
    pki: 'keys/pki.json',
    bugTypes: { ...BUG_TYPES },
    notes: Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, { bugType: v.bugType, description: v.description }])),
    tests,
  };
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  return { manifest, files };
}

/**
 * The files of an earlier vector set in outDir, the only ones a new set may replace or remove: the
 * manifest, every file it lists, the keys folder's pki.json and the files it lists. A non-empty outDir
 * that holds no manifest.json is not a vector set and is refused (OUTPUT_EXISTS): nothing the generator
 * did not write is ever removed or overwritten (README.md and schema.json beside the set stay).
 */
function earlierSet(outDir: string): Set<string> {
  if (!existsSync(outDir) || readdirSync(outDir).length === 0) return new Set();
  const refuse = (why: string) => new DomsecError('OUTPUT_EXISTS', `${outDir} ${why}: refusing to write vectors there (choose an empty or new folder)`);
  if (!existsSync(join(outDir, 'manifest.json'))) throw refuse('is not empty and holds no vector set (manifest.json)');
  let old: Manifest;
  try {
    old = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw refuse('holds a manifest.json that is not JSON');
  }
  if (old?.format !== MANIFEST_FORMAT || !Array.isArray(old.tests)) throw refuse(`holds a manifest.json that is not ${MANIFEST_FORMAT}`);
  const files = new Set<string>(['manifest.json']);
  for (const t of old.tests) {
    const f = t.files ?? {};
    for (const p of [f.input, f.der, f.plaintext, f.referenceOutputs?.noEncrypt, f.referenceOutputs?.encrypt]) if (typeof p === 'string') files.add(p);
  }
  const pkiJson = join(outDir, 'keys', 'pki.json');
  if (existsSync(pkiJson)) {
    files.add('keys/pki.json');
    try {
      const m = JSON.parse(readFileSync(pkiJson, 'utf8')) as { entries?: Array<{ cert?: unknown; key?: unknown }> };
      for (const e of m.entries ?? []) for (const p of [e.cert, e.key]) if (typeof p === 'string') files.add(`keys/${p}`);
    } catch {
      // An unreadable pki.json lists nothing: its files are left alone (and replaced only where the new set writes the same names).
    }
  }
  // Only plain relative paths inside outDir count.
  return new Set([...files].filter((f) => !isAbsolute(f) && !normalize(f).startsWith('..')).map((f) => normalize(f)));
}

/**
 * Write the vectors to outDir. Everything is built in memory first and staged in outDir; then each file
 * is renamed into place, and files of the earlier set that the new one no longer has are removed. A
 * failure while building or staging leaves the earlier vectors untouched and never a half-written file.
 */
export async function generateVectors(outDir: string, keysDir: string = PINNED_KEYS_DIR, opts: { fresh?: boolean } = {}): Promise<Manifest> {
  const old = earlierSet(outDir);
  const { manifest, files } = await buildVectors(await loadVectorPki(keysDir, opts));
  mkdirSync(outDir, { recursive: true });
  const staging = join(outDir, `.staging-${randomBytes(4).toString('hex')}`);
  try {
    for (const [rel, data] of files) {
      const p = join(staging, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data, { mode: rel.startsWith('keys/') && rel.endsWith('.key') ? 0o600 : 0o644 });
    }
    for (const rel of files.keys()) {
      mkdirSync(dirname(join(outDir, rel)), { recursive: true });
      renameSync(join(staging, rel), join(outDir, rel));
    }
    for (const rel of old) if (!files.has(rel)) rmSync(join(outDir, rel), { force: true });
  } catch (e) {
    throw isDomsecError(e) ? e : new DomsecError('WRITE_FAILED', `cannot write vectors to ${outDir}: ${(e as Error).message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return manifest;
}
