/**
 * Issue 12: what verification does not pass is not domain-signed either (draft 3.2, N8). The outbound
 * direction (applyDomainSignature, which the reference gateway runs) refuses the hostile messages whose
 * failure lies in a layer (content confusion) or a signer (a certificate that does not parse, or breaks
 * the path rules), with a typed SIGNATURE_INVALID and no output.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../src/pki/index.js';
import { applyDomainSignature } from '../../src/domsec/apply.js';
import { isDomsecError } from '../../src/errors.js';
import { keyOf, testPki } from '../helpers/pki.js';

const DIR = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
const AT = new Date('2026-03-01T12:00:00Z');

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 120_000);

function apply(file: string) {
  return applyDomainSignature(readFileSync(`${DIR}${file}`), {
    signers: [keyOf(pki, 'example.test/signer-rsa')],
    policy: { encryptOutbound: false },
    trustAnchors: [pki.ca.certDer],
    validationTime: AT,
    signingTime: AT,
    originatorAuthenticated: true,
  });
}

describe('applyDomainSignature refuses what does not verify (issue 12)', () => {
  for (const [file, reason] of [
    ['multipart-signed-attached-other-content.eml', 'DETACHED_SIGNATURE_ATTACHED'],
    ['multipart-signed-attached-same-content.eml', 'DETACHED_SIGNATURE_ATTACHED'],
    ['cert-malformed-san-ca-issued.eml', 'CERT_MALFORMED'],
    ['leaf-eku-server-auth.eml', 'CERT_EXT_KEY_USAGE_NOT_EMAIL'],
    ['duplicate-content-type-after.eml', 'MIME_AMBIGUOUS_HEADER'],
  ] as const) {
    it(`${file}: SIGNATURE_INVALID naming ${reason}`, () => {
      let thrown: unknown;
      try {
        apply(file);
      } catch (e) {
        thrown = e;
      }
      expect(isDomsecError(thrown) && thrown.code).toBe('SIGNATURE_INVALID');
      expect((thrown as Error).message).toContain(reason);
    });
  }

  it('the control multipart/signed is domain-signed (the refusal is not for every multipart/signed)', () => {
    expect(apply('control-multipart-signed.eml').outputShape).toBe('S[domainSig](M[-](data))');
  });
});
