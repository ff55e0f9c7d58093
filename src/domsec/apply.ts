/**
 * Applying a domain signature by the rules of draft Section 5 (with 2.3, 3.2 and N4-N8, N12, N13, N15).
 *
 * One function, applyDomainSignature, takes the message as it leaves the originator (or an MLA) and
 * returns the message as it leaves the domain, or refuses with a typed error and produces nothing
 * (draft 3.2: "a 'domain signature' MUST NOT be generated") when a signature is invalid or the
 * originator is not authenticated.
 *
 * The search (Section 5): walk in from the outside through signedData layers until one of
 *   - a signedData with a (signed) mlExpansionHistory attribute: the "outer" signedData;
 *   - an envelopedData (or authEnvelopedData);
 *   - the original content.
 */
import * as O from '../asn1/oids.js';
import { DomsecError } from '../errors.js';
import type { RecipientInput, RecipientKey } from '../cms/recipient-info.js';
import { systemRng, type Rng } from '../crypto/rng.js';
import { parseCertificate } from '../x509/certificate.js';
import { buildPkcs7MimeEntity, decodeBody, getHeaders, parseEntity, splitOuterHeaders, type HeaderField } from '../mime/index.js';
import { parseSignedData, type ParsedSignedData } from '../cms/signed-data.js';
import { contentInfoDer, layerChain, parseMessage, shapeOf, signedLabel, type Layer, type SignedLayer } from '../message/layers.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, isAead, signedLayer, type DomainSignerKey, type EnvelopeCipher } from '../message/build.js';
import { checkDomainSignerNaming, originatorDomain, type NamingRole } from './naming.js';
import { mlExpansionHistoryOf } from './ml-expansion-history.js';
import { verifyLayers, type VerificationReport } from './verify.js';
import { REASONS } from './reasons.js';

export interface DomainPolicy {
  /** Section 4/5: local policy requires S/MIME encryption before mail leaves the domain. */
  encryptOutbound: boolean;
}

export interface ApplyOptions {
  /** The domain signer(s): several SignerInfos (e.g. RSA and ECDSA) get identical SignatureType (3.1.1). */
  signers: DomainSignerKey[];
  policy: DomainPolicy;
  /** The local DCA's decryption key and certificate (Section 5 step "Locate the RecipientInfo for the local DCA"). */
  dca?: RecipientKey;
  /** Recipients of the (re-)encryption: end recipients and/or recipient DCAs (draft 4.1). */
  encryptFor?: RecipientInput[];
  /** originatorInfo certificates on re-encryption; default the local DCA's certificate (N13). */
  originatorCertificates?: Buffer[];
  cipher?: EnvelopeCipher;
  trustAnchors: Buffer[];
  validationTime?: Date;
  extraCertificates?: Buffer[];
  /**
   * Draft 3.2: the originator was authenticated by a mechanism external to S/MIME (SMTP AUTH, an
   * authenticated link). Without it the originator must be authenticated by a valid originator
   * signature whose certificate names the From: address.
   */
  originatorAuthenticated?: boolean;
  signingTime?: Date | null;
  namingRole?: NamingRole;
  rng?: Rng;
}

export type Section5Branch = 'mlExpansionHistory+envelopedData' | 'mlExpansionHistory' | 'envelopedData' | 'neither';

export interface ApplyResult {
  message: Buffer;
  inputShape: string;
  outputShape: string;
  branch: Section5Branch;
  /** Human-readable record of each step, for evidence in reports. */
  steps: string[];
  /** The verification of every signature met (N8). */
  verification: VerificationReport;
}

const isSigned = (l: Layer): l is SignedLayer => l.kind === 'signedData' || l.kind === 'multipartSigned';
const isEnvelope = (l: Layer): boolean => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData';

function hasMlExpansionHistory(l: SignedLayer): boolean {
  return l.sd.signerInfos.some((si) => mlExpansionHistoryOf(si).present);
}

/** The bytes of a layer as a MIME entity to be wrapped (eContent of the new layer). */
function entityBytes(layer: Layer, root: Layer): Buffer {
  if (layer.entity) return layer === root ? splitOuterHeaders(layer.entity).inner : layer.raw;
  // A plain-CMS-nested layer (RFC 5652 5.2) has no ContentInfo of its own: contentInfoDer adds one.
  if (layer.kind === 'signedData') return buildPkcs7MimeEntity(contentInfoDer(layer), 'signed-data');
  if (layer.kind === 'envelopedData') return buildPkcs7MimeEntity(contentInfoDer(layer), 'enveloped-data');
  if (layer.kind === 'authEnvelopedData') return buildPkcs7MimeEntity(contentInfoDer(layer), 'authEnveloped-data');
  return layer.raw;
}

function containsSignature(layer: Layer): boolean {
  return layerChain(layer).some(isSigned);
}

function containsEnvelope(layer: Layer): boolean {
  return layerChain(layer).some(isEnvelope);
}

export function applyDomainSignature(raw: Buffer, opts: ApplyOptions): ApplyResult {
  if (opts.signers.length === 0) throw new DomsecError('BAD_ARGUMENT', 'no domain signer given');
  const steps: string[] = [];
  const root = parseMessage(raw, opts.dca ? { keys: [opts.dca] } : {});
  const chain = layerChain(root);
  const inputShape = shapeOf(root);
  steps.push(`input ${inputShape}`);

  const detached = chain.find((l) => isSigned(l) && !l.inner);
  if (detached) throw new DomsecError('BAD_ARGUMENT', 'the message is a detached signature without its content: there is nothing to domain-sign');
  // N8 / 3.2: every signature, including those inside envelopedData, must be verified before anything is produced.
  const unopened = chain.find((l) => isEnvelope(l) && !(l as { inner?: Layer }).inner);
  if (unopened) {
    const err = (unopened as { openError?: DomsecError }).openError;
    throw new DomsecError('NO_LOCAL_DCA_KEY', `cannot decrypt the ${unopened.kind} at depth ${unopened.depth} with the local DCA key${err ? ` (${err.message})` : ''}: its signatures cannot be verified (draft 3.2, N8)`);
  }
  const verification = verifyLayers(root, {
    trustAnchors: opts.trustAnchors,
    ...(opts.validationTime ? { validationTime: opts.validationTime } : {}),
    ...(opts.extraCertificates ? { extraCertificates: opts.extraCertificates } : {}),
    ...(opts.namingRole ? { namingRole: opts.namingRole } : {}),
  });
  // A layer can fail on its own, not only through a signer: an attached signature in a multipart/signed
  // (content confusion, issue 12 item 2) or a resource limit. Nothing is domain-signed over it (3.2, N8).
  const badLayer = verification.layers.find((l) => l.reasons.some((r) => REASONS[r].outcome === 'fail'));
  if (badLayer) {
    throw new DomsecError('SIGNATURE_INVALID', `layer ${badLayer.position} (${badLayer.label}) is not valid: ${badLayer.reasons.filter((r) => REASONS[r].outcome === 'fail').join(', ')} — no domain signature may be generated (draft 3.2, N8)`);
  }
  const bad = verification.layers.flatMap((l) => l.signers.filter((s) => s.verdict === 'fail').map((s) => ({ l, s })));
  if (bad.length) {
    const { l, s } = bad[0]!;
    throw new DomsecError('SIGNATURE_INVALID', `signature ${s.index} of layer ${l.position} (${l.label}) is not valid: ${s.reasons.filter((r) => REASONS[r].outcome === 'fail').join(', ')} — no domain signature may be generated (draft 3.2, N8)`);
  }
  steps.push(`verified ${verification.layers.reduce((n, l) => n + l.signers.length, 0)} signature(s) in ${verification.shape}`);

  // 3.2: the originator must be authenticated, by its signature or an external mechanism.
  const fromValues = root.entity ? getHeaders(root.entity, 'From') : [];
  const origin = originatorDomain(fromValues.length === 1 ? fromValues[0] : undefined);
  if (!opts.originatorAuthenticated) {
    const address = origin.ok ? origin.address.toLowerCase() : undefined;
    const byOriginatorSignature = verification.layers.some((l) => l.signers.some((s) => !s.domainSignature && s.verdict !== 'fail' && !!address && s.emails.some((e) => e.toLowerCase() === address)));
    if (!byOriginatorSignature) {
      throw new DomsecError('ORIGINATOR_NOT_AUTHENTICATED', `the originator${origin.ok ? ` ${origin.address}` : ''} is not authenticated: no valid originator signature names the From: address, and no external authentication was asserted (draft 3.2)`);
    }
    steps.push(`originator ${origin.ok ? origin.address : ''} authenticated by its signature`);
  } else {
    steps.push('originator authenticated externally (draft 3.2)');
  }

  // 3.2 / 2.4: the domain signer's certificate must follow the naming convention for the originator's domain.
  for (const s of opts.signers) {
    const naming = checkDomainSignerNaming(parseCertificate(s.certDer), origin, { role: opts.namingRole ?? 'any' });
    if (!naming.ok) throw new DomsecError('POLICY_VIOLATION', `domain signer certificate breaks the naming convention (draft 2.4): ${naming.detail}`);
  }

  const rng = opts.rng ?? systemRng;
  const outer: HeaderField[] = root.entity ? splitOuterHeaders(root.entity).outer : [];
  const signingTime = opts.signingTime === undefined ? new Date() : opts.signingTime;

  // Each builder returns the new bytes and the new shape, so the output shape is known without decrypting it.
  type Built = { bytes: Buffer; shape: string };
  const domainSign = (inner: Layer): Built => {
    let bytes = entityBytes(inner, root);
    let shape = shapeOf(inner);
    if (!containsSignature(inner)) {
      bytes = emptySignatureLayer(bytes);
      shape = `S[empty](${shape})`;
      steps.push('unsigned content: added an empty signature layer (draft 2.3 (1), N12)');
    }
    steps.push('applied the domain signature');
    return { bytes: signedLayer(bytes, { signers: domainSignerInputs(opts.signers), signingTime }), shape: `S[domainSig](${shape})` };
  };
  const encrypt = (b: Built, why: string): Built => {
    if (!opts.encryptFor?.length) throw new DomsecError('NO_RECIPIENTS', `the message must be encrypted (${why}) but no recipient certificates were given`);
    const originatorCertificates = opts.originatorCertificates ?? (opts.dca ? [opts.dca.certDer] : undefined);
    const cipher = opts.cipher ?? 'aes-256-cbc';
    steps.push(`encrypted for ${opts.encryptFor.length} recipient(s) (${why})`);
    return {
      bytes: envelopeLayer(b.bytes, { recipients: opts.encryptFor, cipher, rng, ...(originatorCertificates ? { originatorCertificates } : {}) }),
      shape: `${isAead(cipher) ? 'A' : 'E'}(${b.shape})`,
    };
  };

  // The search of Section 5.
  let i = 0;
  while (isSigned(chain[i]!) && !hasMlExpansionHistory(chain[i] as SignedLayer)) i++;
  const found = chain[i]!;
  let branch: Section5Branch;
  let out: Built;
  if (isSigned(found)) {
    // An "outer" signedData with mlExpansionHistory: remember its signed attributes and strip it (and anything above it).
    const mlSigner = found.sd.signerInfos.find((si) => mlExpansionHistoryOf(si).present)!;
    const rememberedAttrs = (mlSigner.signedAttrs ?? []).filter((a) => a.type !== O.id_contentType && a.type !== O.id_messageDigest);
    const remembered = rememberedAttrs.map((a) => a.raw);
    // N5: signingTime may be kept or renewed; keeping the remembered one copies every attribute as it was.
    const keepsSigningTime = rememberedAttrs.some((a) => a.type === O.id_signingTime);
    steps.push(`found the "outer" signedData with mlExpansionHistory at layer ${i}; remembered ${remembered.length} signed attribute(s) (N5)`);
    let j = i + 1;
    while (isSigned(chain[j]!)) j++;
    const below = chain[j]!;
    let inner: Built;
    if (isEnvelope(below)) {
      branch = 'mlExpansionHistory+envelopedData';
      steps.push(`stripped ${j - i - 1} signedData layer(s) down to the ${below.kind}; decrypted it with the local DCA key`);
      const decrypted = (below as { inner: Layer }).inner;
      inner = domainSign(decrypted);
      if (opts.policy.encryptOutbound) inner = encrypt(inner, 'local policy');
      else if (containsEnvelope(decrypted)) inner = encrypt(inner, 'an envelopedData lies lower (Section 5 A)');
    } else {
      branch = 'mlExpansionHistory';
      inner = domainSign(chain[i + 1]!);
      // N15 carried over: under an encrypt-everything policy the domain-signed message is enveloped below the re-added outer layer, as in branch A.
      if (opts.policy.encryptOutbound) inner = encrypt(inner, 'local policy (N15)');
    }
    // N5/N6: re-add the outer signedData, signed by the domain signer, with the remembered attributes.
    const signers = opts.signers.map((s) => ({
      certDer: s.certDer, key: s.key, signedAttributes: remembered,
      ...(s.digest ? { digest: s.digest } : {}), ...(s.scheme ? { scheme: s.scheme } : {}), ...(s.sid ? { sid: s.sid } : {}),
    }));
    steps.push('re-added the outer signedData with the remembered signed attributes (N5, N6)');
    const bytes = signedLayer(inner.bytes, { signers, signingTime: keepsSigningTime ? null : signingTime, headers: outer });
    out = { bytes, shape: `S[${signedLabel(parseOuterSignedData(bytes))}](${inner.shape})` };
  } else if (isEnvelope(found)) {
    branch = 'envelopedData';
    steps.push(`stripped ${i} signedData layer(s) down to the ${found.kind}; decrypted it with the local DCA key`);
    const decrypted = (found as { inner: Layer }).inner;
    let inner = domainSign(decrypted);
    if (opts.policy.encryptOutbound) inner = encrypt(inner, 'local policy');
    else if (containsEnvelope(decrypted)) inner = encrypt(inner, 'an envelopedData lies lower (N7)');
    out = { bytes: withHeaders(inner.bytes, outer), shape: inner.shape };
  } else {
    branch = 'neither';
    // N4: nothing is stripped; the whole message is wrapped. N15: then enveloped under an encrypt-everything policy.
    let inner = domainSign(root);
    if (opts.policy.encryptOutbound) inner = encrypt(inner, 'local policy (N15)');
    out = { bytes: withHeaders(inner.bytes, outer), shape: inner.shape };
  }
  steps.push(`output ${out.shape}`);
  return { message: out.bytes, inputShape, outputShape: out.shape, branch, steps, verification };
}

/** The outermost signedData of an entity we just built (for its label). */
function parseOuterSignedData(entityBytes: Buffer): ParsedSignedData {
  return parseSignedData(decodeBody(parseEntity(entityBytes)));
}

/** Put the outer RFC 5322 header fields back on the outermost entity (they never move into a layer). */
function withHeaders(entity: Buffer, outer: HeaderField[]): Buffer {
  if (outer.length === 0) return entity;
  const fields = outer.map((h) => (h.raw[h.raw.length - 1] === 0x0a ? h.raw : Buffer.concat([h.raw, Buffer.from('\r\n')])));
  return Buffer.concat([...fields, entity]);
}
