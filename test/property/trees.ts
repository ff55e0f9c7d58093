/** Small constructors for hand-written model trees (the draft's examples, named cases, robustness seeds). */
import { nameLayers, signer, type ContentNode, type ModelMessage, type ModelNode, type Recipient, type SignedNode } from '../../src/model/index.js';

export const C = (form: 'entity' | 'raw' = 'entity', text = 'The quarterly figures are attached.\r\n'): ContentNode => ({
  kind: 'data', name: 'C', form, bodyHex: Buffer.from(text, 'latin1').toString('hex'), mediaType: 'text/plain; charset=utf-8', transferEncoding: '7bit',
});

/** A signedData; by default signed by the originator, no SignatureType, no mlExpansionHistory. */
export const S = (inner: ModelNode, o: Partial<SignedNode> = {}): SignedNode => ({
  kind: 'S', name: '', signers: [signer('originator')], signatureType: 'none', mlExpansionHistory: false, inner, ...o,
});

/** A signedData by another member of the domain (a reviewer, or with ml an MLA). */
export const Sother = (inner: ModelNode, o: Partial<SignedNode> = {}): SignedNode => S(inner, { signers: [signer('other')], ...o });

export const M = (inner: ModelNode, o: Partial<SignedNode> = {}): SignedNode => ({ ...S(inner, o), kind: 'M' });

export const E = (inner: ModelNode, recipients: Recipient[] = ['localDca', 'remoteUser'], o: { kind?: 'E' | 'A'; cmsNested?: boolean } = {}): ModelNode => ({
  kind: o.kind ?? 'E', name: '', recipients, inner, ...(o.cmsNested ? { cmsNested: true } : {}),
});

export const A = (inner: ModelNode, recipients: Recipient[] = ['localDca', 'remoteUser']): ModelNode => E(inner, recipients, { kind: 'A' });

export const message = (root: ModelNode, wrapping: ModelMessage['wrapping'] = 'rfc5322'): ModelMessage => ({ wrapping, root: nameLayers(root) });
