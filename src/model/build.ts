/**
 * Build a model message (src/model/tree.ts) as a real message with the engine's builders, inside out,
 * and remember the bytes of every layer so that the properties can find them again in the output.
 */
import * as O from '../../src/asn1/oids.js';
import { buildSignedData, messageDigestAttribute, type SignerInput } from '../../src/cms/signed-data.js';
import { buildEnvelopedData } from '../../src/cms/enveloped-data.js';
import { buildAuthEnvelopedData } from '../../src/cms/auth-enveloped-data.js';
import { parseContentInfo } from '../../src/cms/content-info.js';
import { oid, rawOf } from '../../src/cms/der.js';
import { certRef, issuerAndSerialNumber } from '../../src/cms/cert-ref.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { signatureTypeAttribute } from '../../src/domsec/signature-type.js';
import { mlExpansionHistoryAttribute } from '../../src/domsec/ml-expansion-history.js';
import { buildMultipartSigned, buildPkcs7MimeEntity, canonicalizeCrlf, encodeBase64Lines, formatHeaderField } from '../../src/mime/index.js';
import { chainOf, type ContentNode, type EnvelopeNode, type ModelMessage, type ModelNode, type ModelSigner, type SignedNode } from '../../src/model/index.js';
import type { PropertyEnv } from './env.js';

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

const CMS_TYPE = { S: O.id_signedData, E: O.id_envelopedData, A: O.id_ct_authEnvelopedData } as const;

/** Attribute OID bytes of messageDigest, to find that attribute among the encoded signed attributes. */
const MD_OID = oid(O.id_messageDigest);

function signerInput(env: PropertyEnv, node: SignedNode, s: ModelSigner): SignerInput {
  let { certDer, key } = env.party(s.party);
  if (s.validity === 'untrustedCert') ({ certDer, key } = env.key('example.test/bad-untrusted'));
  if (s.validity === 'wrongKey') key = env.party(s.party === 'originator' ? 'other' : 'originator').key;
  const signedAttributes: Buffer[] = [];
  const st = { originatorSig: O.id_sti_originatorSig, domainSig: O.id_sti_domainSig, none: undefined }[node.signatureType];
  if (st) signedAttributes.push(signatureTypeAttribute([st]));
  if (node.mlExpansionHistory) {
    const mla = issuerAndSerialNumber(certRef(env.party('other').certDer));
    signedAttributes.push(mlExpansionHistoryAttribute([{ issuerAndSerialNumber: mla, expansionTime: env.signingTime }]));
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

export function buildMessage(env: PropertyEnv, m: ModelMessage): BuiltMessage {
  const layers = new Map<ModelNode, BuiltLayer>();
  const chain = chainOf(m.root);
  const rng = new SeededRng('domsec-property:build');
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    const isRoot = i === 0;
    const headers = isRoot && m.wrapping === 'rfc5322' ? { headers: env.headers } : {};
    // Bare-LF line endings apply to the outermost entity only (inner layers are built, so CRLF); not to multipart/signed.
    const eol = isRoot && m.lineEnding === 'lf' ? ('\n' as const) : ('\r\n' as const);
    const pkcs7 = { ...headers, eol };
    const inner = node.kind === 'data' ? undefined : layers.get(node.inner)!;
    switch (node.kind) {
      case 'data': {
        const entity = contentEntity(node, eol);
        layers.set(node, {
          entity: isRoot && m.wrapping === 'rfc5322' ? Buffer.concat([renderHeaders(env.headers, eol), node.form === 'raw' ? Buffer.from(eol) : Buffer.alloc(0), entity]) : entity,
        });
        break;
      }
      case 'S': {
        const nested = node.cmsNested && node.inner.kind !== 'data' && node.inner.kind !== 'M';
        const eContentType = nested ? CMS_TYPE[node.inner.kind as 'S' | 'E' | 'A'] : O.id_data;
        const eContent = nested ? inner!.bare! : inner!.entity;
        const der = buildSignedData({ eContentType, eContent, signers: node.signers.map((s) => signerInput(env, node, s)), signingTime: node.signers.length ? env.signingTime : null });
        layers.set(node, { entity: buildPkcs7MimeEntity(der, 'signed-data', pkcs7), der, bare: rawOf(parseContentInfo(der).content), signedContent: eContent });
        break;
      }
      case 'M': {
        const signedPart = inner!.entity;
        const signedContent = canonicalizeCrlf(signedPart);
        const der = buildSignedData({ eContentType: O.id_data, eContent: signedContent, detached: true, signers: node.signers.map((s) => signerInput(env, node, s)), signingTime: env.signingTime });
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
          recipients: e.recipients.map((r) => ({ certDer: env.recipient(r).certDer })),
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
