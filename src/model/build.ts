/**
 * Build a model message (tree.ts) as a real message with the engine's CMS and MIME builders, inside out,
 * and remember the bytes of every layer so that a test can find them again in an output.
 *
 * One builder for every user of model trees: the property tests (test/property, the test PKI's parties),
 * the robustness corpus, and the Section 5 ordering cases a gateway is graded on (case-message.ts, the
 * case's PKI and names). Who plays each party of the model is the caller's (ModelParties); the layers are
 * built the same way for all of them.
 *
 * This module is the bridge from the model to bytes, not part of the model: tree.ts and section5.ts
 * (re-exported by index.ts) import nothing, so the model stays an oracle independent of the engine; this
 * file is not re-exported by index.ts, and it uses the CMS builders only (never src/domsec/apply.ts).
 */
import type { KeyObject } from 'node:crypto';
import * as O from '../asn1/oids.js';
import { buildSignedData, messageDigestAttribute, type SignerInput } from '../cms/signed-data.js';
import { buildEnvelopedData } from '../cms/enveloped-data.js';
import { buildAuthEnvelopedData } from '../cms/auth-enveloped-data.js';
import { parseContentInfo } from '../cms/content-info.js';
import { oid, rawOf } from '../cms/der.js';
import { certRef, issuerAndSerialNumber } from '../cms/cert-ref.js';
import { SeededRng } from '../crypto/rng.js';
import { signatureTypeAttribute } from '../domsec/signature-type.js';
import { mlExpansionHistoryAttribute } from '../domsec/ml-expansion-history.js';
import { buildMultipartSigned, buildPkcs7MimeEntity, canonicalizeCrlf, encodeBase64Lines, formatHeaderField } from '../mime/index.js';
import { chainOf, type ContentNode, type EnvelopeNode, type ModelMessage, type ModelNode, type ModelSigner, type Party, type Recipient, type SignedNode } from './tree.js';

export interface ModelKey {
  certDer: Buffer;
  key: KeyObject;
}

/** Who plays the model's parties and recipients (tree.ts), and the message's header fields. */
export interface ModelParties {
  /** The certificate and private key a party signs with. */
  party(p: Party): ModelKey;
  /** The certificate an envelope is encrypted for. */
  recipient(r: Recipient): { certDer: Buffer };
  /** A signer whose certificate does not chain to a trust anchor: what an 'untrustedCert' signature is made with. */
  untrusted(): ModelKey;
  /** RFC 5322 header fields of an 'rfc5322' message; its From: is the originator's address (N9). */
  headers: Array<[string, string]>;
  signingTime: Date;
}

export interface BuiltLayer {
  /** The layer as a MIME entity (for the root: with the message header fields). */
  entity: Buffer;
  /** S, E, A: the ContentInfo DER. M: the detached signature's ContentInfo DER. data: absent. */
  der?: Buffer;
  /** S, E, A: the content of the ContentInfo (what plain CMS nesting carries, RFC 5652 5.2). */
  bare?: Buffer;
  /** S, M: the bytes the signatures cover. */
  signedContent?: Buffer;
}

export interface BuiltMessage {
  message: Buffer;
  layers: Map<ModelNode, BuiltLayer>;
}

export interface BuildOptions {
  /**
   * Seed of the random values (content-encryption keys, IVs): the same tree built twice gives the same
   * bytes, so a failure replays exactly. Each envelope draws from its own fork (by layer name).
   */
  seed?: string;
}

const CMS_TYPE = { S: O.id_signedData, E: O.id_envelopedData, A: O.id_ct_authEnvelopedData } as const;

/** Attribute OID bytes of messageDigest, to find that attribute among the encoded signed attributes. */
const MD_OID = oid(O.id_messageDigest);

/**
 * One SignerInfo as the tree describes it. The invalid validities (draft 3.2 "all other signatures
 * present are valid") are made the way they happen: a certificate from a CA that is not a trust anchor,
 * a signature value made with another party's key, a messageDigest of other content.
 */
function signerInput(parties: ModelParties, node: SignedNode, s: ModelSigner): SignerInput {
  let { certDer, key } = parties.party(s.party);
  if (s.validity === 'untrustedCert') ({ certDer, key } = parties.untrusted());
  if (s.validity === 'wrongKey') key = parties.party(s.party === 'originator' ? 'other' : 'originator').key;
  const signedAttributes: Buffer[] = [];
  const st = { originatorSig: O.id_sti_originatorSig, domainSig: O.id_sti_domainSig, none: undefined }[node.signatureType];
  if (st) signedAttributes.push(signatureTypeAttribute([st]));
  if (node.mlExpansionHistory) {
    // The MLA that expanded the message is the domain's other member (tree.ts: 'other' may be a Mail List Agent).
    const mla = issuerAndSerialNumber(certRef(parties.party('other').certDer));
    signedAttributes.push(mlExpansionHistoryAttribute([{ issuerAndSerialNumber: mla, expansionTime: parties.signingTime }]));
  }
  const input: SignerInput = { certDer, key, signedAttributes };
  if (s.validity === 'badDigest') {
    // The content was altered after signing: the signed messageDigest is that of other bytes.
    input.mutateSignedAttributes = (attrs) => attrs.map((a) => (a.includes(MD_OID) ? messageDigestAttribute(Buffer.alloc(32, 0x5a)) : a));
  }
  return input;
}

function contentEntity(n: ContentNode, eol: '\r\n' | '\n' = '\r\n'): Buffer {
  const body = Buffer.from(n.bodyHex, 'hex');
  if (n.form === 'raw') return body;
  return Buffer.concat([
    Buffer.from(`Content-Type: ${n.mediaType ?? 'application/octet-stream'}${eol}Content-Transfer-Encoding: ${n.transferEncoding ?? 'binary'}${eol}${eol}`, 'latin1'),
    body,
  ]);
}

function renderHeaders(headers: Array<[string, string]>, eol: '\r\n' | '\n' = '\r\n'): Buffer {
  return Buffer.concat(headers.map(([n, v]) => formatHeaderField(n, v, eol)));
}

/** A multipart boundary that does not start any line of the signed part. */
function boundaryFor(signedPart: Buffer, name: string): string {
  for (let k = 0; ; k++) {
    const b = `=_domsec_${name}_${k}`;
    if (!canonicalizeCrlf(signedPart).includes(Buffer.from(`--${b}`))) return b;
  }
}

export function buildModelMessage(parties: ModelParties, m: ModelMessage, o: BuildOptions = {}): BuiltMessage {
  const layers = new Map<ModelNode, BuiltLayer>();
  const chain = chainOf(m.root);
  // The default seed is the one the builder had under test/property: robustness seeds and paths reported
  // before it moved here replay the same input bytes.
  const rng = new SeededRng(o.seed ?? 'domsec-property:build');
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    const isRoot = i === 0;
    const headers = isRoot && m.wrapping === 'rfc5322' ? { headers: parties.headers } : {};
    // Bare-LF line endings apply to the outermost entity only (inner layers are built, so CRLF); not to multipart/signed.
    const eol = isRoot && m.lineEnding === 'lf' ? ('\n' as const) : ('\r\n' as const);
    const pkcs7 = { ...headers, eol };
    const inner = node.kind === 'data' ? undefined : layers.get(node.inner)!;
    switch (node.kind) {
      case 'data': {
        const entity = contentEntity(node, eol);
        layers.set(node, {
          entity: isRoot && m.wrapping === 'rfc5322' ? Buffer.concat([renderHeaders(parties.headers, eol), node.form === 'raw' ? Buffer.from(eol) : Buffer.alloc(0), entity]) : entity,
        });
        break;
      }
      case 'S': {
        const nested = node.cmsNested && node.inner.kind !== 'data' && node.inner.kind !== 'M';
        const eContentType = nested ? CMS_TYPE[node.inner.kind as 'S' | 'E' | 'A'] : O.id_data;
        const eContent = nested ? inner!.bare! : inner!.entity;
        const der = buildSignedData({ eContentType, eContent, signers: node.signers.map((s) => signerInput(parties, node, s)), signingTime: node.signers.length ? parties.signingTime : null });
        layers.set(node, { entity: buildPkcs7MimeEntity(der, 'signed-data', pkcs7), der, bare: rawOf(parseContentInfo(der).content), signedContent: eContent });
        break;
      }
      case 'M': {
        const signedPart = inner!.entity;
        const signedContent = canonicalizeCrlf(signedPart);
        const der = buildSignedData({ eContentType: O.id_data, eContent: signedContent, detached: true, signers: node.signers.map((s) => signerInput(parties, node, s)), signingTime: parties.signingTime });
        const entity = buildMultipartSigned({ signedPart, signatureDer: der, micalg: 'sha-256', boundary: boundaryFor(signedPart, node.name), ...headers });
        layers.set(node, { entity, der, signedContent });
        break;
      }
      case 'E':
      case 'A': {
        const e: EnvelopeNode = node;
        const nested = e.cmsNested && e.inner.kind !== 'data' && e.inner.kind !== 'M';
        const input = {
          content: nested ? inner!.bare! : inner!.entity,
          contentType: nested ? CMS_TYPE[e.inner.kind as 'S' | 'E' | 'A'] : O.id_data,
          recipients: e.recipients.map((r) => ({ certDer: parties.recipient(r).certDer })),
          rng: rng.fork(e.name),
        };
        const der = e.kind === 'E' ? buildEnvelopedData(input, 'aes-128-cbc') : buildAuthEnvelopedData(input, 'aes-256-gcm');
        const entity = buildPkcs7MimeEntity(der, e.kind === 'E' ? 'enveloped-data' : 'authEnveloped-data', pkcs7);
        layers.set(node, { entity, der, bare: rawOf(parseContentInfo(der).content) });
        break;
      }
    }
  }
  const root = layers.get(m.root)!;
  let message: Buffer;
  if (m.wrapping === 'der' || m.wrapping === 'pem') {
    if (!root.der || m.root.kind === 'M') throw new Error(`a ${m.wrapping} message needs a CMS root, not ${m.root.kind}`);
    message = m.wrapping === 'der' ? root.der : Buffer.concat([Buffer.from('-----BEGIN CMS-----\n'), encodeBase64Lines(root.der, '\n'), Buffer.from('-----END CMS-----\n')]);
  } else {
    message = root.entity;
  }
  return { message, layers };
}
