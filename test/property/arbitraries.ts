/**
 * fast-check arbitraries for model messages (src/model/tree.ts) and domain options.
 *
 * A message is 0 to 8 layers around the content. Every layer kind: S (signers valid or not, any
 * SignatureType, mlExpansionHistory at any signed layer, empty signature layers, plain CMS nesting), M
 * (multipart/signed), E and A (the local DCA among the recipients or not, plain CMS nesting), content of
 * any bytes (binary, 8-bit, long lines, bare LF and CR) as a MIME entity or raw.
 *
 * What the engine cannot take as input is not generated (a `.map` repairs it, so shrinking keeps working):
 *  - a multipart/signed's first part must be a MIME entity, so content directly below M is an entity;
 *  - plain CMS nesting only when the inner layer is S, E or A (a MIME multipart/signed or content needs id-data);
 *  - an empty signature layer has eContentType id-data (2.3 (1)), so it never nests plain CMS;
 *  - a bare DER or PEM message has a CMS root.
 * Where the rules have nothing to say, values are realistic: mlExpansionHistory is an MLA's attribute on a
 * signature that is not a domain signature; only domain signers make domain signatures.
 */
import fc from 'fast-check';
import {
  nameLayers,
  type ContentNode, type ModelMessage, type ModelNode, type ModelOptions, type ModelSigner, type Recipient, type SignedNode, type Validity,
} from '../../src/model/index.js';
import type { Section5Case } from './check.js';

export const MAX_LAYERS = 8;

/** Mostly valid: about 1 signer in 25 is not, so that most messages can be domain-signed. */
const validity: fc.Arbitrary<Validity> = fc.oneof(
  { weight: 72, arbitrary: fc.constant<Validity>('valid') },
  { weight: 1, arbitrary: fc.constant<Validity>('badDigest') },
  { weight: 1, arbitrary: fc.constant<Validity>('wrongKey') },
  { weight: 1, arbitrary: fc.constant<Validity>('untrustedCert') },
);

const userSigners: fc.Arbitrary<ModelSigner[]> = fc
  .uniqueArray(fc.constantFrom<'originator' | 'other'>('originator', 'originator', 'other'), { minLength: 1, maxLength: 2 })
  .chain((parties) => fc.tuple(...parties.map((party) => validity.map((v): ModelSigner => ({ party, validity: v })))));

const domainSigners: fc.Arbitrary<ModelSigner[]> = fc
  .constantFrom<Array<'localDomain' | 'localDomainEc'>>(['localDomain'], ['localDomain', 'localDomainEc'], ['localDomainEc'])
  .chain((parties) => fc.tuple(...parties.map((party) => validity.map((v): ModelSigner => ({ party, validity: v })))));

type LayerSpec = Omit<SignedNode, 'inner' | 'name'> | { kind: 'E' | 'A'; recipients: Recipient[]; cmsNested: boolean };

/** A signature layer: the originator's or another user's (maybe an MLA's, with mlExpansionHistory), a domain signature, or an empty layer. */
const signedSpec = (kind: 'S' | 'M'): fc.Arbitrary<LayerSpec> =>
  fc.oneof(
    {
      weight: 16,
      arbitrary: fc.record({
        signers: userSigners,
        st: fc.constantFrom<'none' | 'originatorSig'>('none', 'none', 'none', 'originatorSig'),
        mla: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
        cmsNested: fc.integer({ min: 0, max: 4 }).map((n) => kind === 'S' && n === 0),
      }).map(({ signers, st, mla, cmsNested }): LayerSpec => ({
        kind, signers, cmsNested,
        // An MLA's signature (about 1 signed layer in 4): mlExpansionHistory, no SignatureType.
        mlExpansionHistory: mla,
        signatureType: mla ? 'none' : st,
      })),
    },
    {
      weight: 3,
      arbitrary: fc.record({ signers: domainSigners, cmsNested: fc.integer({ min: 0, max: 4 }).map((n) => kind === 'S' && n === 0) }).map(
        ({ signers, cmsNested }): LayerSpec => ({ kind, signers, cmsNested, signatureType: 'domainSig', mlExpansionHistory: false }),
      ),
    },
    ...(kind === 'S' ? [{ weight: 1, arbitrary: fc.constant<LayerSpec>({ kind: 'S', signers: [], signatureType: 'none', mlExpansionHistory: false, cmsNested: false }) }] : []),
  );

const recipients: fc.Arbitrary<Recipient[]> = fc
  .record({
    local: fc.integer({ min: 0, max: 11 }).map((n) => n !== 0), // the local DCA is a recipient 11 times in 12
    others: fc.subarray<Recipient>(['remoteDca', 'remoteUser', 'remoteUserEc']),
  })
  .map(({ local, others }) => {
    const r: Recipient[] = local ? ['localDca', ...others] : others;
    return r.length ? r : ['remoteUser'];
  });

const envelopeSpec = (kind: 'E' | 'A'): fc.Arbitrary<LayerSpec> =>
  fc.record({ recipients, cmsNested: fc.integer({ min: 0, max: 4 }).map((n) => n === 0) }).map(({ recipients, cmsNested }): LayerSpec => ({ kind, recipients, cmsNested }));

const layerSpec: fc.Arbitrary<LayerSpec> = fc.oneof(
  { weight: 10, arbitrary: signedSpec('S') },
  { weight: 3, arbitrary: signedSpec('M') },
  { weight: 4, arbitrary: envelopeSpec('E') },
  { weight: 2, arbitrary: envelopeSpec('A') },
);

/** Any bytes, as hex: binary, 8-bit text, very long lines, bare LF/CR, CRLF text. */
export const bodyBytes: fc.Arbitrary<string> = fc
  .oneof(
    fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
    fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 8 }).map((lines) => Buffer.from(lines.join('\r\n') + '\r\n', 'latin1')),
    fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 8 }).map((lines) => Buffer.from(lines.join('\n'), 'latin1')),
    fc.record({ c: fc.integer({ min: 0x20, max: 0xff }), n: fc.integer({ min: 999, max: 5000 }) }).map(({ c, n }) => Buffer.alloc(n, c)),
    fc.constantFrom('', '\r\n', '\n', '\r', '.\r\n', 'From me\r\n', '--\r\n', '\x00\x00', 'Content-Type: text/plain\r\n\r\nnested?').map((s) => Buffer.from(s, 'latin1')),
  )
  .map((b) => b.toString('hex'));

const content: fc.Arbitrary<ContentNode> = fc.record({
  form: fc.constantFrom<'entity' | 'raw'>('entity', 'entity', 'entity', 'raw'),
  bodyHex: bodyBytes,
  mediaType: fc.constantFrom<'text/plain; charset=utf-8' | 'application/octet-stream'>('text/plain; charset=utf-8', 'application/octet-stream'),
  transferEncoding: fc.constantFrom<'7bit' | '8bit' | 'binary'>('7bit', '8bit', 'binary'),
}).map((c) => ({ kind: 'data', name: 'C', ...c }));

/** Assemble specs (outside in) around the content, repairing what the engine cannot take (see above). */
function assemble(specs: LayerSpec[], data: ContentNode): ModelNode {
  let inner: ModelNode = data;
  for (let i = specs.length - 1; i >= 0; i--) {
    const s = specs[i]!;
    const cmsInner: boolean = inner.kind === 'S' || inner.kind === 'E' || inner.kind === 'A';
    if (s.kind === 'E' || s.kind === 'A') {
      inner = { kind: s.kind, name: '', recipients: s.recipients, cmsNested: s.cmsNested && cmsInner, inner };
    } else {
      if (s.kind === 'M' && inner.kind === 'data' && inner.form === 'raw') inner = { ...inner, form: 'entity' };
      inner = { ...s, name: '', cmsNested: s.kind === 'S' && !!s.cmsNested && cmsInner && s.signers.length > 0, inner } as SignedNode;
    }
  }
  return nameLayers(inner);
}

export const modelMessage: fc.Arbitrary<ModelMessage> = fc
  .record({
    specs: fc.array(layerSpec, { maxLength: MAX_LAYERS, size: 'max' }),
    data: content,
    wrapping: fc.constantFrom<ModelMessage['wrapping']>(...Array<'rfc5322'>(18).fill('rfc5322'), 'der', 'pem'),
    lf: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  })
  .map(({ specs, data, wrapping, lf }): ModelMessage => {
    const root = assemble(specs, data);
    const cmsRoot = root.kind === 'S' || root.kind === 'E' || root.kind === 'A';
    const m: ModelMessage = { wrapping: cmsRoot ? wrapping : 'rfc5322', root };
    // An Internet message stored with bare LF line endings (a file, an mbox export): the engine accepts both.
    if (lf && m.wrapping === 'rfc5322' && root.kind !== 'M') m.lineEnding = 'lf';
    return m;
  });

export const modelOptions: fc.Arbitrary<ModelOptions> = fc.record({
  encryptOutbound: fc.boolean(),
  reencryptAs: fc.constantFrom<'E' | 'A'>('E', 'E', 'E', 'A'),
  encryptFor: fc.oneof(
    { weight: 1, arbitrary: fc.constant<Recipient[]>([]) },
    { weight: 12, arbitrary: fc.subarray<Recipient>(['localDca', 'remoteDca', 'remoteUser', 'remoteUserEc'], { minLength: 1 }) },
  ),
  originatorAuthenticated: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  domainSigners: fc.constantFrom<ModelOptions['domainSigners']>(
    ...Array<ModelOptions['domainSigners']>(20).fill(['localDomain']),
    ['localDomain', 'localDomainEc'], ['localDomain', 'localDomainEc'], ['localDomainEc'], ['foreignDomain'],
  ),
});

export const section5Case: fc.Arbitrary<Section5Case> = fc.record({ message: modelMessage, options: modelOptions });
