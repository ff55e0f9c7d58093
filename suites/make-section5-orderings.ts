/**
 * Generates suites/section5-orderings.json: the layer orderings of the property tests worth keeping as
 * conformance cases (issue 5: "the Section 5 rules (all seven examples and the property-generated
 * orderings worth keeping)"), each with what the executable model of Section 5 (src/model) says a
 * conforming domain signer does with it under both local policies.
 *
 *   npm run section5-orderings            (npx tsx suites/make-section5-orderings.ts) rewrites the file
 *   npm run section5-orderings -- --check exits 1 when the file is not what this script writes
 *
 * How: sample SAMPLES messages from the property tests' arbitrary (test/property/arbitraries.ts) with the
 * fixed seed SEED, make each submittable over SMTP (normalise), run the model on it under both policies
 * with the reference gateway's options (GATEWAY_OPTIONS), and keep for each behaviour class of CLASSES
 * the simplest message of that class. The expectations come from the model, an oracle written from the
 * draft and NOTES.md independently of the engine (src/domsec/apply.ts), never from running the engine.
 *
 * The output depends only on this file, the arbitrary, the model and fast-check's generator: the same
 * inputs give the same bytes (test/suites/section5-orderings.test.ts regenerates and compares). A change
 * to any of them that changes the file is to be reviewed: regenerate, look at the diff, commit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  applyModel, chainOf, isEnvelope, isSigned, keptLayers, named, nameLayers, shape,
  type Branch, type ContentNode, type ModelMessage, type ModelNode, type ModelOptions, type ModelOutcome, type ModelSuccess, type RefusalCode,
} from '../src/model/index.js';
import { SECTION5_EXAMPLES } from '../src/domsec/examples.js';
import { section5Case } from '../test/property/arbitraries.js';
import type { ExpectedOutcome, Ordering, OrderingsFile, Policy } from './section5-orderings.js';

export const ORDERINGS_FILE = fileURLToPath(new URL('./section5-orderings.json', import.meta.url));

/** fast-check seed (any fixed value: 505 for issue 5) and number of messages sampled: enough for every class of CLASSES to occur. */
export const SEED = 505;
export const SAMPLES = 20_000;

const POLICIES: readonly Policy[] = ['noEncrypt', 'encrypt'];

/**
 * What the reference gateway (src/harness/against-reference.ts) is, in the model's terms: it signs with
 * its domain's RSA signer, encrypts (by policy or because Section 5 says so) for the recipient domain's
 * DCA (draft 4.1), with envelopedData (the engine's default cipher, AES-256-CBC). Whether the originator
 * is authenticated externally is the ordering's own (the case submits with SMTP AUTH or not).
 */
export const GATEWAY_OPTIONS: OrderingsFile['generator']['gatewayOptions'] = {
  reencryptAs: 'E',
  encryptFor: ['remoteDca'],
  domainSigners: ['localDomain'],
};

/**
 * The content of every ordering: the harness's own test message (src/harness/run.ts). The sampled bodies
 * (binary, bare CR, 5,000-byte lines) test the engine's parser, which the property tests do; over SMTP a
 * multipart/signed part or an unsigned message carries its body in the clear, where 8-bit and long lines
 * would be re-encoded on the way and the signatures broken by the transport, not by the gateway.
 */
export const CONTENT: ContentNode = {
  kind: 'data', name: 'C', form: 'entity',
  bodyHex: Buffer.from('DOMSEC conformance suite test message.\r\n', 'latin1').toString('hex'),
  mediaType: 'text/plain; charset=utf-8', transferEncoding: '7bit',
};

// ------------------------------------------------------------------ sampling and normalising

/**
 * A sampled message as a conformance case can submit it: an Internet message (a bare DER or PEM CMS
 * object is not mail) with CRLF line endings (the wire form), carrying CONTENT. Layer kinds, signers,
 * validities, SignatureType, mlExpansionHistory, recipients and plain CMS nesting stay as sampled: they
 * are what Section 5 decides on.
 */
export function normalise(m: ModelMessage): ModelMessage {
  const copy = (n: ModelNode): ModelNode => (n.kind === 'data' ? { ...CONTENT } : { ...n, inner: copy(n.inner) } as ModelNode);
  return { wrapping: 'rfc5322', root: nameLayers(copy(m.root)) };
}

interface Sample {
  index: number;
  message: ModelMessage;
  originatorAuthenticated: boolean;
  results: Record<Policy, ModelOutcome>;
}

function modelOptions(policy: Policy, originatorAuthenticated: boolean): ModelOptions {
  return { ...GATEWAY_OPTIONS, encryptOutbound: policy === 'encrypt', originatorAuthenticated };
}

function sample(): Sample[] {
  return fc.sample(section5Case, { seed: SEED, numRuns: SAMPLES }).map((c, index) => {
    const message = normalise(c.message);
    const originatorAuthenticated = c.options.originatorAuthenticated;
    const results = { noEncrypt: applyModel(message, modelOptions('noEncrypt', originatorAuthenticated)), encrypt: applyModel(message, modelOptions('encrypt', originatorAuthenticated)) };
    return { index, message, originatorAuthenticated, results };
  });
}

// ------------------------------------------------------------------ features of a sample

const chain = (s: Sample): ModelNode[] => chainOf(s.message.root);
const success = (s: Sample): ModelSuccess | undefined => (s.results.noEncrypt.ok ? s.results.noEncrypt : undefined);
const branchIs = (s: Sample, ...b: Branch[]): boolean => !!success(s) && b.includes(success(s)!.branch);
const refusalsAre = (s: Sample, ...r: RefusalCode[]): boolean => !s.results.noEncrypt.ok && s.results.noEncrypt.refusals.join() === r.join();
const signedLayers = (s: Sample) => chain(s).filter(isSigned);
const validOriginatorSignature = (s: Sample): boolean =>
  signedLayers(s).some((l) => l.signatureType !== 'domainSig' && l.signers.some((x) => x.party === 'originator' && x.validity === 'valid'));
const invalidSigners = (s: Sample) => signedLayers(s).flatMap((l) => l.signers.filter((x) => x.validity !== 'valid').map((x) => ({ layer: l, validity: x.validity })));
/** Index of the first envelope from the outside, or -1. */
const firstEnvelope = (s: Sample): number => chain(s).findIndex(isEnvelope);
const sealed = (n: ModelNode): boolean => isEnvelope(n) && !n.recipients.includes('localDca');
/** Under the no-encryption policy the gateway still adds an envelope: one lies lower (5 step 6, N7). */
const reencryptsWithoutPolicy = (s: Sample): boolean => !!success(s) && [...success(s)!.created.values()].includes('reencryption');
const createsEmptyLayer = (s: Sample): boolean => !!success(s) && [...success(s)!.created.values()].includes('emptySignature');
const mlLayers = (s: Sample) => signedLayers(s).filter((l) => l.mlExpansionHistory);

interface OrderingClass {
  slug: string;
  /** What the ordering is, in a few words (the case title). */
  title: string;
  why: string;
  matches(s: Sample): boolean;
}

/**
 * The behaviour classes, one ordering each, in the order they are listed in the suite. Each names what a
 * gateway must get right on it that the seven examples of 5.1 do not show.
 */
export const CLASSES: readonly OrderingClass[] = [
  {
    slug: 'multipart-signed-outermost',
    title: 'multipart/signed outermost, nothing to strip',
    why: 'Branch "neither" with a multipart/signed (RFC 1847) layer outermost: for Section 5 it is a signedData without mlExpansionHistory, so nothing is stripped and the domain signature encapsulates the whole message, multipart/signed included (N4; enveloped under an encryption policy, N15).',
    matches: (s) => branchIs(s, 'neither') && s.message.root.kind === 'M',
  },
  {
    slug: 'originator-authenticated-externally',
    title: 'signed by another member, originator authenticated by SMTP AUTH',
    why: 'Signed, but not by the originator; the originator is authenticated by SMTP AUTH instead, "some mechanism external to S/MIME" (3.2), so the domain signature is added over the signatures present (N4).',
    matches: (s) =>
      branchIs(s, 'neither') && s.originatorAuthenticated && !validOriginatorSignature(s) && signedLayers(s).some((l) => l.signers.length > 0) && signedLayers(s).every((l) => l.signatureType !== 'domainSig'),
  },
  {
    slug: 'earlier-domain-signature-kept',
    title: 'already domain-signed: a second domain signature',
    why: 'The message was domain-signed once already (by another signer of the domain) and has no mlExpansionHistory or envelopedData: the earlier domain signature is kept and a second one encapsulates it (3.2 "one or more \'domain signature\' signatures", N4); it does not authenticate the originator, a signature below or SMTP AUTH does.',
    matches: (s) => branchIs(s, 'neither') && s.message.root.kind === 'S' && s.message.root.signatureType === 'domainSig',
  },
  {
    slug: 'auth-enveloped-data',
    title: 'authEnvelopedData found by the search',
    why: 'An authEnvelopedData (RFC 5083) is the envelope the search finds: Section 5 treats it as an envelopedData (strip down to it, decrypt with the local DCA\'s key, domain-sign the content, encrypt by policy).',
    matches: (s) => branchIs(s, 'envelopedData', 'mlExpansionHistory+envelopedData') && success(s)!.removed.some((l) => l.kind === 'A'),
  },
  {
    slug: 'multipart-signed-stripped',
    title: 'multipart/signed stripped down to the envelopedData',
    why: 'A multipart/signed above the envelopedData is one of "all the signedData layers down to the envelopedData layer": verified (N8), then stripped (Section 5).',
    matches: (s) => branchIs(s, 'envelopedData') && success(s)!.removed.some((l) => l.kind === 'M'),
  },
  {
    slug: 'empty-layer-under-envelope',
    title: 'unsigned content in an envelopedData: empty layer under the domain signature',
    why: 'The decrypted content carries no signature (the originator authenticated by SMTP AUTH): "a domain signature MUST encapsulate other signatures" (3.1.1), so an empty signature layer with id-data goes under it (2.3 (1), N12).',
    matches: (s) => branchIs(s, 'envelopedData', 'mlExpansionHistory+envelopedData') && createsEmptyLayer(s) && s.originatorAuthenticated && !validOriginatorSignature(s),
  },
  {
    slug: 'lower-envelope-forces-encryption',
    title: 'an envelopedData lower down forces encryption',
    why: 'After decrypting the envelope the search found, another envelopedData lies at a lower level: the domain signature MUST be enveloped even when local policy does not require encryption (Section 5 step 6, N7), in another ordering than Example 7.',
    matches: (s) => branchIs(s, 'envelopedData') && reencryptsWithoutPolicy(s),
  },
  {
    slug: 'cms-nested-layers',
    title: 'layers nested as plain CMS',
    why: 'Layers nested as plain CMS, without MIME between them (RFC 5652 5.2: eContentType or contentType id-signedData / id-envelopedData): the search, the stripping and the decryption follow them as they follow MIME-wrapped layers, and a kept one keeps its bytes.',
    matches: (s) => branchIs(s, 'envelopedData', 'mlExpansionHistory+envelopedData') && chain(s).some((l) => l.kind !== 'data' && !!l.cmsNested),
  },
  {
    slug: 'ml-inside-envelope-not-searched',
    title: 'mlExpansionHistory inside the envelope is not the "outer" layer',
    why: 'A signedData with mlExpansionHistory inside the envelope: the search is complete when an envelopedData is found (Section 5), so that layer is not the "outer" one; it is kept under the new domain signature and no outer layer is re-added.',
    matches: (s) => branchIs(s, 'envelopedData') && keptLayers(success(s)!).some((l) => isSigned(l) && l.mlExpansionHistory),
  },
  {
    slug: 'ml-without-envelope',
    title: 'mlExpansionHistory without envelopedData (branch B)',
    why: 'Branch B: mlExpansionHistory and no envelopedData. The "outer" signedData is stripped after remembering its signed attributes, the rest domain-signed, and a new signedData carrying the remembered attributes re-added outermost (Section 5 B, N5, N6); under an encryption policy the envelope goes between the two (N15).',
    matches: (s) => branchIs(s, 'mlExpansionHistory') && s.message.root.kind === 'S' && !!s.message.root.mlExpansionHistory,
  },
  {
    slug: 'layers-above-ml-stripped',
    title: 'signedData above the mlExpansionHistory layer stripped with it',
    why: 'SignedData layers above the one with mlExpansionHistory: an MLA strips "all signedData layers that encapsulate this \'outer\' signedData layer" (Section 5, ESS 4.2), so they are verified (N8) and stripped with it; the re-added layer carries the attributes of the mlExpansionHistory layer, not of the outermost (N5).',
    matches: (s) => branchIs(s, 'mlExpansionHistory', 'mlExpansionHistory+envelopedData') && success(s)!.rememberedFrom !== s.message.root,
  },
  {
    slug: 'several-ml-layers',
    title: 'several mlExpansionHistory layers',
    why: 'The message went through more than one MLA: several layers carry mlExpansionHistory. Only the outermost is the "outer" signedData whose attributes are remembered and re-added (N5); the others are below the envelope or the domain signature and kept.',
    matches: (s) => branchIs(s, 'mlExpansionHistory', 'mlExpansionHistory+envelopedData') && mlLayers(s).length >= 2,
  },
  {
    slug: 'multipart-signed-mla',
    title: 'the MLA\'s layer is a multipart/signed',
    why: 'The MLA\'s layer is a multipart/signed: it is the "outer" signedData all the same, stripped, and its signed attributes re-added on a new signedData (Section 5, N5).',
    matches: (s) => branchIs(s, 'mlExpansionHistory', 'mlExpansionHistory+envelopedData') && success(s)!.rememberedFrom?.kind === 'M',
  },
  {
    slug: 'ml-lower-envelope-forces-encryption',
    title: 'mlExpansionHistory, and an envelopedData lower down forces encryption',
    why: 'Branch A with mlExpansionHistory, and an envelopedData lower than the one decrypted: the domain signature is enveloped whatever the policy (Section 5 A, N7), below the re-added outer signedData (N5).',
    matches: (s) => branchIs(s, 'mlExpansionHistory+envelopedData') && reencryptsWithoutPolicy(s),
  },
  {
    slug: 'refuse-envelope-not-for-local-dca',
    title: 'envelope not for the local DCA: refuse',
    why: 'The outermost envelopedData has no RecipientInfo for the local DCA: the gateway cannot decrypt it, so it cannot verify the signatures inside ("including those that have been encrypted", 3.2, N8) and MUST NOT domain-sign.',
    matches: (s) => refusalsAre(s, 'NO_LOCAL_DCA_KEY') && sealed(chain(s)[firstEnvelope(s)]!),
  },
  {
    slug: 'refuse-sealed-envelope-below',
    title: 'inner envelope not for the local DCA: refuse',
    why: 'The envelope the search finds is for the local DCA, but an envelopedData inside it is not: the signatures below cannot be verified (3.2, N7: the domain signer verifies every signature, including those it keeps encrypted), so no domain signature.',
    matches: (s) => refusalsAre(s, 'NO_LOCAL_DCA_KEY') && !sealed(chain(s)[firstEnvelope(s)]!),
  },
  {
    slug: 'refuse-invalid-signature-under-envelope',
    title: 'invalid signature deep under an envelopedData: refuse',
    why: 'Every signature verifies except one deep under an envelopedData for the local DCA; the originator\'s own signature is valid. 3.2: all signatures present must be valid, "including those that have been encrypted" (N8), so no domain signature.',
    // Deep: at least two layers above the invalid one, an envelopedData among them.
    matches: (s) =>
      refusalsAre(s, 'SIGNATURE_INVALID') && validOriginatorSignature(s) && firstEnvelope(s) >= 0 &&
      invalidSigners(s).every(({ layer }) => chain(s).indexOf(layer) > firstEnvelope(s) && chain(s).indexOf(layer) >= 2),
  },
  {
    slug: 'refuse-untrusted-signer',
    title: 'signer certificate from an untrusted CA: refuse',
    why: 'A signature that verifies with a certificate that does not chain to a trust anchor is not valid (3.2, RFC 5280 6.1): no domain signature.',
    matches: (s) => refusalsAre(s, 'SIGNATURE_INVALID') && invalidSigners(s).some(({ validity }) => validity === 'untrustedCert'),
  },
  {
    slug: 'refuse-wrong-signing-key',
    title: 'signature made with the wrong key: refuse',
    why: 'A signature value made with a key that is not the certificate\'s does not verify (3.2): no domain signature, whatever the other signatures are.',
    matches: (s) => refusalsAre(s, 'SIGNATURE_INVALID') && invalidSigners(s).some(({ validity }) => validity === 'wrongKey'),
  },
  {
    slug: 'refuse-signed-by-someone-else',
    title: 'signed, but not by the originator, no SMTP AUTH: refuse',
    why: 'Every signature is valid, but none is the originator\'s (From:) and there was no SMTP AUTH: the gateway has not satisfied itself of the originator\'s authenticity (3.2), so no domain signature.',
    matches: (s) => refusalsAre(s, 'ORIGINATOR_NOT_AUTHENTICATED') && signedLayers(s).some((l) => l.signers.length > 0),
  },
];

/**
 * Orderings other cases already submit: a sample with the same input shape and the same expected outcome
 * adds nothing. The seven examples are suites/section5.ts's; unsigned mail, and an invalid originator
 * signature alone or inside an envelopedData, are the domain-signer suite's (suites/domain-signer.ts).
 */
const DOMAIN_SIGNER_SUITE: ReadonlyArray<{ input: string; refusal: RefusalCode }> = [
  { input: 'S[-](data)', refusal: 'SIGNATURE_INVALID' },
  { input: 'E(S[-](data))', refusal: 'SIGNATURE_INVALID' },
];

function alreadyACase(s: Sample): boolean {
  const input = shape(s.message.root);
  if (input === 'data') return true;
  const r = s.results.noEncrypt;
  if (!r.ok) return DOMAIN_SIGNER_SUITE.some((c) => c.input === input && c.refusal === r.refusal);
  const out = (p: Policy) => (s.results[p].ok ? shape((s.results[p] as ModelSuccess).output.root) : undefined);
  return SECTION5_EXAMPLES.some((ex) => ex.inputShape === input && ex.expected.noEncrypt === out('noEncrypt') && ex.expected.encrypt === out('encrypt'));
}

/**
 * What the arbitrary generates but mail seldom carries (it does so to reach every rule): an empty
 * signature layer sent by a user, an MLA's mlExpansionHistory layer signed by the originator, an
 * originatorSig SignatureType on someone else's signature.
 */
function oddities(s: Sample): number {
  return signedLayers(s).filter(
    (l) => l.signers.length === 0 || (l.mlExpansionHistory && l.signers.some((x) => x.party === 'originator')) || (l.signatureType === 'originatorSig' && l.signers.some((x) => x.party !== 'originator')),
  ).length;
}

/**
 * The simplest of a class first: every envelope also for someone the suite can open with its own keys
 * (so that the grader still opens every layer when a gateway brings its own DCA certificate); the
 * originator authenticated by a signature rather than by SMTP AUTH, and that signature kept under the
 * domain signature, unless the class is about the contrary (mail between S/MIME users, where the rules
 * have the most to do: an empty layer is the domain-signer suite's subject); the fewest oddities; then
 * fewest layers, signers and recipients; then the order sampled.
 */
function simplicity(s: Sample): number[] {
  const envelopes = chain(s).filter(isEnvelope);
  return [
    envelopes.every((e) => e.recipients.some((r) => r !== 'localDca')) ? 0 : 1,
    s.originatorAuthenticated ? 1 : 0,
    createsEmptyLayer(s) ? 1 : 0,
    oddities(s),
    chain(s).length,
    signedLayers(s).reduce((n, l) => n + l.signers.length, 0),
    envelopes.reduce((n, e) => n + e.recipients.length, 0),
    s.index,
  ];
}

const bySimplicity = (a: Sample, b: Sample): number => {
  const x = simplicity(a);
  const y = simplicity(b);
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
  return 0;
};

// ------------------------------------------------------------------ the file

function expectedOf(r: ModelOutcome): ExpectedOutcome {
  if (!r.ok) return { outcome: 'refused', refusal: r.refusal, refusals: r.refusals };
  const added = chainOf(r.output.root).filter((l) => r.created.has(l)).reverse().map((l) => `${l.name}:${r.created.get(l)}`);
  return {
    outcome: 'domain-signed', branch: r.branch, shape: shape(r.output.root), named: named(r.output.root), added, removed: r.removed.map((l) => l.name),
    ...(r.rememberedFrom ? { rememberedFrom: r.rememberedFrom.name } : {}),
  };
}

/** The tree with its keys in a fixed order, so that the file does not depend on how the arbitrary builds objects. */
function canonicalNode(n: ModelNode): ModelNode {
  switch (n.kind) {
    case 'data':
      return { kind: 'data', name: n.name, form: n.form, bodyHex: n.bodyHex, ...(n.mediaType ? { mediaType: n.mediaType } : {}), ...(n.transferEncoding ? { transferEncoding: n.transferEncoding } : {}) };
    case 'E':
    case 'A':
      return { kind: n.kind, name: n.name, recipients: [...n.recipients], ...(n.cmsNested ? { cmsNested: true } : {}), inner: canonicalNode(n.inner) };
    case 'S':
    case 'M':
      return {
        kind: n.kind, name: n.name, signers: n.signers.map((x) => ({ party: x.party, validity: x.validity })), signatureType: n.signatureType,
        mlExpansionHistory: n.mlExpansionHistory, ...(n.cmsNested ? { cmsNested: true } : {}), inner: canonicalNode(n.inner),
      };
  }
}

function orderingOf(c: OrderingClass, s: Sample): Ordering {
  const results = s.results;
  // One expectation kind for both policies (domain-signed or not): a case runs under the profile's policy.
  if (results.noEncrypt.ok !== results.encrypt.ok) throw new Error(`class ${c.slug}: sample ${s.index} is refused under one policy only; the case could not say what to expect`);
  let flags: Pick<Ordering, 'innermostSignatureKept' | 'emptyLayerAdded' | 'mlAttributesCarried'> = {};
  if (results.noEncrypt.ok && results.encrypt.ok) {
    const innermost = chain(s).filter((l) => l.kind === 'S' && l.signers.length > 0).pop();
    flags = {
      innermostSignatureKept: !!innermost && POLICIES.every((p) => keptLayers(results[p] as ModelSuccess).includes(innermost)),
      emptyLayerAdded: createsEmptyLayer(s),
      mlAttributesCarried: results.noEncrypt.rememberedFrom !== undefined,
    };
  }
  return {
    id: `domsec::section5::ordering-${c.slug}`,
    class: c.slug,
    title: c.title,
    why: c.why,
    sample: s.index,
    input: { named: named(s.message.root), shape: shape(s.message.root) },
    originatorAuthenticated: s.originatorAuthenticated,
    ...flags,
    expected: { noEncrypt: expectedOf(results.noEncrypt), encrypt: expectedOf(results.encrypt) },
    tree: { wrapping: s.message.wrapping, root: canonicalNode(s.message.root) },
  };
}

/** The orderings worth keeping: for each class, in order, the simplest sample of it not already kept. */
export function generateOrderings(): OrderingsFile {
  const samples = sample().filter((s) => !alreadyACase(s));
  const taken = new Set<number>();
  const orderings = CLASSES.map((c) => {
    const best = samples.filter((s) => !taken.has(s.index) && c.matches(s)).sort(bySimplicity)[0];
    if (!best) throw new Error(`no sample of class ${c.slug} among ${SAMPLES} (seed ${SEED}): sample more, or change the class`);
    taken.add(best.index);
    return orderingOf(c, best);
  });
  return {
    $comment: 'Generated by suites/make-section5-orderings.ts (npm run section5-orderings); do not edit by hand. Layer orderings of the Section 5 property tests kept as conformance cases (suites/section5-orderings.ts), with the executable model\'s expectation (src/model) under both local policies.',
    generator: { script: 'suites/make-section5-orderings.ts', arbitrary: 'test/property/arbitraries.ts section5Case', seed: SEED, samples: SAMPLES, gatewayOptions: GATEWAY_OPTIONS },
    orderings,
  };
}

export function renderOrderings(f: OrderingsFile): string {
  return JSON.stringify(f, null, 2) + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = renderOrderings(generateOrderings());
  if (process.argv.includes('--check')) {
    const same = readFileSync(ORDERINGS_FILE, 'utf8') === text;
    console.log(same ? `${ORDERINGS_FILE} is up to date` : `${ORDERINGS_FILE} differs from what the generator writes: run npm run section5-orderings and review the diff`);
    process.exit(same ? 0 : 1);
  }
  writeFileSync(ORDERINGS_FILE, text);
  const f = JSON.parse(text) as OrderingsFile;
  for (const o of f.orderings) {
    const out = (p: Policy) => {
      const e = o.expected[p];
      return e.outcome === 'domain-signed' ? `${e.named} ${e.shape}` : `refused ${e.refusal}`;
    };
    console.log(`${o.class}: ${o.input.named} ${o.input.shape}${o.originatorAuthenticated ? ' (SMTP AUTH)' : ''}\n    -> ${out('noEncrypt')}  |  ${out('encrypt')}`);
  }
  console.log(`${f.orderings.length} orderings written to ${ORDERINGS_FILE}`);
}
