/**
 * Grading by the draft's own words (issue 13): each check's strength comes from the level of the
 * requirement it names; where the draft leaves latitude the other behaviour is `acceptable`; what a run
 * cannot observe is NOT TESTED; the verifier cases are graded on receiving requirements. Driven with the
 * suite's cases and hand-made relays, through grade() and the check modules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { grade, verdictOf, type GradeContext } from '../../src/harness/grade.js';
import { CaseContext } from '../../src/harness/context.js';
import { applyDomainSignature } from '../../src/domsec/apply.js';
import { check } from '../../src/harness/checks/check.js';
import { CHECK_KINDS, renderCheck, type CheckKind } from '../../src/harness/checks/messages.js';
import { shapeCheck } from '../../src/harness/checks/shape.js';
import { requirementCatalogue, strengthOf } from '../../src/harness/catalogue.js';
import { REQUIREMENT_IDS } from '../../src/harness/requirement-ids.js';
import { requirementIdsSource, REQUIREMENT_IDS_FILE } from '../../suites/make-requirement-ids.js';
import type { CaseDecl } from '../../src/harness/model.js';
import type { SubmitResult } from '../../src/smtp/submit.js';
import type { CapturedMessage } from '../../src/smtp/sink.js';
import type { TestPki } from '../../src/pki/index.js';
import { SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { allCases } from '../../suites/index.js';
import { inboundVerifierCases } from '../../suites/inbound.js';
import { domainSignerCases } from '../../suites/domain-signer.js';
import { section5Cases } from '../../suites/section5.js';
import { entry, keyOf, testPki } from '../helpers/pki.js';
import { fixture, VALIDATION_TIME } from '../helpers/messages.js';
import { domainSignerInputs, signedLayer } from '../../src/message/build.js';
import { signatureTypeAttribute } from '../../src/domsec/signature-type.js';
import * as O from '../../src/asn1/oids.js';

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
    flag: { method: 'authentication-results', authservId: 'mx.example.org' },
  };
});

const byId = (id: string): CaseDecl => allCases().find((c) => c.id === id) ?? (() => { throw new Error(`no case ${id}`); })();
function build(d: CaseDecl): Buffer {
  const rcpt = `case-1.run@${d.direction === 'outbound' ? REMOTE : LOCAL}`;
  return d.build(new CaseContext(pki, LOCAL, REMOTE, rcpt, '<case-1.run@domsec-suite.test>', VALIDATION_TIME, fixture('messages/plain-content.txt')));
}
const accepted: SubmitResult = { accepted: true, response: '250 2.0.0 queued', attempts: 1, transcript: [] };
const captured = (raw: Buffer): CapturedMessage => ({ mailFrom: 'x', rcptTo: ['r'], raw, receivedAt: 0, remoteAddress: '127.0.0.1' }) as CapturedMessage;
/** What an inbound gateway delivers: the message with its verdict header on top (N14). */
const stamped = (raw: Buffer, smime: string): Buffer => Buffer.concat([Buffer.from(`Authentication-Results: mx.example.org; smime=${smime}\r\n`), raw]);

describe('strength comes from the requirement (N16)', () => {
  it('MUST / MUST NOT fail, SHOULD / SHOULD NOT warn, MAY informs; a RULE or EXAMPLE is graded as its gradedAs says', () => {
    expect(strengthOf('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID')).toBe('MUST'); // MUST NOT
    expect(strengthOf('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')).toBe('SHOULD');
    expect(strengthOf('DOMSEC-3.1.1-MULTIPLE-VALUES')).toBe('MAY');
    expect(strengthOf('DOMSEC-5-READD-ML-ATTRIBUTES')).toBe('MUST');
    for (const r of requirementCatalogue().values()) {
      if (r.level === 'RULE' || r.level === 'EXAMPLE') expect([r.id, r.gradedAs, !!r.gradedBecause]).toEqual([r.id, expect.stringMatching(/^(MUST|SHOULD|MAY)$/), true]);
    }
  });

  it('a failed MUST is FAIL, a failed SHOULD is WARN, a failed MAY leaves the case PASS with the information', () => {
    const must = check('relayed-once', 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', false, { found: '2' });
    const should = check('relayed-once', 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE', false, { found: '2' });
    const may = check('relayed-once', 'DOMSEC-3.1.1-MULTIPLE-VALUES', false, { found: '2' });
    const ok = check('relayed-once', 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', true);
    expect(verdictOf([ok, must, should]).verdict).toBe('FAIL');
    expect(verdictOf([ok, should, may]).verdict).toBe('WARN');
    const v = verdictOf([ok, may]);
    expect(v.verdict).toBe('PASS');
    expect(v.reason).toMatch(/information \(MAY\): relayed 2 times/);
  });

  it('a case graded on a SHOULD-level receiving requirement warns, never fails (a tampered message delivered unflagged)', () => {
    const d = byId('domsec::verifier::tampered-content');
    const sent = build(d);
    const r = grade(d, sent, accepted, [captured(stamped(sent, 'pass'))], g);
    expect(r.verdict).toBe('WARN');
    expect(r.checks.find((k) => !k.ok)).toMatchObject({ requirement: 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE', strength: 'SHOULD', outcome: 'fail' });
  });

  it('a naming violation delivered unflagged fails its MUST, and the check names the receiving requirement', () => {
    const d = byId('domsec::verifier::naming-foreign-domain');
    const sent = build(d);
    const r = grade(d, sent, accepted, [captured(stamped(sent, 'pass'))], g);
    expect(r.verdict).toBe('FAIL');
    expect(r.checks.find((k) => !k.ok)).toMatchObject({ kind: 'verdict', requirement: 'DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', strength: 'MUST' });
    // Flagged with another smime value than the reference's: the value is N14's convention, not graded.
    const other = grade(d, sent, accepted, [captured(stamped(sent, 'fail'))], g);
    expect(other.verdict).toBe('PASS');
    expect(other.reason).not.toMatch(/WARN/);
  });
});

describe('acceptable: both behaviours the draft allows pass, and the check says which was seen', () => {
  for (const id of ['domsec::verifier::invalid-inner-signature', 'domsec::verifier::invalid-signature-inside-envelope']) {
    it(`${id}: a receiver need not verify what a domain signature encapsulates (draft 3.2, N16)`, () => {
      const d = byId(id);
      const sent = build(d);
      const unflagged = grade(d, sent, accepted, [captured(stamped(sent, 'pass'))], g);
      expect(unflagged.verdict).toBe('PASS');
      const acc = unflagged.checks.find((k) => k.outcome === 'acceptable')!;
      expect(acc).toMatchObject({ requirement: 'DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED', strength: 'MAY', found: 'pass' });
      expect(acc.message).toMatch(/not flagged \(smime=pass\): acceptable, draft 3\.2/);
      const flagged = grade(d, sent, accepted, [captured(stamped(sent, 'fail'))], g);
      expect(flagged.verdict).toBe('PASS');
      expect(flagged.checks.find((k) => k.kind === 'verdict')).toMatchObject({ outcome: 'pass', detail: expect.stringMatching(/^flagged/) });
    });
  }

  it('one signer, two algorithms, one verifies (RFC 5652 5.1, RFC 4853): passing is the recommendation, flagging acceptable', () => {
    const d = byId('domsec::verifier::same-signer-two-algorithms-one-verifies');
    const sent = build(d);
    expect(grade(d, sent, accepted, [captured(stamped(sent, 'pass'))], g).checks.find((k) => k.kind === 'verdict')!.outcome).toBe('pass');
    const flagged = grade(d, sent, accepted, [captured(stamped(sent, 'fail'))], g);
    expect(flagged.verdict).toBe('PASS');
    expect(flagged.checks.find((k) => k.kind === 'verdict')!.outcome).toBe('acceptable');
    expect(flagged.reason).toMatch(/RFC 5652 5\.1/);
  });

  it('the re-added outer layer (Examples 4 and 6) signed as domainSig or not (N6); any other difference fails', () => {
    expect(shapeCheck('DOMSEC-5.1-EXAMPLE-4', 'S[-,ml](S[domainSig](S[-](data)))', 'S[-,ml](S[domainSig](S[-](data)))').outcome).toBe('pass');
    const other = shapeCheck('DOMSEC-5.1-EXAMPLE-4', 'S[-,ml](S[domainSig](S[-](data)))', 'S[domainSig,ml](S[domainSig](S[-](data)))');
    expect(other.outcome).toBe('acceptable');
    expect(other.message).toMatch(/N6/);
    expect(shapeCheck('DOMSEC-5.1-EXAMPLE-4', 'S[-,ml](S[domainSig](S[-](data)))', 'S[-](S[domainSig](S[-](data)))').outcome).toBe('fail');
    expect(shapeCheck('DOMSEC-5.1-EXAMPLE-3', 'E(S[domainSig](S[-](data)))', 'A(S[domainSig](S[-](data)))').outcome).toBe('pass');
  });

  it('signingTime of the re-added layer kept (the reference) passes, and says so (N5)', () => {
    const d = section5Cases.find((c) => c.id === SECTION5_EXAMPLES.find((e) => e.number === 4)!.id)!;
    const sent = build(d);
    const out = applyDomainSignature(sent, { signers: [keyOf(pki, `${LOCAL}/signer-rsa`)], dca: keyOf(pki, `${LOCAL}/dca-rsa`), policy: { encryptOutbound: false }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
    const r = grade(d, sent, accepted, [captured(out)], g);
    expect(r.verdict).toBe('PASS');
    expect(r.checks.find((k) => k.kind === 'ml-attributes')).toMatchObject({ outcome: 'pass', message: expect.stringMatching(/signingTime (kept|fresh)/) });
  });
});

describe('NOT TESTED, never PASS, for what the run cannot observe', () => {
  it('Example 7 under an encrypt policy: the lower-envelope rule is not observable; under no-encrypt it is a MUST', () => {
    const d = section5Cases.find((c) => c.requirements.includes('DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED'))!;
    const sent = build(d);
    const run = (encryptOutbound: boolean) => applyDomainSignature(sent, { signers: [keyOf(pki, `${LOCAL}/signer-rsa`)], dca: keyOf(pki, `${LOCAL}/dca-rsa`), encryptFor: [{ certDer: entry(pki, `${REMOTE}/dca-rsa`).certDer }], policy: { encryptOutbound }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
    const enc = grade(d, sent, accepted, [captured(run(true))], { ...g, policy: 'encrypt' });
    const lower = enc.checks.find((k) => k.kind === 'lower-envelope')!;
    expect(lower).toMatchObject({ requirement: 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED', outcome: 'not-tested', ok: true });
    expect(enc.reason).toMatch(/not tested: DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED/);
    const plain = grade(d, sent, accepted, [captured(run(false))], g);
    expect(plain.checks.find((k) => k.kind === 'lower-envelope')!.outcome).toBe('pass');
  });

  it('a case all of whose checks are not observable is NOT TESTED', () => {
    const nt = check('lower-envelope', 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED', 'not-tested');
    expect(verdictOf([nt]).verdict).toBe('NOT TESTED');
    expect(verdictOf([nt, check('relayed-once', 'DOMSEC-5.1-EXAMPLE-7', true)]).verdict).toBe('PASS');
  });
});

describe('the evidence shows unauthenticated (CBC) encryption (issue 12 item 5)', () => {
  it('an AES-CBC envelopedData the suite opened carries the verifier\'s note: a note, not a failure', () => {
    const d = byId('domsec::inbound-dca::case-b');
    const sent = build(d);
    const r = grade(d, sent, accepted, [], g);
    const env = r.evidence.sentLayers!.layers[0]!;
    expect(env.kind).toBe('envelopedData');
    expect(env.unauthenticatedEncryption).toEqual({ algorithm: expect.objectContaining({ name: expect.stringMatching(/cbc/i) }), coveredByOuterSignature: false });
  });
});

describe('the catalogue and the cases', () => {
  it('the verifier is graded on receiving requirements: every verifier case names first a requirement of the inbound-verifier (or DCA) role', () => {
    const cat = requirementCatalogue();
    for (const c of inboundVerifierCases) {
      const first = cat.get(c.requirements[0]!)!;
      expect([c.id, first.roles.some((r) => r === 'inbound-verifier' || r === 'inbound-dca' || r === 'outbound-dca')], c.requirements[0]).toEqual([c.id, true]);
    }
    // The mappings issue 13 names: no longer to the sender's rules.
    expect(byId('domsec::verifier::signature-type-missing').requirements).not.toContain('DOMSEC-3.1-GENERATE-SIGNATURE-TYPE');
    expect(byId('domsec::verifier::encryption-certificate').requirements).not.toContain('DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING');
    expect(byId('domsec::verifier::invalid-inner-signature').requirements).not.toContain('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID');
  });

  it('the catalogue quotes the draft: 5-NO-ML-NO-ENVELOPED keeps the garbled words and says how they are read (N4)', () => {
    // The draft's words as docs/interpretations.md quotes them (the repository carries no copy of the draft).
    const quoted = readFileSync(new URL('../../docs/interpretations.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('>'))
      .map((l) => l.replace(/^>\s?/, ''))
      .join(' ');
    const draft = quoted.replace(/\s+/g, ' ');
    const r = requirementCatalogue().get('DOMSEC-5-NO-ML-NO-ENVELOPED')!;
    expect(draft).toContain('Strip off all the signedData layers down to the envelopedData Encapsulate the message in a \'domain signature\'.');
    expect(r.text).toContain('Strip off all the signedData layers down to the envelopedData Encapsulate the message');
    expect(r.reading).toMatch(/N4/);
    expect(draft).toContain(requirementCatalogue().get('DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED')!.text.replace(/verify these signatures/, 'verify these').split(' verify these')[0]!);
  });

  it('requirement ids are a type generated from the catalogue, and the generated file is current (npm run requirement-ids)', () => {
    expect(readFileSync(REQUIREMENT_IDS_FILE, 'utf8')).toBe(requirementIdsSource());
    expect([...REQUIREMENT_IDS]).toEqual([...requirementCatalogue().keys()]);
  });

  it('every check kind renders its values, for every outcome', () => {
    for (const kind of Object.keys(CHECK_KINDS) as CheckKind[]) {
      for (const outcome of ['pass', 'fail', 'acceptable', 'not-tested'] as const) {
        const text = renderCheck({ kind, ok: outcome !== 'fail', outcome, expected: 'EXP', found: 'FND', detail: 'DTL' });
        expect(text.length, `${kind} ${outcome}`).toBeGreaterThan(2);
        expect(text, `${kind} ${outcome}`).not.toMatch(/\{(expected|found|detail)\}/);
      }
    }
  });

  it('mis-signed submissions are authenticated by the external mechanism when there is one; unsigned ones use it or its absence (N17)', () => {
    const a = (id: string) => domainSignerCases.find((c) => c.id === id)!.authenticate;
    expect(a('domsec::signer::unsigned-authenticated')).toBe('external');
    expect(a('domsec::signer::refuse-unauthenticated')).toBe('none');
    expect(a('domsec::signer::refuse-invalid-signature')).toBe('if-available');
  });
});

describe('SignatureType identical in every SignerInfo when the gateway signs with two algorithms (3.1.1)', () => {
  const d = (): CaseDecl => byId('domsec::signer::two-algorithms-same-signature-type');
  const signers = () => [keyOf(pki, `${LOCAL}/signer-rsa`), keyOf(pki, `${LOCAL}/signer-ec`)];
  const sameCheck = (r: ReturnType<typeof grade>) => r.checks.find((k) => k.kind === 'same-signature-type')!;

  it('the case needs the profile feature dual-algorithm-signing (SKIP, not FAIL, without it)', () => {
    expect(d().features).toEqual(['dual-algorithm-signing']);
  });

  it('RSA and EC SignerInfos with the same SignatureType pass', () => {
    const sent = build(d());
    const out = applyDomainSignature(sent, { signers: signers(), dca: keyOf(pki, `${LOCAL}/dca-rsa`), policy: { encryptOutbound: false }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
    const r = grade(d(), sent, accepted, [captured(out)], g);
    expect(r.verdict).toBe('PASS');
    expect(sameCheck(r)).toMatchObject({ outcome: 'pass', requirement: 'DOMSEC-3.1.1-SAME-CONTENT', strength: 'MUST' });
    expect(sameCheck(r).message).toMatch(/2 SignerInfo\(s\), 2 signature algorithm\(s\)/);
  });

  it('one SignerInfo only: the rule is NOT TESTED, never PASS', () => {
    const sent = build(d());
    const out = applyDomainSignature(sent, { signers: [signers()[0]!], dca: keyOf(pki, `${LOCAL}/dca-rsa`), policy: { encryptOutbound: false }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
    const r = grade(d(), sent, accepted, [captured(out)], g);
    expect(sameCheck(r).outcome).toBe('not-tested');
    expect(r.reason).toMatch(/not tested: DOMSEC-3\.1\.1-SAME-CONTENT/);
  });

  it('the EC SignerInfo carrying a different SignatureType content fails on DOMSEC-3.1.1-SAME-CONTENT', () => {
    const sent = build(d());
    const [rsa, ec] = domainSignerInputs(signers());
    const out = signedLayer(sent, { signers: [rsa!, { ...ec!, signedAttributes: [signatureTypeAttribute([O.id_sti_domainSig, O.id_sti_reviewSig])] }] });
    const r = grade(d(), sent, accepted, [captured(out)], g);
    expect(r.verdict).toBe('FAIL');
    expect(sameCheck(r)).toMatchObject({ outcome: 'fail', requirement: 'DOMSEC-3.1.1-SAME-CONTENT' });
  });
});

describe("case (c): the DCA encrypts for the end recipient's own certificate (draft 4, 4.1)", () => {
  const d = (): CaseDecl => byId('domsec::dca::case-c-end-recipient');
  const bob = () => entry(pki, `${REMOTE}/user-bob`).certDer;
  const gc = (): GradeContext => ({ ...g, policy: 'encrypt', endRecipientCert: bob() });
  const relay = (sent: Buffer, recipient: Buffer): Buffer =>
    applyDomainSignature(sent, { signers: [keyOf(pki, `${LOCAL}/signer-rsa`)], dca: keyOf(pki, `${LOCAL}/dca-rsa`), policy: { encryptOutbound: true }, encryptFor: [{ certDer: recipient }], trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
  const endCheck = (r: ReturnType<typeof grade>) => r.checks.find((k) => k.kind === 'end-recipient-info')!;

  it('is sent to the fixed address bob@<remote>, under an encrypt policy only', () => {
    expect(d()).toMatchObject({ endRecipient: 'bob', policy: 'encrypt', role: 'outbound-dca' });
  });

  it("encrypted for bob's own certificate passes", () => {
    const sent = build(d());
    const r = grade(d(), sent, accepted, [captured(relay(sent, bob()))], gc());
    expect(r.verdict).toBe('PASS');
    expect(endCheck(r)).toMatchObject({ outcome: 'pass', requirement: 'DOMSEC-4.1-RECIPIENT-INFO' });
  });

  it("encrypted for the recipient domain's DCA instead (case d) fails on DOMSEC-4.1-RECIPIENT-INFO", () => {
    const sent = build(d());
    const r = grade(d(), sent, accepted, [captured(relay(sent, entry(pki, `${REMOTE}/dca-rsa`).certDer))], gc());
    expect(r.verdict).toBe('FAIL');
    expect(endCheck(r)).toMatchObject({ outcome: 'fail', requirement: 'DOMSEC-4.1-RECIPIENT-INFO' });
  });

  it('relayed unencrypted fails on DOMSEC-4-DCA-CASES', () => {
    const sent = build(d());
    const out = applyDomainSignature(sent, { signers: [keyOf(pki, `${LOCAL}/signer-rsa`)], dca: keyOf(pki, `${LOCAL}/dca-rsa`), policy: { encryptOutbound: false }, trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME }).message;
    const r = grade(d(), sent, accepted, [captured(out)], gc());
    expect(r.verdict).toBe('FAIL');
    expect(r.checks.find((k) => k.kind === 'encrypted')).toMatchObject({ outcome: 'fail', requirement: 'DOMSEC-4-DCA-CASES' });
  });
});

describe("the originator identified by the name in its certificate (3.2 SHOULD, RFC 7281 smime-identifier)", () => {
  const d = (): CaseDecl => byId('domsec::verifier::originator-identified-by-certificate');
  const withAr = (raw: Buffer, value: string): Buffer => Buffer.concat([Buffer.from(`Authentication-Results: mx.example.org; smime=pass body.smime-identifier=${value} body.smime-part=1\r\n`), raw]);
  const idCheck = (r: ReturnType<typeof grade>) => r.checks.find((k) => k.kind === 'originator-identifier')!;

  it('needs the profile feature smime-identifier (SKIP, not FAIL, without it)', () => {
    expect(d().features).toEqual(['smime-identifier']);
  });

  it("alice's certificate address passes, in any case and quoted (RFC 8601 pvalue, N9)", () => {
    const sent = build(d());
    for (const v of [`alice@${REMOTE}`, `"ALICE@${REMOTE}"`]) {
      const r = grade(d(), sent, accepted, [captured(withAr(sent, v))], g);
      expect(r.verdict).toBe('PASS');
      expect(idCheck(r)).toMatchObject({ outcome: 'pass', requirement: 'DOMSEC-3.2-ORIGINATOR-NAME', strength: 'SHOULD' });
    }
  });

  it("another name (the domain signer's) or none warns: a SHOULD, never a FAIL", () => {
    const sent = build(d());
    const other = grade(d(), sent, accepted, [captured(withAr(sent, `signer@${REMOTE}`))], g);
    expect(other.verdict).toBe('WARN');
    expect(idCheck(other)).toMatchObject({ outcome: 'fail', expected: `alice@${REMOTE}` });
    const none = grade(d(), sent, accepted, [captured(stamped(sent, 'pass'))], g);
    expect(none.verdict).toBe('WARN');
    expect(idCheck(none).found).toBe('(none)');
  });
});
