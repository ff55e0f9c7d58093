/**
 * Layer evidence (src/harness/evidence.ts): messages built with the test PKI are described layer by
 * layer, with signers named from their certificates (draft 2.4 names), SignatureType and attributes by
 * name, the verifier's result, recipients matched to the suite's certificates, originatorInfo (N13) and
 * the empty signature layer (N12); hostile input is bounded and never throws; the expected layers of a
 * case split into what the gateway keeps and what it adds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selfSignedEcCertificate } from '../helpers/self-signed.js';
import * as O from '../../src/asn1/oids.js';
import { parseMessage, type Layer, type SignedLayer } from '../../src/message/layers.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer } from '../../src/message/build.js';
import { verifyLayers } from '../../src/domsec/verify.js';
import { tamperSignatureValue } from '../../src/vectors/tamper.js';
import type { TestPki } from '../../src/pki/index.js';
import type { MessageLayers } from '../../src/harness/model.js';
import {
  bounded, boundedList, describeLayers, expectedLayers, MAX_EVIDENCE_LAYERS, MAX_EVIDENCE_LIST, MAX_EVIDENCE_SIGNERS, MAX_EVIDENCE_STRING, unparsedLayers,
} from '../../src/harness/evidence.js';
import { RESULTS_SCHEMA, schemaValidator } from '../../src/report/results-file.js';
import { entry, keyOf, testPki } from '../helpers/pki.js';
import { fixture, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';

let pki: TestPki;
const content = () => fixture('messages/plain-content.txt');
const HEADERS: Array<[string, string]> = [['From', 'alice@example.test'], ['To', 'bob@example.org']];

beforeAll(async () => {
  pki = await testPki();
});

/** alice@example.test signs, example.test's domain signer domain-signs, encrypted for example.org's DCA with example.test's DCA in originatorInfo. */
function caseD(): Buffer {
  const s1 = signedLayer(content(), { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME });
  const s2 = signedLayer(s1, { signers: domainSignerInputs([keyOf(pki, 'example.test/signer-rsa')]), signingTime: SIGNING_TIME });
  return envelopeLayer(s2, { recipients: [{ certDer: entry(pki, 'example.org/dca-rsa').certDer }], originatorCertificates: [entry(pki, 'example.test/dca-rsa').certDer], headers: HEADERS });
}

const dcaKey = () => keyOf(pki, 'example.org/dca-rsa');
const known = () => [entry(pki, 'example.org/dca-rsa').certDer, entry(pki, 'example.org/user-bob').certDer];

/** A results document whose one case carries `layers` as its sent layers: the real schema decides whether they are valid. */
function asResults(layers: MessageLayers): unknown {
  return {
    format: 'domsec-results/1',
    meta: { suiteVersion: 't', profile: 'p', gateway: 'g', domain: 'd', policy: 'encrypt', startedAt: '2026-03-01T00:00:00Z', finishedAt: '2026-03-01T00:00:00Z', machine: { hostname: 'h', cpus: 1, node: 'v20', platform: 'linux' }, runId: 'r' },
    cases: [{ id: 'x', suite: 's', role: 'domain-signer', title: 't', requirements: [], strength: 'MUST', verdict: 'PASS', reason: '', checks: [], evidence: { sentLayers: layers }, durationMs: 1 }],
    counts: { PASS: 1, FAIL: 0, WARN: 0, SKIP: 0, ERROR: 0 },
    exitCode: 0,
  };
}

describe('describeLayers', () => {
  it('names every layer of a case (d) message: recipient, originatorInfo, domain signer and originator', () => {
    const root = parseMessage(caseD(), { keys: [dcaKey()] });
    const d = describeLayers(root, { knownCertificates: known(), verification: verifyLayers(root, { trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }) });
    expect(d.layers.map((l) => [l.depth, l.kind, l.label])).toEqual([
      [0, 'envelopedData', 'E'],
      [1, 'signedData', 'S[domainSig]'],
      [2, 'signedData', 'S[-]'],
      [3, 'content', 'data'],
    ]);
    const [env, dom, orig, data] = d.layers;
    expect(env!.mediaType).toMatch(/^application\/pkcs7-mime; smime-type=enveloped-data/);
    expect(env!.contentType).toEqual({ oid: '1.2.840.113549.1.7.1', name: 'id-data' });
    expect(env!.contentEncryptionAlgorithm).toEqual({ oid: '2.16.840.1.101.3.4.1.42', name: 'aes256-CBC' });
    expect(env!.opened).toBe(true);
    expect(env!.recipients).toHaveLength(1);
    const r = env!.recipients![0]!;
    expect(r.type).toBe('ktri');
    expect(r.used).toBe(true);
    expect(r.keyEncryptionAlgorithm).toEqual({ oid: '1.2.840.113549.1.1.1', name: 'rsaEncryption' });
    // The RecipientInfo names example.org's DCA by issuer and serial; the suite knows that certificate.
    expect(r.rids[0]).toMatch(/^CN=DOMSEC Test Root CA, O=domsec-suite test PKI #[0-9a-f]+$/);
    expect(r.certificates.map((c) => [c.cn, c.sanUris, c.sanDnsNames])).toEqual([['example.org DCA encryption (RSA)', ['smtp://example.org'], ['example.org']]]);
    // N13: the encrypting DCA's own certificate in originatorInfo.
    expect(env!.originatorCertificates!.map((c) => c.cn)).toEqual(['example.test DCA encryption (RSA)']);

    expect(dom!.digestAlgorithms).toEqual([{ oid: O.id_sha256, name: 'sha256' }]);
    expect(dom!.certificates).toBe(1);
    const ds = dom!.signers![0]!;
    expect(ds.name).toBe('example.test domain signer (RSA)');
    expect(ds.certificate!.sanUris).toEqual(expect.arrayContaining(['submit://example.test', 'smtp://example.test']));
    expect(ds.certificate!.sanDnsNames).toEqual(['example.test']);
    expect(ds.signatureTypes).toEqual([{ oid: '1.2.840.113549.1.9.16.9.2', name: 'id-sti-domainSig' }]);
    expect(ds.signedAttributes.map((a) => a.name).sort()).toEqual(['contentType', 'messageDigest', 'signatureType', 'signingTime']);
    expect(ds.signedAttributes.find((a) => a.name === 'signatureType')!.oid).toBe('1.2.840.113549.1.9.16.2.28'); // N1
    expect(ds.signatureAlgorithm).toEqual({ oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption' });
    expect(ds).toMatchObject({ valid: true, verdict: 'pass', reasons: [] });
    expect(ds.sid).toMatch(/^CN=DOMSEC Test Root CA, O=domsec-suite test PKI #[0-9a-f]+$/);

    const os = orig!.signers![0]!;
    expect(os.name).toBe('alice@example.test');
    expect(os.certificate!.sanEmails).toEqual(['alice@example.test']);
    expect(os.signatureTypes).toEqual([]);
    expect(os.valid).toBe(true);
    expect(data!.mediaType).toMatch(/^text\/plain/);
  });

  it('says a signature does not verify, and why', () => {
    const root = parseMessage(tamperSignatureValue(signedLayer(content(), { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME, headers: HEADERS })));
    const d = describeLayers(root, { verification: verifyLayers(root, { trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }) });
    expect(d.layers[0]!.signers![0]).toMatchObject({ name: 'alice@example.test', valid: false, verdict: 'fail' });
    expect(d.layers[0]!.signers![0]!.reasons).toContain('SIG_VALUE_INVALID');
  });

  it('without a verification report the signers say nothing about validity', () => {
    const d = describeLayers(parseMessage(signedLayer(content(), { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME })));
    const s = d.layers[0]!.signers![0]!;
    expect('valid' in s || 'verdict' in s || 'reasons' in s).toBe(false);
  });

  it('the empty signature layer (N12) and an envelope the suite cannot open', () => {
    const empty = describeLayers(parseMessage(emptySignatureLayer(content())));
    expect(empty.layers[0]).toMatchObject({ kind: 'emptySignature', label: 'S[empty]', signers: [], contentType: { oid: O.id_data, name: 'id-data' } });
    const closed = describeLayers(parseMessage(caseD()), { knownCertificates: known() });
    expect(closed.layers).toHaveLength(1);
    expect(closed.layers[0]).toMatchObject({ kind: 'envelopedData', opened: false });
    expect(closed.layers[0]!.notOpened).toMatch(/no key/);
    // Not opened, but still addressed to a certificate the suite knows.
    expect(closed.layers[0]!.recipients![0]!.certificates[0]!.cn).toBe('example.org DCA encryption (RSA)');
    expect(closed.layers[0]!.recipients![0]!.used).toBeUndefined();
  });

  it('AuthEnvelopedData, and a recipient the suite does not know', () => {
    const m = envelopeLayer(content(), { recipients: [{ certDer: entry(pki, 'example.test/user-bob').certDer }], cipher: 'aes-128-gcm' });
    const d = describeLayers(parseMessage(m), { knownCertificates: known() });
    expect(d.layers[0]).toMatchObject({ kind: 'authEnvelopedData', label: 'A', contentEncryptionAlgorithm: { name: 'aes128-GCM' } });
    expect(d.layers[0]!.recipients![0]!.certificates).toEqual([]);
    expect(d.layers[0]!.originatorCertificates).toEqual([]);
  });

  it('a signer whose certificate is not in the layer: named from the suite\'s certificates, else by its sid', () => {
    const root = parseMessage(signedLayer(content(), { signers: [{ ...keyOf(pki, 'example.org/user-bob'), sid: 'subjectKeyIdentifier' }], signingTime: SIGNING_TIME }));
    (root as SignedLayer).sd.certificates = [];
    expect(describeLayers(root, { knownCertificates: known() }).layers[0]!.signers![0]!.name).toBe('bob@example.org');
    const unknown = describeLayers(root).layers[0]!.signers![0]!;
    expect(unknown.name).toMatch(/^skid:[0-9a-f]{40}$/);
    expect(unknown.name).toBe(unknown.sid);
    expect(unknown.certificate).toBeUndefined();
  });
});

describe('hostile input', () => {
  it('strings are bounded and stripped of control characters; lists say how many were left out', () => {
    expect(bounded('a\u001b[2Jb\u0007\u009b')).toBe('a\ufffd[2Jb\ufffd\ufffd');
    const long = bounded('x'.repeat(10_000));
    expect(long).toHaveLength(MAX_EVIDENCE_STRING);
    expect(long.endsWith('…')).toBe(true);
    // A cut never leaves half of a surrogate pair.
    expect(bounded(`${'x'.repeat(MAX_EVIDENCE_STRING - 2)}😀😀`)).toBe(`${'x'.repeat(MAX_EVIDENCE_STRING - 2)}…`);
    const list = boundedList(Array.from({ length: 20 }, (_, i) => `n${i}`));
    expect(list).toHaveLength(MAX_EVIDENCE_LIST + 1);
    expect(list.at(-1)).toBe(`… and ${20 - MAX_EVIDENCE_LIST} more`);
  });

  it('a certificate with a huge, control-laden subject and many SubjectAltNames is described within bounds', async () => {
    const cn = `evil\u001b]0;title\u0007${'A'.repeat(5000)}`;
    const { certDer, key } = await selfSignedEcCertificate([{ '2.5.4.3': [cn] }], Array.from({ length: 30 }, (_, i) => ({ type: 'dns' as const, value: `d${i}.example` })));
    const m = signedLayer(content(), { signers: [{ certDer, key }], signingTime: SIGNING_TIME });
    const s = describeLayers(parseMessage(m)).layers[0]!.signers![0]!;
    expect(s.name).toHaveLength(MAX_EVIDENCE_STRING);
    expect(s.name.startsWith('evil\ufffd]0;title\ufffdAAA')).toBe(true);
    expect(s.certificate!.subject.length).toBeLessThanOrEqual(MAX_EVIDENCE_STRING);
    expect(s.certificate!.sanDnsNames).toHaveLength(MAX_EVIDENCE_LIST + 1);
    expect(s.certificate!.sanDnsNames.at(-1)).toBe(`… and ${30 - MAX_EVIDENCE_LIST} more`);
  });

  it('many signers and deep nesting are counted, not described', () => {
    const alice = keyOf(pki, 'example.test/user-alice');
    const many = describeLayers(parseMessage(signedLayer(content(), { signers: Array.from({ length: MAX_EVIDENCE_SIGNERS + 3 }, () => alice), signingTime: SIGNING_TIME })));
    expect(many.layers[0]!.signers).toHaveLength(MAX_EVIDENCE_SIGNERS);
    expect(many.layers[0]!.signersOmitted).toBe(3);
    let m = content();
    for (let i = 0; i < MAX_EVIDENCE_LAYERS + 5; i++) m = emptySignatureLayer(m);
    const deep = describeLayers(parseMessage(m));
    expect(deep.layers).toHaveLength(MAX_EVIDENCE_LAYERS);
    expect(deep.omitted).toBe(MAX_EVIDENCE_LAYERS + 5 + 1 - MAX_EVIDENCE_LAYERS);
  });

  it('a layer that cannot be described says so, and the layers below it are still described', () => {
    const root = parseMessage(signedLayer(signedLayer(content(), { signers: [keyOf(pki, 'example.test/user-alice')], signingTime: SIGNING_TIME }), { signers: [keyOf(pki, 'example.test/user-bob')], signingTime: SIGNING_TIME }));
    // A tree no parser makes (a SignedData without its digestAlgorithms): the describer must not throw on it.
    (root as SignedLayer).sd.digestAlgorithms = undefined as unknown as string[];
    const d = describeLayers(root);
    expect(d.layers[0]).toMatchObject({ depth: 0, kind: 'signedData', label: '?' });
    expect(d.layers[0]!.error).toMatch(/^this layer cannot be described: /);
    expect(d.layers[1]!.signers![0]!.name).toBe('alice@example.test');
    expect(unparsedLayers('x'.repeat(1000))).toEqual({ layers: [], error: bounded('x'.repeat(1000)) });
  });

  it('mutated messages: whatever parses is described without throwing, within the schema', () => {
    const base = caseD();
    const valid = schemaValidator(RESULTS_SCHEMA);
    let described = 0;
    // Deterministic single-bit flips spread over the whole message: headers, base64, and what decrypts below.
    for (let i = 0; i < 400; i++) {
      const m = Buffer.from(base);
      const at = (i * 7919) % m.length;
      m[at] = m[at]! ^ (1 << i % 8);
      let root: Layer;
      try {
        root = parseMessage(m, { keys: [dcaKey()] });
      } catch {
        continue; // the parser refused it: nothing to describe
      }
      const d = describeLayers(root, { knownCertificates: known(), verification: verifyLayers(root, { trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }) });
      described++;
      expect(valid(asResults(d)), JSON.stringify(valid.errors?.[0])).toBe(true);
    }
    expect(described).toBeGreaterThan(50);
  });
});

describe('expectedLayers', () => {
  /** Example 5's input: S3(S2(E1(S1(C)))), E1 for example.test's DCA. */
  function example5(): MessageLayers {
    const alice = keyOf(pki, 'example.test/user-alice');
    const bob = keyOf(pki, 'example.test/user-bob');
    const s1 = signedLayer(content(), { signers: [alice], signingTime: SIGNING_TIME });
    const e1 = envelopeLayer(s1, { recipients: [{ certDer: entry(pki, 'example.test/dca-rsa').certDer }] });
    const s2 = signedLayer(e1, { signers: [bob], signingTime: SIGNING_TIME });
    const s3 = signedLayer(s2, { signers: [bob], signingTime: SIGNING_TIME });
    return describeLayers(parseMessage(s3, { keys: [keyOf(pki, 'example.test/dca-rsa')] }), { knownCertificates: [entry(pki, 'example.test/dca-rsa').certDer] });
  }

  it('keeps the innermost matching layers of the sent message and says what the gateway adds (Example 5)', () => {
    const sent = example5();
    expect(sent.layers.map((l) => l.label)).toEqual(['S[-]', 'S[-]', 'E', 'S[-]', 'data']);
    const e = expectedLayers('E(S[domainSig](S[-](data)))', sent, 'example.test');
    expect(e.map((l) => [l.label, l.origin, l.sentDepth])).toEqual([
      ['E', 'gateway', undefined],
      ['S[domainSig]', 'gateway', undefined],
      ['S[-]', 'sent', 3],
      ['data', 'sent', 4],
    ]);
    expect(e[0]!.recipients[0]!.name).toMatch(/recipient domain's DCA/);
    expect(e[0]!.note).toMatch(/N13/);
    expect(e[1]!.signers).toEqual([{ name: 'the domain signer of example.test', signatureTypes: [{ oid: O.id_sti_domainSig, name: 'id-sti-domainSig' }] }]);
    expect(e[1]!.note).toMatch(/submit:\/\/example\.test or smtp:\/\/example\.test, or dNSName example\.test \(draft 2\.4/);
    expect(e[2]!.signers).toEqual([{ name: 'alice@example.test', signatureTypes: [] }]);
  });

  it('a kept envelope carries its recipients; the re-added ML layer and the empty layer are the gateway\'s', () => {
    const sent = example5();
    // Example 7 keeps E1 (N7); here E1 sits under S2.
    const kept = expectedLayers('E(S[domainSig](S[-](E(S[-](data)))))', sent, 'example.test');
    expect(kept.map((l) => l.origin)).toEqual(['gateway', 'gateway', 'sent', 'sent', 'sent', 'sent']);
    expect(kept[3]!.recipients).toEqual([{ name: 'example.test DCA encryption (RSA)' }]);
    const ml = expectedLayers('S[-,ml](S[domainSig](S[-](data)))', sent, 'example.test');
    expect(ml[0]).toMatchObject({ kind: 'signedData', origin: 'gateway', signers: [{ name: 'the domain signer of example.test (N6)', signatureTypes: [] }] });
    expect(ml[0]!.note).toMatch(/N5/);
    const empty = expectedLayers('S[domainSig](S[empty](data))', unparsedLayers('no'), 'example.test');
    expect(empty.map((l) => [l.kind, l.origin])).toEqual([['signedData', 'gateway'], ['emptySignature', 'gateway'], ['content', 'gateway']]);
    expect(empty[1]!.note).toMatch(/N12/);
  });

  it('an unreadable expected shape gives no layers', () => {
    expect(expectedLayers('S[domainSig](data', example5(), 'example.test')).toEqual([]);
  });
});
