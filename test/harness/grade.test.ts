/**
 * The grader's evidence (src/harness/grade.ts): besides the verdict, grade() records the sent and every
 * received message layer by layer (signers with the verifier's result, recipients with the suite's
 * certificates) and, for a shape expectation, the expected layers: which the gateway keeps from the sent
 * message and which it adds. Driven directly, with the suite's cases and the engine as the gateway.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { grade, type GradeContext } from '../../src/harness/grade.js';
import { CaseContext } from '../../src/harness/context.js';
import { applyDomainSignature } from '../../src/domsec/apply.js';
import type { CaseDecl } from '../../src/harness/model.js';
import type { SubmitResult } from '../../src/smtp/submit.js';
import type { CapturedMessage } from '../../src/smtp/sink.js';
import type { TestPki } from '../../src/pki/index.js';
import { domainSignerCases, outboundDcaCases } from '../../suites/domain-signer.js';
import { inboundVerifierCases } from '../../suites/inbound.js';
import { entry, keyOf, testPki } from '../helpers/pki.js';
import { fixture, VALIDATION_TIME } from '../helpers/messages.js';

const LOCAL = 'example.org';
const REMOTE = 'example.test';
let pki: TestPki;
let g: GradeContext;

beforeAll(async () => {
  pki = await testPki();
  g = {
    local: LOCAL,
    policy: 'noEncrypt',
    trustAnchors: [pki.ca.certDer],
    validationTime: VALIDATION_TIME,
    keys: Object.values(pki.entries).filter((e) => e.role === 'dca' || e.role === 'user').map((e) => keyOf(pki, e.name)),
    remoteDcaCert: entry(pki, `${REMOTE}/dca-rsa`).certDer,
    flag: { method: 'authentication-results' },
  };
});

const decl = (cases: readonly CaseDecl[], id: string): CaseDecl => cases.find((c) => c.id === id) ?? (() => { throw new Error(`no case ${id}`); })();

function build(d: CaseDecl): Buffer {
  const rcpt = `case-1.run@${d.direction === 'outbound' ? REMOTE : LOCAL}`;
  return d.build(new CaseContext(pki, LOCAL, REMOTE, rcpt, '<case-1.run@domsec-suite.test>', VALIDATION_TIME, fixture('messages/plain-content.txt')));
}

const accepted: SubmitResult = { accepted: true, response: '250 2.0.0 queued', attempts: 1, transcript: [] };
// Only the fields grade() reads; the sink adds more.
const captured = (raw: Buffer, rcpt = `case-1.run@${REMOTE}`): CapturedMessage => ({ mailFrom: `alice@${LOCAL}`, rcptTo: [rcpt], raw, receivedAt: 0, remoteAddress: '127.0.0.1' }) as CapturedMessage;

/** What a conforming domain signer of example.org relays (the engine, as the reference gateway does). */
function domainSigned(sent: Buffer): Buffer {
  return applyDomainSignature(sent, { signers: [keyOf(pki, `${LOCAL}/signer-rsa`)], dca: keyOf(pki, `${LOCAL}/dca-rsa`), policy: { encryptOutbound: false }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
}

describe('grade() records the layers as evidence', () => {
  it('a domain-signed relay: sent, expected and received layers with their signers', () => {
    const d = decl(domainSignerCases, 'domsec::signer::originator-signed');
    const sent = build(d);
    const r = grade(d, sent, accepted, [captured(domainSigned(sent))], g);
    expect(r.verdict).toBe('PASS');
    const e = r.evidence;
    expect(e.sentLayers!.layers.map((l) => l.label)).toEqual(['S[-]', 'data']);
    expect(e.sentLayers!.layers[0]!.signers![0]).toMatchObject({ name: `alice@${LOCAL}`, valid: true, verdict: 'pass' });
    const got = e.received![0]!.layers!.layers;
    expect(got.map((l) => l.label)).toEqual(['S[domainSig]', 'S[-]', 'data']);
    expect(got[0]!.signers![0]).toMatchObject({ name: `${LOCAL} domain signer (RSA)`, valid: true, verdict: 'pass', signatureTypes: [{ name: 'id-sti-domainSig' }] });
    expect(e.expectedLayers!.map((l) => [l.label, l.origin, l.sentDepth])).toEqual([
      ['S[domainSig]', 'gateway', undefined],
      ['S[-]', 'sent', 0],
      ['data', 'sent', 1],
    ]);
    expect(e.expectedLayers![0]!.signers[0]!.name).toBe(`the domain signer of ${LOCAL}`);
    expect(e.expectedLayers![1]!.signers[0]!.name).toBe(`alice@${LOCAL}`);
  });

  it("the outbound DCA case: the expected layers are drawn too (an envelope for the recipient's DCA over the domain signature)", () => {
    const d = decl(outboundDcaCases, 'domsec::dca::case-d-outbound');
    const sent = build(d);
    const out = applyDomainSignature(sent, {
      signers: [keyOf(pki, `${LOCAL}/signer-rsa`)],
      dca: keyOf(pki, `${LOCAL}/dca-rsa`),
      policy: { encryptOutbound: true },
      encryptFor: [{ certDer: entry(pki, `${REMOTE}/dca-rsa`).certDer }],
      trustAnchors: [pki.ca.certDer],
      validationTime: VALIDATION_TIME,
    }).message;
    const r = grade(d, sent, accepted, [captured(out)], { ...g, policy: 'encrypt' });
    expect(r.verdict).toBe('PASS');
    expect(r.evidence.expectedShape).toBe('E(S[domainSig](S[-](data)))');
    expect(r.evidence.expectedLayers!.map((l) => [l.label, l.origin])).toEqual([
      ['E', 'gateway'],
      ['S[domainSig]', 'gateway'],
      ['S[-]', 'sent'],
      ['data', 'sent'],
    ]);
    expect(r.evidence.received![0]!.layers!.layers.map((l) => l.label)).toEqual(['E', 'S[domainSig]', 'S[-]', 'data']);
  });

  it('a relay without the domain signature (FAIL): the expected layer the gateway should have added is there, the received layers lack it', () => {
    const d = decl(domainSignerCases, 'domsec::signer::originator-signed');
    const sent = build(d);
    const r = grade(d, sent, accepted, [captured(sent)], g);
    expect(r.verdict).toBe('FAIL');
    expect(r.evidence.expectedLayers!.filter((l) => l.origin === 'gateway').map((l) => l.label)).toEqual(['S[domainSig]']);
    const got = r.evidence.received![0]!.layers!.layers;
    expect(got.flatMap((l) => l.signers ?? []).some((s) => s.signatureTypes.some((t) => t.name === 'id-sti-domainSig'))).toBe(false);
  });

  it('a refused message: the sent layers say which signature does not verify; nothing came back', () => {
    const d = decl(domainSignerCases, 'domsec::signer::refuse-invalid-signature');
    const r = grade(d, build(d), { accepted: false, response: '554 5.7.1 refused', attempts: 1, transcript: [], failure: 'rejected' }, [], g);
    expect(r.verdict).toBe('PASS');
    const s = r.evidence.sentLayers!.layers[0]!.signers![0]!;
    expect(s).toMatchObject({ name: `alice@${LOCAL}`, valid: false, verdict: 'fail' });
    expect(s.reasons).toContain('SIG_VALUE_INVALID');
    expect(r.evidence.received).toEqual([]);
    expect(r.evidence.expectedLayers).toBeUndefined();
  });

  it('an inbound message for the local DCA: the recipient is named, and opened with the suite\'s key', () => {
    const d = decl(inboundVerifierCases, 'domsec::verifier::case-d-decrypt-then-verify');
    const sent = build(d);
    const r = grade(d, sent, accepted, [captured(Buffer.concat([Buffer.from('Authentication-Results: gw; smime=pass\r\n'), sent]), `case-1.run@${LOCAL}`)], g);
    const env = r.evidence.sentLayers!.layers[0]!;
    expect(env.kind).toBe('envelopedData');
    expect(env.recipients![0]!.certificates.map((c) => c.cn)).toEqual([`${LOCAL} DCA encryption (RSA)`]);
    expect(env.recipients![0]!.used).toBe(true);
    expect(env.originatorCertificates!.map((c) => c.cn)).toEqual([`${REMOTE} DCA encryption (RSA)`]);
    expect(r.evidence.sentLayers!.layers[1]!.signers![0]!.name).toBe(`${REMOTE} domain signer (RSA)`);
    // Delivered still encrypted: the same layers came back.
    expect(r.verdict).toBe('FAIL');
    expect(r.evidence.received![0]!.layers!.layers.map((l) => l.label)).toEqual(['E', 'S[domainSig]', 'S[-]', 'data']);
  });

  it('a relay that does not parse is evidence too', () => {
    const d = decl(domainSignerCases, 'domsec::signer::originator-signed');
    const r = grade(d, build(d), accepted, [captured(fixture('messages/multipart-no-close.eml'))], g);
    expect(r.verdict).toBe('FAIL');
    expect(r.evidence.received![0]!.shape).toBe('(unparseable)');
    expect(r.evidence.received![0]!.layers).toEqual({ layers: [], error: r.evidence.received![0]!.error });
    expect(r.evidence.received![0]!.layers!.error).toMatch(/no close delimiter/);
  });
});
