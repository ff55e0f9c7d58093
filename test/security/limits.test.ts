/**
 * Issue 12, item 6: the work of one verification is bounded (src/limits.ts), and going past a bound is a
 * typed failure with its own reason, never a pass. The tests build the bombs themselves and assert on the
 * outcome, not on time (the time is logged for the reader; the benchmark measures it).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as O from '../../src/asn1/oids.js';
import type { TestPki } from '../../src/pki/index.js';
import { verifyLayers, verifyMessage } from '../../src/domsec/verify.js';
import { parseMessage } from '../../src/message/layers.js';
import { buildSignedData, parseSignedData } from '../../src/cms/signed-data.js';
import { children, ctx, integer, oid, rawOf, readBer, seq, setOf, tlv } from '../../src/cms/der.js';
import { encodeContentInfo } from '../../src/cms/content-info.js';
import { buildPkcs7MimeEntity } from '../../src/mime/index.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { messagePathBudget, validatePath } from '../../src/x509/path.js';
import { isDomsecError } from '../../src/errors.js';
import {
  MAX_CERTIFICATES_PER_MESSAGE, MAX_LAYER_DEPTH, MAX_PATH_BUILD_STEPS, MAX_PATH_BUILD_STEPS_PER_MESSAGE, MAX_SIGNERS_PER_MESSAGE, MAX_SIGNERS_PER_SIGNED_DATA,
} from '../../src/limits.js';
import { entry, keyOf, testPki } from '../helpers/pki.js';
import { fixture, HEADERS, SIGNING_TIME } from '../helpers/messages.js';
import { caExtensions, craft, leafExtensions } from './certs.js';

const AT = new Date('2026-03-01T12:00:00Z');
const ALICE = 'example.test/user-alice';
const content = fixture('messages/plain-content.txt');

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 120_000);

/** `count` certificates that all carry the same subject and issuer name, signed by one (forger's) key. */
async function sameNamed(name: string, count: number, keyPem: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) out.push(await craft({ serial: (0x10000 + i).toString(16), subject: name, issuer: { name, keyPem }, keyPem, extensions: caExtensions() }));
  return out;
}

/** A SignedData ContentInfo from its parts (RFC 5652 5.1), for shapes the builder refuses to make. */
function signedDataOf(eci: Buffer, certs: Buffer[], signerInfos: Buffer[]): Buffer {
  return encodeContentInfo(O.id_signedData, seq(integer(1), setOf([seq(oid(O.id_sha256), Buffer.from([0x05, 0x00]))]), eci, tlv(ctx(0), ...certs), setOf(signerInfos)));
}

const timed = <T>(what: string, f: () => T): T => {
  const t0 = performance.now();
  const r = f();
  console.log(`[limits] ${what}: ${(performance.now() - t0).toFixed(0)} ms`);
  return r;
};

describe('bounded verification work (src/limits.ts)', () => {
  it('the limits are above what a real message uses and below the issue-12 bomb', () => {
    expect(MAX_SIGNERS_PER_SIGNED_DATA).toBeGreaterThanOrEqual(4);
    expect(MAX_SIGNERS_PER_SIGNED_DATA).toBeLessThan(300);
    expect(MAX_SIGNERS_PER_MESSAGE).toBeGreaterThanOrEqual(64); // 64 nested signed layers (issue 2)
    expect(MAX_CERTIFICATES_PER_MESSAGE).toBeGreaterThanOrEqual(64);
    expect(MAX_CERTIFICATES_PER_MESSAGE).toBeLessThan(600);
    expect(MAX_PATH_BUILD_STEPS).toBeLessThan(MAX_PATH_BUILD_STEPS_PER_MESSAGE);
  });

  it('the CPU bomb of issue 12 (300 SignerInfos with garbage signatures, 600 same-named certificates) fails with LIMIT_SIGNERS and LIMIT_CERTIFICATES', async () => {
    const alice = keyOf(pki, ALICE);
    const good = parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: content, signers: [alice], signingTime: SIGNING_TIME }));
    const si = good.signerInfos[0]!;
    const garbage = (): Buffer => {
      const raw = Buffer.from(si.raw);
      randomBytes(si.signature.length).copy(raw, raw.indexOf(si.signature));
      return raw;
    };
    const caName = parseCertificate(pki.ca.certDer).subject;
    const certs = [alice.certDer, ...(await sameNamed(caName, 600, pki.untrustedCa.keyPem))];
    // 4 MB like the issue's: the ASN.1 node allowance grows with the input (src/limits.ts asn1MaxNodes), so the bomb parses.
    const big = Buffer.concat([content, Buffer.alloc(4 * 1024 * 1024, 'x')]);
    const eci = seq(oid(O.id_data), tlv(ctx(0), tlv(0x04, big)));
    const der = signedDataOf(eci, certs, Array.from({ length: 300 }, garbage));
    const message = buildPkcs7MimeEntity(der, 'signed-data', { headers: HEADERS });
    const root = timed(`bomb of ${(message.length / 1024).toFixed(0)} KiB: parse`, () => parseMessage(message));
    const r = timed('bomb: verify', () => verifyLayers(root, { trustAnchors: [pki.ca.certDer], validationTime: AT }));
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toContain('LIMIT_SIGNERS');
    expect(r.reasons).toContain('LIMIT_CERTIFICATES');
    expect(r.layers[0]!.signers).toHaveLength(0); // none of the 300 was checked
  }, 120_000);

  it(`as many signers as allowed, garbage signatures and ${MAX_CERTIFICATES_PER_MESSAGE - 1} same-named certificates: every signer fails, no limit is needed`, async () => {
    const alice = keyOf(pki, ALICE);
    const good = parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: content, signers: [alice], signingTime: SIGNING_TIME }));
    const si = good.signerInfos[0]!;
    const infos = Array.from({ length: MAX_SIGNERS_PER_SIGNED_DATA }, () => {
      const raw = Buffer.from(si.raw);
      randomBytes(si.signature.length).copy(raw, raw.indexOf(si.signature));
      return raw;
    });
    const caName = parseCertificate(pki.ca.certDer).subject;
    const certs = [alice.certDer, ...(await sameNamed(caName, MAX_CERTIFICATES_PER_MESSAGE - 1, pki.untrustedCa.keyPem))];
    const der = signedDataOf(seq(oid(O.id_data), tlv(ctx(0), tlv(0x04, content))), certs, infos);
    const r = timed('16 garbage signers, 256 certificates', () => verifyMessage(buildPkcs7MimeEntity(der, 'signed-data', { headers: HEADERS }), { trustAnchors: [pki.ca.certDer], validationTime: AT }));
    expect(r.verdict).toBe('fail');
    expect(r.layers[0]!.signers).toHaveLength(MAX_SIGNERS_PER_SIGNED_DATA);
    for (const s of r.layers[0]!.signers) expect(s.reasons).toContain('SIG_VALUE_INVALID');
    expect(r.reasons).not.toContain('LIMIT_CERTIFICATES');
  }, 120_000);

  it(`a signer whose issuer name is shared by ${MAX_CERTIFICATES_PER_MESSAGE - 1} certificates, none its issuer: LIMIT_PATH_BUILDING after ${MAX_PATH_BUILD_STEPS} candidates`, async () => {
    const aliceKeyPem = entry(pki, ALICE).keyPem;
    const name = 'CN=Bomb CA, O=Hostile';
    // The leaf is issued under the name by one key; the candidates carry the name and another key.
    const leaf = await craft({ serial: '60', subject: 'CN=Alice (bomb)', issuer: { name, keyPem: entry(pki, 'example.test/signer-rsa').keyPem }, keyPem: aliceKeyPem, extensions: leafExtensions('alice@example.test') });
    const decoys = await sameNamed(name, MAX_CERTIFICATES_PER_MESSAGE - 1, pki.untrustedCa.keyPem);
    const der = buildSignedData({ eContentType: O.id_data, eContent: content, signers: [{ certDer: leaf, key: keyOf(pki, ALICE).key }], signingTime: SIGNING_TIME, certificates: decoys });
    const r = timed('path bomb', () => verifyMessage(buildPkcs7MimeEntity(der, 'signed-data', { headers: HEADERS }), { trustAnchors: [pki.ca.certDer], validationTime: AT }));
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toEqual(['LIMIT_PATH_BUILDING']);
    const path = r.layers[0]!.signers[0]!.path!;
    expect(path.ok ? '' : path.detail).toContain('MAX_PATH_BUILD_STEPS');
  }, 120_000);

  it('the path-building budget is shared by all the paths of one message (MAX_PATH_BUILD_STEPS_PER_MESSAGE)', async () => {
    const name = 'CN=Budget CA, O=Hostile';
    const decoys = (await sameNamed(name, 8, pki.untrustedCa.keyPem)).map((d) => parseCertificate(d));
    const leaf = parseCertificate(await craft({ serial: '61', subject: 'CN=Leaf', issuer: { name, keyPem: entry(pki, 'example.test/signer-rsa').keyPem }, keyPem: entry(pki, ALICE).keyPem, extensions: leafExtensions('a@example.test') }));
    const anchors = [parseCertificate(pki.ca.certDer)];
    const budget = { ...messagePathBudget(), max: 12 };
    const first = validatePath(leaf, decoys, anchors, AT, budget);
    expect(first.ok ? '' : first.reason).toBe('CERT_SIGNATURE_INVALID'); // 8 candidates tried, none signed it
    expect(budget.used).toBe(8);
    const second = validatePath(leaf, decoys, anchors, AT, budget);
    expect(second.ok ? '' : second.reason).toBe('LIMIT_PATH_BUILDING');
    expect(second.ok ? '' : second.detail).toContain('MAX_PATH_BUILD_STEPS_PER_MESSAGE');
  }, 60_000);

  it(`${MAX_LAYER_DEPTH + 1} nested signed layers end in a typed LIMIT_EXCEEDED, not a pass`, () => {
    const ed = keyOf(pki, 'example.test/signer-ed25519');
    let sd = buildSignedData({ eContentType: O.id_data, eContent: content, signers: [ed], signingTime: SIGNING_TIME });
    for (let i = 0; i < MAX_LAYER_DEPTH + 1; i++) {
      // Plain CMS nesting (RFC 5652 5.2): the eContent of each layer is the inner SignedData itself.
      const inner = rawOf(children(children(readBer(sd, { what: 'ContentInfo' }))[1]!)[0]!);
      sd = buildSignedData({ eContentType: O.id_signedData, eContent: inner, signers: [ed], signingTime: SIGNING_TIME });
    }
    let thrown: unknown;
    try {
      verifyMessage(buildPkcs7MimeEntity(sd, 'signed-data', { headers: HEADERS }), { trustAnchors: [pki.ca.certDer], validationTime: AT });
    } catch (e) {
      thrown = e;
    }
    expect(isDomsecError(thrown) && thrown.code).toBe('LIMIT_EXCEEDED');
  }, 60_000);
});
