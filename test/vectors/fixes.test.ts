/**
 * Flaws found in the golden vectors by independent checking (issue 14, "Fix"), each pinned by a test
 * that reads only the committed vectors: the originator signature names the From: address, BER twins
 * have the structure of their DER twins, and `acceptable` vectors state their latitude.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestPki, type TestPki } from '../../src/pki/index.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { layerChain, parseMessage, type EnvelopeLayer } from '../../src/message/layers.js';
import { parseEntity } from '../../src/mime/index.js';
import { readVectorFile } from '../../src/vectors/check.js';
import type { Manifest } from '../../src/vectors/generate.js';

const VECTORS = fileURLToPath(new URL('../../vectors/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(VECTORS, 'manifest.json'), 'utf8')) as Manifest;
const byId = (id: string) => manifest.tests.find((t) => t.id === id)!;
let pki: TestPki;
beforeAll(async () => {
  pki = await loadTestPki(join(VECTORS, 'keys'));
});
const keysOf = (names: string[]) => names.map((n) => ({ certDer: pki.entries[n]!.certDer, key: loadPrivateKey(pki.entries[n]!.keyPem) }));

describe('fixed golden vectors', () => {
  it('every passing vector that identifies the originator by S1 has S1 by a certificate for the From: address (RFC 8550 3; tc53 ascendant-domain was not)', () => {
    const checked: string[] = [];
    for (const t of manifest.tests.filter((x) => x.kind === 'verify' && x.expected.verdict === 'pass' && x.expected.originatorIdentifiedBy === 'originatorSignature')) {
      const input = readVectorFile(join(VECTORS, t.files.input));
      const from = parseEntity(input).headers.find((h) => h.name.toLowerCase() === 'from')!.value;
      const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
      const r = verifyMessage(input, { trustAnchors: [pki.ca.certDer], validationTime: new Date(t.validationTime), keys: keysOf(t.keys) });
      expect(r.originator.identity, t.id).toBe(address);
      checked.push(t.id);
    }
    expect(checked).toContain('domsec::receive::ascendant-domain');
  });

  it('ber-case-d carries originatorInfo with the DCA certificate, as its DER twin does (case d, N13)', () => {
    const envelope = (id: string): EnvelopeLayer => {
      const t = byId(id);
      const root = parseMessage(readFileSync(join(VECTORS, t.files.input)), { keys: keysOf(t.keys) });
      return layerChain(root).find((l): l is EnvelopeLayer => l.kind === 'envelopedData')!;
    };
    const ber = envelope('domsec::receive::ber-case-d');
    const der = envelope('domsec::receive::case-d-decrypt-then-verify');
    expect(ber.der[1]).toBe(0x80); // indefinite length: it is the BER twin
    expect(ber.env.originatorCertificates).toEqual([pki.entries['example.test/dca-rsa']!.certDer]);
    expect(ber.env.originatorCertificates).toEqual(der.env.originatorCertificates);
  });

  it('acceptable vectors name the latitude: a flag for it and the other verdicts allowed; no other vector has them', () => {
    const acceptable = manifest.tests.filter((t) => t.result === 'acceptable');
    expect(acceptable.length).toBeGreaterThanOrEqual(2);
    for (const t of acceptable) {
      expect(t.flags.filter((f) => f === 'InnerSignatureNotVerified' || f === 'ParallelSignatureBroken'), t.id).toHaveLength(1);
      expect(t.expected.acceptable, t.id).toEqual(['pass']);
      expect(t.expected.verdict, t.id).toBe('fail');
    }
    for (const t of manifest.tests.filter((x) => x.result !== 'acceptable')) expect(t.expected.acceptable, t.id).toBeUndefined();
  });
});

describe('kept layers of sign vectors (Section 5)', () => {
  it('every Section 5 example names its kept layers with digests, and a wrong digest is caught', async () => {
    const { checkVector } = await import('../../src/vectors/check.js');
    const examples = manifest.tests.filter((t) => /^domsec::section5::example-\d$/.test(t.id));
    expect(examples).toHaveLength(7);
    for (const t of examples) expect((t.expected.keptLayers as unknown[]).length, t.id).toBeGreaterThan(0);
    const t = structuredClone(examples[0]!);
    (t.expected.keptLayers as Array<{ sha256: string }>)[0]!.sha256 = '0'.repeat(64);
    expect(checkVector(t, VECTORS, pki).join('\n')).toMatch(/kept layer S1 .* not found byte-identical/);
  });
});
