/**
 * src/model/case-message.ts: a model tree as a conformance case's message, the model's parties played by
 * the case's PKI and names. Every ordering of suites/section5-orderings.json reads back with its tree's
 * shape; each party is the entry the module comment names; the invalid validities fail verification for
 * the reason they stand for; a gateway's own DCA certificate is what the local DCA's envelopes are for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CaseContext, CaseNotApplicable } from '../../src/harness/context.js';
import { buildCaseMessage, caseParties, untrustedEntry } from '../../src/model/case-message.js';
import { nameLayers, shape, signer, type ModelMessage, type ModelNode, type SignedNode, type Validity } from '../../src/model/index.js';
import { layerChain, parseMessage, shapeOf, type Layer } from '../../src/message/layers.js';
import { verifyLayers } from '../../src/domsec/verify.js';
import { certRef } from '../../src/cms/cert-ref.js';
import { recipientInfoMatches, type RecipientKey } from '../../src/cms/recipient-info.js';
import { getHeaders, parseEntity } from '../../src/mime/index.js';
import type { TestPki } from '../../src/pki/index.js';
import { ORDERINGS } from '../../suites/section5-orderings.js';
import { anchors, keyOf, testPki } from '../helpers/pki.js';
import { VALIDATION_TIME } from '../helpers/messages.js';

let pki: TestPki;
let keys: RecipientKey[];
const TIME = new Date('2026-03-01T12:00:00Z');
const CONTENT = Buffer.from('Content-Type: text/plain\r\n\r\nx\r\n');

/** A case of the gateway of `local` (the reference gateway's domain by default), as src/harness/run.ts makes one. */
const context = (local = 'example.org', remote = 'example.test', replaced: ReadonlyMap<string, Buffer> = new Map(), p: TestPki = pki): CaseContext =>
  new CaseContext(p, local, remote, `case-1.test@${remote}`, '<case-1.test@domsec-suite.test>', TIME, CONTENT, replaced);

const C = (): ModelNode => ({ kind: 'data', name: 'C', form: 'entity', bodyHex: Buffer.from('hello\r\n').toString('hex'), mediaType: 'text/plain; charset=utf-8', transferEncoding: '7bit' });
const S = (inner: ModelNode, o: Partial<SignedNode> = {}): SignedNode => ({ kind: 'S', name: '', signers: [signer('originator')], signatureType: 'none', mlExpansionHistory: false, inner, ...o });
const msg = (root: ModelNode): ModelMessage => ({ wrapping: 'rfc5322', root: nameLayers(root) });

const read = (bytes: Buffer): Layer => parseMessage(bytes, { keys });
const verify = (bytes: Buffer) => verifyLayers(read(bytes), { trustAnchors: anchors(pki), validationTime: VALIDATION_TIME });

beforeAll(async () => {
  pki = await testPki();
  keys = Object.values(pki.entries).filter((e) => e.role === 'dca' || e.role === 'user').map((e) => keyOf(pki, e.name));
});

describe('buildCaseMessage', () => {
  it('builds every Section 5 ordering as a message with the shape of its tree, from alice of the gateway\'s domain', () => {
    expect(ORDERINGS.length).toBeGreaterThan(0);
    for (const o of ORDERINGS) {
      const bytes = buildCaseMessage(context(), o.tree);
      expect(shapeOf(read(bytes)), o.id).toBe(shape(o.tree.root));
      expect(getHeaders(parseEntity(bytes), 'From'), o.id).toEqual(['Alice <alice@example.org>']);
    }
  });

  it('signs as the parties the module names: alice and bob of the local domain, its signers, the remote domain\'s signer as the foreign one', () => {
    const tree = msg(S(S(S(C(), { signers: [signer('originator'), signer('other')] }), { signers: [signer('localDomain'), signer('localDomainEc')], signatureType: 'domainSig' }), { signers: [signer('foreignDomain')], signatureType: 'domainSig' }));
    const report = verify(buildCaseMessage(context(), tree));
    const [foreign, local, users] = report.layers;
    expect(users!.signers.map((s) => s.emails)).toEqual([['alice@example.org'], ['bob@example.org']]);
    const certOf = (name: string): Buffer => pki.entries[name]!.certDer;
    expect(local!.signers.map((s) => [s.certDer?.equals(certOf('example.org/signer-rsa')) || s.certDer?.equals(certOf('example.org/signer-ec')), s.verdict])).toEqual([[true, 'pass'], [true, 'pass']]);
    // A domain signer named for another domain than the originator's breaks 2.4 (N9).
    expect(foreign!.signers[0]!.certDer?.equals(certOf('example.test/signer-rsa'))).toBe(true);
    expect(foreign!.signers[0]!.reasons).toContain('NAMING_DOMAIN_MISMATCH');
  });

  it('makes each invalid validity fail for the reason it stands for, and leaves the valid co-signer valid (draft 3.2)', () => {
    const reasons: Record<Exclude<Validity, 'valid'>, string> = { badDigest: 'SIG_DIGEST_MISMATCH', wrongKey: 'SIG_VALUE_INVALID', untrustedCert: 'CERT_UNTRUSTED' };
    for (const [validity, reason] of Object.entries(reasons) as Array<[Exclude<Validity, 'valid'>, string]>) {
      for (const kind of ['S', 'M'] as const) {
        const tree = msg(S(C(), { kind, signers: [signer('originator'), signer('other', validity)] }));
        const [layer] = verify(buildCaseMessage(context(), tree)).layers;
        expect(layer!.signers.map((s) => s.verdict), `${kind} ${validity}`).toEqual(['pass', 'fail']);
        expect(layer!.signers[1]!.reasons, `${kind} ${validity}`).toContain(reason);
      }
    }
  });

  it("encrypts for the local DCA's certificate through ctx.cert(), the gateway's own when the profile replaces it", () => {
    const own = pki.entries['example.org/dca-ec']!.certDer;
    const ctx = context('example.org', 'example.test', new Map([['example.org/dca-rsa', own]]));
    const tree = msg({ kind: 'E', name: '', recipients: ['localDca', 'remoteDca'], inner: S(C()) });
    const envelope = layerChain(read(buildCaseMessage(ctx, tree)))[0]!;
    if (envelope.kind !== 'envelopedData') throw new Error(`expected an envelopedData, found ${envelope.kind}`);
    // RecipientInfos is a SET OF: DER orders it, so look each one up.
    const names = (cert: Buffer) => envelope.env.recipientInfos.filter((ri) => recipientInfoMatches(ri, certRef(cert))).length;
    expect(envelope.env.recipientInfos).toHaveLength(2);
    expect(names(own)).toBe(1);
    expect(names(pki.entries['example.test/dca-rsa']!.certDer)).toBe(1);
    expect(names(pki.entries['example.org/dca-rsa']!.certDer)).toBe(0);
    expect(caseParties(ctx).recipient('localDca').certDer.equals(own)).toBe(true);
  });

  it('takes the untrusted signer of the local domain when the PKI has one, else the PKI\'s, else the case does not apply', () => {
    expect(untrustedEntry(context('example.test', 'example.org'))).toBe('example.test/bad-untrusted');
    expect(untrustedEntry(context())).toBe('example.test/bad-untrusted');
    const entries = Object.fromEntries(Object.entries(pki.entries).filter(([n]) => !n.endsWith('/bad-untrusted')));
    expect(() => untrustedEntry(context('example.org', 'example.test', new Map(), { ...pki, entries }))).toThrow(CaseNotApplicable);
  });

  it('builds only what can be submitted over SMTP: an Internet message with CRLF line endings', () => {
    expect(() => buildCaseMessage(context(), { wrapping: 'der', root: nameLayers(S(C())) })).toThrow(/Internet message/);
    expect(() => buildCaseMessage(context(), { wrapping: 'rfc5322', lineEnding: 'lf', root: nameLayers(S(C())) })).toThrow(/bare LF/);
  });
});
