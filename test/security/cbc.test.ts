/**
 * Issue 12, item 5 (EFAIL precondition): AES-CBC envelopedData is malleable, and the report says so in a
 * typed way: LayerReport.unauthenticatedEncryption on the opened envelope, report.notes and the
 * Authentication-Results comment, unless a valid signature outside the envelope covers its ciphertext.
 */
import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import * as O from '../../src/asn1/oids.js';
import type { TestPki } from '../../src/pki/index.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { REASONS } from '../../src/domsec/reasons.js';
import { parseMessage } from '../../src/message/layers.js';
import { domainSignerInputs, envelopeLayer, signedLayer } from '../../src/message/build.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { keyOf, testPki } from '../helpers/pki.js';
import { fixture, HEADERS, SIGNING_TIME } from '../helpers/messages.js';
import { buildCorpus } from './hostile-corpus.js';

const AT = new Date('2026-03-01T12:00:00Z');
let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 120_000);

describe('unauthenticated encryption (issue 12, item 5)', () => {
  it('ENCRYPTION_NOT_AUTHENTICATED is a note: it changes no verdict', () => {
    expect(REASONS.ENCRYPTION_NOT_AUTHENTICATED.outcome).toBe('note');
  });

  it('flipping IV bits changes the decrypted text by exactly the flipped bits, and nothing in CMS notices', async () => {
    const dca = keyOf(pki, 'example.test/dca-rsa');
    const corpus = await buildCorpus(pki);
    const flipped = corpus.hostile.find((c) => c.id === 'cbc-iv-flipped-unsigned')!.message;
    const root = parseMessage(flipped, { keys: [dca] });
    expect(root.kind).toBe('envelopedData');
    const opened = root.kind === 'envelopedData' ? root.inner! : undefined;
    const original = fixture('messages/plain-content.txt');
    const text = opened!.raw;
    expect(text.subarray(0, 16).toString('latin1')).toBe('Content-Type: XX');
    expect(text.subarray(16).equals(original.subarray(16))).toBe(true);
    const r = verifyMessage(flipped, { trustAnchors: [pki.ca.certDer], validationTime: AT, keys: [dca] });
    expect(r.verdict).toBe('none');
    expect(r.layers[0]!.unauthenticatedEncryption).toEqual({ reason: 'ENCRYPTION_NOT_AUTHENTICATED', algorithm: O.aes256_CBC, algorithmName: O.oidName(O.aes256_CBC), coveredByOuterSignature: false });
    expect(r.notes).toEqual(['ENCRYPTION_NOT_AUTHENTICATED']);
    expect(r.authenticationResults).toContain('ENCRYPTION_NOT_AUTHENTICATED');
  }, 120_000);

  it('under a valid outer signature the ciphertext is covered: the layer says so, no note, no comment', () => {
    const dca = keyOf(pki, 'example.test/dca-rsa');
    const inner = signedLayer(fixture('messages/plain-content.txt'), { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME });
    const env = envelopeLayer(inner, { recipients: [{ certDer: dca.certDer }], cipher: 'aes-256-cbc', rng: new SeededRng('cbc-test') });
    const msg = signedLayer(env, { signers: domainSignerInputs([keyOf(pki, 'example.test/signer-rsa')]), signingTime: SIGNING_TIME, headers: HEADERS });
    const r = verifyMessage(msg, { trustAnchors: [pki.ca.certDer], validationTime: AT, keys: [dca] });
    expect(r.shape).toBe('S[domainSig](E(S[-](data)))');
    expect(r.verdict).toBe('pass');
    expect(r.layers[1]!.unauthenticatedEncryption?.coveredByOuterSignature).toBe(true);
    expect(r.notes).toEqual([]);
    expect(r.authenticationResults).not.toContain('ENCRYPTION_NOT_AUTHENTICATED');
  });

  it('authEnvelopedData (AES-GCM) carries no such note', () => {
    const dca = keyOf(pki, 'example.test/dca-rsa');
    const inner = signedLayer(fixture('messages/plain-content.txt'), { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME });
    const msg = envelopeLayer(inner, { recipients: [{ certDer: dca.certDer }], cipher: 'aes-256-gcm', rng: new SeededRng('gcm-test'), headers: HEADERS });
    const r = verifyMessage(msg, { trustAnchors: [pki.ca.certDer], validationTime: AT, keys: [dca] });
    expect(r.shape).toBe('A(S[-](data))');
    expect(r.verdict).toBe('pass');
    expect(r.layers[0]!.unauthenticatedEncryption).toBeUndefined();
    expect(r.notes).toEqual([]);
  });
});
