/**
 * Abstract layer trees: what a message is made of, as far as draft Sections 2.3, 3.2 and 5 care, with no
 * bytes, keys or certificates. This is the vocabulary of the executable model (section5.ts); the
 * property tests build each tree as a real message with the engine and compare.
 *
 * A message is a chain of layers from the outside in (each layer has exactly one inner layer), ending in
 * the original content:
 *
 *   S  signedData with encapsulated content (application/pkcs7-mime; smime-type=signed-data)
 *   M  multipart/signed (RFC 1847, RFC 8551 3.5): a signedData whose content is the first body part
 *   E  envelopedData          A  authEnvelopedData (RFC 5083), treated like envelopedData by Section 5
 *   data  the original content ("a layer that is neither envelopedData nor signedData", Section 5)
 *
 * Nothing here depends on the engine: this module imports nothing.
 */

/** Who made a signature. Only the roles matter to the rules; the certificates are chosen by the builder. */
export type Party =
  /** The message's originator: the owner of the RFC 5322 From: address (alice@example.test). */
  | 'originator'
  /** Another member of the originator's domain: a reviewer, or a Mail List Agent (bob@example.test). */
  | 'other'
  /** The local domain's signer, RSA key; its certificate follows the naming convention of 2.4 for the originator's domain. */
  | 'localDomain'
  /** The same with a P-256 key (two SignerInfos with different algorithms, 3.1.1). */
  | 'localDomainEc'
  /** A domain signer named for another domain: signing with it breaks 2.4 for this originator. */
  | 'foreignDomain';

/**
 * Whether a signature verifies (draft 3.2 "all other signatures present are valid"):
 *   valid          verifies and its certificate chains to a trust anchor
 *   badDigest      the messageDigest signed attribute does not match the content (content altered after signing)
 *   wrongKey       signed with a key that is not the certificate's (signature value does not verify)
 *   untrustedCert  verifies, but the certificate does not chain to a trust anchor
 */
export type Validity = 'valid' | 'badDigest' | 'wrongKey' | 'untrustedCert';

/** The SignatureType signed attribute of the layer's signers (3.1.1: the same in every SignerInfo); 'none' when absent. */
export type SignatureTypeValue = 'none' | 'originatorSig' | 'domainSig';

/** Who an envelope is encrypted for. */
export type Recipient =
  /** The local domain's DCA (example.test): the one whose key Section 5 uses to decrypt. */
  | 'localDca'
  /** The recipient domain's DCA (example.org), case (d). */
  | 'remoteDca'
  /** An end recipient in the recipient domain (RSA key transport), case (c). */
  | 'remoteUser'
  /** An end recipient with an EC key (ECDH key agreement). */
  | 'remoteUserEc';

export interface ModelSigner {
  party: Party;
  validity: Validity;
}

export interface SignedNode {
  kind: 'S' | 'M';
  /** A name unique in the message, draft style: S1 is the innermost signedData. */
  name: string;
  /** No signers: the empty signature layer of 2.3 (1), N12 (S only). */
  signers: ModelSigner[];
  signatureType: SignatureTypeValue;
  /** The signers carry a signed mlExpansionHistory attribute (RFC 2634 2.10). */
  mlExpansionHistory: boolean;
  /**
   * S only: the inner layer is carried as plain CMS (eContentType id-signedData/id-envelopedData/
   * id-ct-authEnvelopedData, RFC 5652 5.2) instead of a MIME entity. Only when the inner layer is S, E or A.
   */
  cmsNested?: boolean;
  inner: ModelNode;
}

export interface EnvelopeNode {
  kind: 'E' | 'A';
  name: string;
  recipients: Recipient[];
  /** The plaintext is the inner layer as plain CMS (contentType other than id-data), not a MIME entity. */
  cmsNested?: boolean;
  inner: ModelNode;
}

export interface ContentNode {
  kind: 'data';
  name: string;
  /**
   * 'entity': a MIME entity (Content-Type, Content-Transfer-Encoding, blank line, body);
   * 'raw': bytes that are the whole content (e.g. "This is some sample content." in RFC 4134 style).
   */
  form: 'entity' | 'raw';
  /** The body (entity) or the whole content (raw), hex. Any bytes: binary, 8-bit, long lines. */
  bodyHex: string;
  /** 'entity' only. */
  mediaType?: 'text/plain; charset=utf-8' | 'application/octet-stream';
  transferEncoding?: '7bit' | '8bit' | 'binary';
}

export type ModelNode = SignedNode | EnvelopeNode | ContentNode;

/**
 * How the message reaches the domain signer:
 *   rfc5322  an Internet message whose From: is the originator's address (the usual case)
 *   der      a bare CMS ContentInfo, no header (no From:, so no originator domain, N9)
 *   pem      the same, PEM-armoured
 *   entity   a MIME entity without the message header fields (what an engine emits for bare input)
 */
export type Wrapping = 'rfc5322' | 'der' | 'pem' | 'entity';

export interface ModelMessage {
  wrapping: Wrapping;
  root: ModelNode;
  /** How the lines of the outermost entity end: CRLF (the wire form, default) or bare LF (a file, an mbox export). No rule depends on it. */
  lineEnding?: 'crlf' | 'lf';
}

// ------------------------------------------------------------------ helpers

export function isSigned(n: ModelNode): n is SignedNode {
  return n.kind === 'S' || n.kind === 'M';
}

export function isEnvelope(n: ModelNode): n is EnvelopeNode {
  return n.kind === 'E' || n.kind === 'A';
}

/** The layers from the outside in, content last. */
export function chainOf(root: ModelNode): ModelNode[] {
  const out: ModelNode[] = [];
  let cur: ModelNode | undefined = root;
  while (cur) {
    out.push(cur);
    cur = cur.kind === 'data' ? undefined : cur.inner;
  }
  return out;
}

export function hasFrom(m: ModelMessage): boolean {
  return m.wrapping === 'rfc5322';
}

const SHORT: Record<SignatureTypeValue, string> = { none: '-', originatorSig: 'originatorSig', domainSig: 'domainSig' };

/**
 * The shape notation the project uses everywhere (src/message/layers.ts documents it; written again here
 * from that description, not imported): `S[domainSig](E(S[-](data)))`, `S[empty]` for no signers,
 * `,ml` when the signers carry mlExpansionHistory, `M[...]` for multipart/signed, `A(...)` for
 * authEnvelopedData.
 */
export function shape(n: ModelNode): string {
  switch (n.kind) {
    case 'data':
      return 'data';
    case 'E':
    case 'A':
      return `${n.kind}(${shape(n.inner)})`;
    case 'S':
    case 'M': {
      const label = n.signers.length === 0 ? 'empty' : `${SHORT[n.signatureType]}${n.mlExpansionHistory ? ',ml' : ''}`;
      return `${n.kind}[${label}](${shape(n.inner)})`;
    }
  }
}

/** The draft's own notation, by layer name: `S4(E2(S3(S1(C))))`. Content is `C`. */
export function named(n: ModelNode): string {
  return n.kind === 'data' ? 'C' : `${n.name}(${named(n.inner)})`;
}

/** Number the layers from the inside out per letter, as the draft does (S1 innermost). Returns the same tree. */
export function nameLayers(root: ModelNode): ModelNode {
  const counters: Record<string, number> = {};
  const chain = chainOf(root);
  for (let i = chain.length - 1; i >= 0; i--) {
    const n = chain[i]!;
    if (n.kind === 'data') {
      n.name = 'C';
      continue;
    }
    counters[n.kind] = (counters[n.kind] ?? 0) + 1;
    n.name = `${n.kind}${counters[n.kind]}`;
  }
  return root;
}

/** A valid signer for `party` (convenience for hand-written trees). */
export const signer = (party: Party, validity: Validity = 'valid'): ModelSigner => ({ party, validity });
