/**
 * Check golden vectors with the reference engine, reading only what an outside implementer has: the
 * manifest, the files and the keys folder. Returns the problems found (empty when every vector holds).
 * Used by the tests and by `domsec vectors --check`.
 */
import 'reflect-metadata';
import { readBounded } from '../bounded-read.js';
import { MAX_MESSAGE_BYTES } from '../limits.js';
import { join } from 'node:path';
import { loadTestPki, type TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { verifyMessage } from '../domsec/verify.js';
import { applyDomainSignature } from '../domsec/apply.js';
import { contentInfoDer, layerChain, parseMessage, shapeOf } from '../message/layers.js';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { isDomsecError } from '../errors.js';
import type { Manifest, ManifestTest } from './generate.js';

/** Vector files come from wherever --check points: read each within the message size limit (src/limits.ts). */
function readVectorFile(path: string): Buffer {
  const bytes = readBounded(path, MAX_MESSAGE_BYTES, 'vector file', 'MAX_MESSAGE_BYTES').bytes;
  // files.compression gzip (a multi-megabyte vector): inflate within the same limit.
  return path.endsWith('.gz') ? gunzipSync(bytes, { maxOutputLength: MAX_MESSAGE_BYTES }) : bytes;
}

export interface VectorProblem {
  id: string;
  problem: string;
}

function keyPair(pki: TestPki, name: string) {
  const e = pki.entries[name];
  if (!e) throw new Error(`unknown PKI entry ${name}`);
  return { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

export { readVectorFile };

export function checkVector(t: ManifestTest, dir: string, pki: TestPki): string[] {
  const problems: string[] = [];
  const input = readVectorFile(join(dir, t.files.input));
  const anchors = t.trustAnchors.map((n) => pki.entries[n]!.certDer);
  const validationTime = new Date(t.validationTime);
  const keys = t.keys.map((k) => keyPair(pki, k));
  const e = t.expected as Record<string, unknown>;
  if (t.kind === 'verify') {
    const extraCertificates = (t.verify?.extraCertificates ?? []).map((n) => pki.entries[n]!.certDer);
    const r = verifyMessage(input, { trustAnchors: anchors, validationTime, keys, extraCertificates, ...(t.verify?.namingRole ? { namingRole: t.verify.namingRole } : {}) });
    if (r.verdict !== e.verdict) problems.push(`verdict ${r.verdict}, expected ${String(e.verdict)}`);
    if (!sameSet(r.reasons, e.reasons as string[])) problems.push(`reasons [${r.reasons.join(', ')}], expected [${(e.reasons as string[]).join(', ')}]`);
    if (r.shape !== e.shape) problems.push(`shape ${r.shape}, expected ${String(e.shape)}`);
    if (r.domainSignatures !== e.domainSignatures) problems.push(`${r.domainSignatures} domain signatures, expected ${String(e.domainSignatures)}`);
    if (r.originator.identifiedBy !== e.originatorIdentifiedBy) problems.push(`originator identified by ${r.originator.identifiedBy}, expected ${String(e.originatorIdentifiedBy)}`);
    if (!r.authenticationResults.includes(String(e.authenticationResults))) problems.push(`Authentication-Results "${r.authenticationResults}" lacks ${String(e.authenticationResults)}`);
  } else if (t.kind === 'decrypt') {
    const root = parseMessage(input, { keys });
    if (root.kind !== 'envelopedData' && root.kind !== 'authEnvelopedData') problems.push(`outermost layer is ${root.kind}`);
    else if (e.error) {
      if (root.inner) problems.push(`opened, expected ${String(e.error)}`);
      else if (root.openError?.code !== e.error) problems.push(`not opened with ${root.openError?.code ?? '?'}, expected ${String(e.error)}`);
    } else if (!root.inner) problems.push(`not decrypted: ${root.openError?.message ?? '?'}`);
    else {
      const plaintext = readVectorFile(join(dir, t.files.plaintext!));
      if (!root.inner.raw.equals(plaintext)) problems.push('decrypted content differs from the plaintext file');
      if (shapeOf(root.inner) !== e.innerShape) problems.push(`inner shape ${shapeOf(root.inner)}, expected ${String(e.innerShape)}`);
    }
  } else {
    const s = t.sign!;
    for (const policy of ['noEncrypt', 'encrypt'] as const) {
      try {
        const r = applyDomainSignature(input, {
          signers: s.signers.map((n) => keyPair(pki, n)),
          policy: { encryptOutbound: policy === 'encrypt' },
          ...(s.localDca ? { dca: keyPair(pki, s.localDca) } : {}),
          encryptFor: s.encryptFor.map((n) => ({ certDer: pki.entries[n]!.certDer })),
          trustAnchors: anchors,
          validationTime,
          signingTime: validationTime,
          originatorAuthenticated: s.originatorAuthenticated,
        });
        const expected = (e.outputShape as Record<string, string> | undefined)?.[policy];
        if (e.error) problems.push(`${policy}: produced ${r.outputShape}, expected refusal ${String(e.error)}`);
        else if (r.outputShape !== expected) problems.push(`${policy}: output ${r.outputShape}, expected ${expected}`);
      } catch (err) {
        if (!isDomsecError(err)) throw err;
        if (err.code !== e.error) problems.push(`${policy}: ${err.code} (${err.message}), expected ${e.error ? String(e.error) : 'an output'}`);
      }
    }
    // The reference outputs verify for the receiving domain and have the prescribed shape.
    for (const [policy, file] of Object.entries(t.files.referenceOutputs ?? {})) {
      const out = readVectorFile(join(dir, file));
      const receiver = [keyPair(pki, 'example.org/dca-rsa'), ...(s.localDca ? [keyPair(pki, s.localDca)] : [])];
      const r = verifyMessage(out, { trustAnchors: anchors, validationTime, keys: receiver });
      const expected = (e.outputShape as Record<string, string>)[policy];
      if (r.shape !== expected) problems.push(`reference output ${policy}: shape ${r.shape}, expected ${expected}`);
      if (r.verdict !== 'pass') problems.push(`reference output ${policy}: verdict ${r.verdict} [${r.reasons.join(', ')}]`);
      const outLayers = layerChain(parseMessage(out, { keys: receiver }));
      if (outLayers.length === 0) problems.push(`reference output ${policy}: empty`);
      const digests = new Set(outLayers.flatMap((l) => (l.kind === 'signedData' || l.kind === 'envelopedData' || l.kind === 'authEnvelopedData' ? [createHash('sha256').update(contentInfoDer(l)).digest('hex')] : [])));
      for (const k of (e.keptLayers as Array<{ name: string; sha256: string }> | undefined) ?? []) {
        if (!digests.has(k.sha256)) problems.push(`reference output ${policy}: kept layer ${k.name} (sha256 ${k.sha256.slice(0, 12)}...) not found byte-identical`);
      }
    }
  }
  return problems;
}

export async function checkVectors(dir: string): Promise<{ checked: number; problems: VectorProblem[] }> {
  const manifest = JSON.parse(readVectorFile(join(dir, 'manifest.json')).toString('utf8')) as Manifest;
  const pki = await loadTestPki(join(dir, 'keys'));
  const problems: VectorProblem[] = [];
  for (const t of manifest.tests) {
    try {
      for (const p of checkVector(t, dir, pki)) problems.push({ id: t.id, problem: p });
    } catch (err) {
      problems.push({ id: t.id, problem: `threw ${isDomsecError(err) ? err.code : ''} ${(err as Error).message}` });
    }
  }
  return { checked: manifest.tests.length, problems };
}
