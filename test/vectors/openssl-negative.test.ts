/**
 * OpenSSL on every golden vector that is not simply valid: which ones it can judge, with the options
 * that reproduce the expected result (vectors/README.md lists the same recipes), and which ones it cannot
 * judge and why. "Cannot judge" is shown, not assumed: OpenSSL accepts what DOMSEC flags there.
 *
 * Facts (OpenSSL 3.0): without `-purpose`, `cms -verify` checks the smimesign purpose (keyUsage
 * digitalSignature/nonRepudiation, EKU emailProtection), which every conforming signer of the test PKI
 * has; `-purpose any` skips that check and so accepts the encryption-only certificate of tc71.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestPki, type TestPki } from '../../src/pki/index.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { layerChain, parseMessage, type Layer } from '../../src/message/layers.js';
import type { Manifest, ManifestTest } from '../../src/vectors/generate.js';
import { ATTIME, OpenSslDir, PkiFiles } from '../interop/openssl.js';

const VECTORS = fileURLToPath(new URL('../../vectors/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(VECTORS, 'manifest.json'), 'utf8')) as Manifest;
const README = readFileSync(join(VECTORS, 'README.md'), 'utf8');

/** Vectors OpenSSL can judge: the layer (index among the signed/enveloped layers, outermost 0) and what OpenSSL says. */
const JUDGED: Record<string, { layer: number; op: 'verify' | 'decrypt'; purpose?: 'any'; recip?: string; stderr: RegExp }> = {
  'receive::encryption-certificate': { layer: 0, op: 'verify', stderr: /unsuitable certificate purpose/ },
  'receive::expired-certificate': { layer: 0, op: 'verify', stderr: /certificate has expired/ },
  'receive::untrusted-certificate': { layer: 0, op: 'verify', stderr: /unable to get local issuer certificate/ },
  'receive::one-bad-signer': { layer: 0, op: 'verify', stderr: /unable to get local issuer certificate/ },
  'receive::tampered-content': { layer: 0, op: 'verify', stderr: /CMS_SignerInfo_verify_content:verification failure/ },
  'receive::invalid-inner-signature': { layer: 1, op: 'verify', stderr: /signature failure|verification failure/ },
  'receive::invalid-signature-inside-envelope': { layer: 2, op: 'verify', stderr: /signature failure|verification failure/ },
  'signing::refuse-invalid-originator-signature': { layer: 0, op: 'verify', stderr: /signature failure|verification failure/ },
  'signing::refuse-invalid-signature-inside-envelope': { layer: 1, op: 'verify', stderr: /signature failure|verification failure/ },
  'signers::same-signer-one-algorithm-broken': { layer: 0, op: 'verify', stderr: /signature failure|verification failure/ },
  'signing::refuse-example-7-no-local-dca': { layer: 2, op: 'decrypt', recip: 'example.test/dca-rsa', stderr: /Error decrypting CMS/ },
  'decrypt::wrong-key': { layer: 0, op: 'decrypt', recip: 'example.org/dca-rsa', stderr: /Error decrypting CMS using private key/ },
  'decrypt::tampered-gcm-tag': { layer: 0, op: 'decrypt', recip: 'example.org/dca-rsa', stderr: /Error decrypting CMS structure/ },
  'decrypt::wrong-content-encryption-oid': { layer: 0, op: 'decrypt', recip: 'example.org/dca-rsa', stderr: /bad decrypt/ },
  'decrypt::truncated-encrypted-content': { layer: 0, op: 'decrypt', recip: 'example.org/dca-rsa', stderr: /bad decrypt/ },
  'signing::refuse-envelope-not-for-local-dca': { layer: 0, op: 'decrypt', recip: 'example.test/dca-rsa', stderr: /Error decrypting CMS/ },
};

/** Vectors OpenSSL cannot judge, and why; each is checked to be accepted by OpenSSL (or refused for another reason). */
const NOT_JUDGED: Record<string, string> = {
  'receive::signature-type-missing': 'SignatureType (draft 3.1.1) and the From: check are DOMSEC rules; OpenSSL verifies the signature',
  'receive::signature-type-wrong-value': 'SignatureType values (N2) are unknown to OpenSSL',
  'receive::signature-type-unsigned': 'SignatureType placement (draft 3.1.1) is unknown to OpenSSL',
  'receive::signature-type-twice': 'SignatureType instances (draft 3.1.1) are unknown to OpenSSL',
  'receive::signature-type-differs': 'SignatureType consistency across SignerInfos (draft 3.1.1) is unknown to OpenSSL',
  'receive::signature-type-misprinted-oid': 'the misprinted OID (N1) is an unknown attribute to OpenSSL',
  'receive::domain-signature-encapsulates-nothing': 'what a domain signature encapsulates (draft 3.1.1) is a DOMSEC rule',
  'receive::naming-foreign-domain': 'the naming convention (draft 2.4, N9) is a DOMSEC rule',
  'receive::naming-descendant-domain': 'the naming convention (draft 2.4, N9) is a DOMSEC rule',
  'receive::naming-lookalike-domain': 'the naming convention (draft 2.4, N9) is a DOMSEC rule',
  'receive::naming-no-san': 'the SubjectAltName forms of draft 2.4 (N10) are a DOMSEC rule',
  'receive::naming-smtp-for-msa': 'the MSA/MTA role of draft 2.4 is a DOMSEC rule',
  'receive::ml-expansion-history-unsigned': 'mlExpansionHistory rules (RFC 2634 2.10) are not checked by OpenSSL',
  'receive::ml-expansion-history-differs': 'mlExpansionHistory rules (RFC 2634 2.10) are not checked by OpenSSL',
  'receive::ml-expansion-history-too-long': 'mlExpansionHistory rules (RFC 2634 2.10) are not checked by OpenSSL',
  'receive::empty-layer-only': 'OpenSSL refuses any SignedData with no signers ("no signers"): it cannot tell an empty layer (smime=none, N12) from a broken one',
  'naming::single-label-signer': 'the naming convention (draft 2.4, N9) is a DOMSEC rule',
  'naming::msa-signer-as-mta': 'the MSA/MTA role of draft 2.4 is a DOMSEC rule',
  'naming::several-from': 'the From: field (N9) is outside CMS: OpenSSL verifies the signatures',
  'naming::no-from': 'the From: field (N9) is outside CMS: OpenSSL verifies the signatures',
  'signing::refuse-unauthenticated-unsigned': 'plain mail: nothing for OpenSSL to check; the refusal is about originator authentication (draft 3.2)',
  'signing::refuse-signature-not-by-originator': 'S1 is valid for OpenSSL; matching its signer to the From: address is the domain signer\'s check (draft 3.2)',
};

let pki: TestPki;
let dir: OpenSslDir;
let files: PkiFiles;
beforeAll(async () => {
  pki = await loadTestPki(join(VECTORS, 'keys'));
  dir = new OpenSslDir('vectors-negative');
  files = new PkiFiles(dir, pki);
});
afterAll(() => dir.remove());

const short = (t: ManifestTest) => t.id.replace(/^domsec::/, '');

function cmsLayers(t: ManifestTest): Layer[] {
  const names = Object.keys(pki.entries).filter((n) => /\/(dca-|user-)/.test(n));
  const keys = names.map((n) => ({ certDer: pki.entries[n]!.certDer, key: loadPrivateKey(pki.entries[n]!.keyPem) }));
  return layerChain(parseMessage(readFileSync(join(VECTORS, t.files.input)), { keys })).filter((l) => l.kind !== 'content');
}

function verifyArgs(der: Buffer, purposeAny: boolean): string[] {
  return ['cms', '-verify', '-inform', 'DER', '-in', dir.write(der, 'der'), '-binary', '-CAfile', files.caFile, ...(purposeAny ? ['-purpose', 'any'] : []), '-attime', ATTIME, '-out', dir.path('neg.bin')];
}

describe('OpenSSL on the vectors that are not simply valid', () => {
  const negative = manifest.tests.filter((t) => t.result !== 'valid');

  it('every such vector is either judged by OpenSSL or listed with the reason it cannot be, and vectors/README.md names each', () => {
    for (const t of negative) {
      expect(JUDGED[short(t)] !== undefined || NOT_JUDGED[short(t)] !== undefined, `${t.id} has no OpenSSL entry`).toBe(true);
      expect(README.includes(short(t).split('::')[1]!), `vectors/README.md names ${t.id}`).toBe(true);
    }
  });

  it('reproduces the expected failure with the listed options', () => {
    let n = 0;
    for (const t of negative.filter((x) => JUDGED[short(x)])) {
      const j = JUDGED[short(t)]!;
      const layer = cmsLayers(t)[j.layer]!;
      expect(layer, t.id).toBeDefined();
      if (j.op === 'verify') {
        expect(layer.kind, t.id).toBe('signedData');
        const r = dir.run(verifyArgs((layer as { der: Buffer }).der, j.purpose === 'any'));
        expect(r.status, t.id).not.toBe(0);
        expect(r.stderr, t.id).toMatch(j.stderr);
      } else {
        const f = files.of(j.recip!);
        const r = dir.run(['cms', '-decrypt', '-inform', 'DER', '-in', dir.write((layer as { der: Buffer }).der, 'der'), '-binary', '-inkey', f.key, '-recip', f.cert, '-out', dir.path('neg.bin')]);
        expect(r.status, t.id).not.toBe(0);
        expect(r.stderr, t.id).toMatch(j.stderr);
      }
      n++;
    }
    expect(n).toBe(Object.keys(JUDGED).length);
  });

  it('tc71: `-purpose any` hides the encryption-only certificate, the default smimesign purpose catches it', () => {
    const t = manifest.tests.find((x) => x.id === 'domsec::receive::encryption-certificate')!;
    const der = (cmsLayers(t)[0] as { der: Buffer }).der;
    expect(dir.run(verifyArgs(der, true)).status).toBe(0);
    expect(dir.run(verifyArgs(der, false)).status).not.toBe(0);
  });

  it('the ones it cannot judge: OpenSSL accepts every signature in them (or, for the empty layer, refuses for want of signers)', () => {
    for (const t of negative.filter((x) => NOT_JUDGED[short(x)])) {
      for (const layer of cmsLayers(t)) {
        if (layer.kind !== 'signedData') continue;
        const r = dir.run(verifyArgs(layer.der, false));
        if (layer.sd.signerInfos.length === 0) expect(r.stderr, t.id).toMatch(/no signers/);
        else expect(r.status, `${t.id}: ${r.stderr}`).toBe(0);
      }
    }
  });
});
