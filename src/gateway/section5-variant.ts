/**
 * A parameterised copy of the Section 5 pipeline (src/domsec/apply.ts), built from the same
 * src/message/build.ts primitives, for the faulty gateways: each knob switches off or bends one step the
 * way a real implementation could get it wrong. With REFERENCE_KNOBS it produces what
 * applyDomainSignature produces (test/gateway/section5-variant.test.ts checks the shapes of all seven
 * examples under both policies), so a faulty variant differs from the reference by its seeded fault only.
 *
 * The reference gateway never runs this file: it calls the engine's applyDomainSignature.
 */
import * as O from '../asn1/oids.js';
import { DomsecError } from '../errors.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import type { SignerInput } from '../cms/signed-data.js';
import { systemRng } from '../crypto/rng.js';
import { encodeContentInfo } from '../cms/content-info.js';
import { parseCertificate } from '../x509/certificate.js';
import { buildPkcs7MimeEntity, getHeaders, splitOuterHeaders, type HeaderField } from '../mime/index.js';
import { layerChain, parseMessage, type Layer, type SignedLayer } from '../message/layers.js';
import { domainSignerInputs, emptySignatureLayer, envelopeLayer, signedLayer, type DomainSignerKey } from '../message/build.js';
import { checkDomainSignerNaming, originatorDomain } from '../domsec/naming.js';
import { mlExpansionHistoryOf } from '../domsec/ml-expansion-history.js';
import { signatureTypeAttribute } from '../domsec/signature-type.js';
import { verifyLayers } from '../domsec/verify.js';
import { REASONS } from '../domsec/reasons.js';
import type { ApplyOptions } from '../domsec/apply.js';

export interface VariantKnobs {
  /** SignatureType on the domain signature: [domainSig] (reference), none, [originatorSig], unsigned, or the attribute twice. */
  signatureType: 'domainSig' | 'absent' | 'originatorSig' | 'unsigned' | 'duplicate';
  /** Replaces ApplyOptions.signers (a wrong certificate) when set. */
  signers?: DomainSignerKey[];
  /** Draft 2.4/3.2: check that the own signer certificate fits the originator's domain before signing. */
  checkOwnNaming: boolean;
  /** Draft 3.2 / N8: refuse when a signature does not verify. */
  refuseInvalidSignatures: boolean;
  /** Draft 3.2: refuse when the originator is not authenticated. */
  requireAuthenticatedOriginator: boolean;
  /** Draft 2.3 (1), N12: wrap unsigned content in an empty signature layer first. */
  emptyLayer: boolean;
  /** N5: put the remembered signed attributes on the re-added outer layer. */
  carryMlAttributes: boolean;
  /** Section 5 A / N7: encrypt when an envelopedData lies lower, whatever the policy. */
  reencryptWhenLowerEnveloped: boolean;
  /** Run the Section 5 search at all; false wraps the whole message. */
  applySection5: boolean;
  /** Section 5 / draft 4: E(S(...)); false gives S(E(...)). */
  signBeforeEncrypt: boolean;
  /** N13: originatorInfo with the DCA's certificate. */
  originatorInfo: boolean;
  /** Who the added envelopedData is for: the given recipients (reference) or the local DCA itself. */
  encryptFor: 'recipients' | 'own-dca';
}

export const REFERENCE_KNOBS: Readonly<VariantKnobs> = {
  signatureType: 'domainSig',
  checkOwnNaming: true,
  refuseInvalidSignatures: true,
  requireAuthenticatedOriginator: true,
  emptyLayer: true,
  carryMlAttributes: true,
  reencryptWhenLowerEnveloped: true,
  applySection5: true,
  signBeforeEncrypt: true,
  originatorInfo: true,
  encryptFor: 'recipients',
};

export interface VariantResult {
  message: Buffer;
  steps: string[];
}

const isSigned = (l: Layer): l is SignedLayer => l.kind === 'signedData' || l.kind === 'multipartSigned';
const isEnvelope = (l: Layer): boolean => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData';
const containsSignature = (l: Layer): boolean => layerChain(l).some(isSigned);
const containsEnvelope = (l: Layer): boolean => layerChain(l).some(isEnvelope);
const hasMl = (l: SignedLayer): boolean => l.sd.signerInfos.some((si) => mlExpansionHistoryOf(si).present);

/**
 * A CMS layer as a ContentInfo. Below the root, a layer without a MIME entity was nested as plain CMS
 * (RFC 5652 5.2: the eContent or plaintext is the SignedData/EnvelopedData itself), so it gets a
 * ContentInfo of its type around the unchanged bytes; the root and MIME-carried layers already are one.
 */
function contentInfoOf(layer: Layer, root: Layer, type: string): Buffer {
  const der = (layer as { der: Buffer }).der;
  return layer !== root && !layer.entity ? encodeContentInfo(type, der) : der;
}

function entityBytes(layer: Layer, root: Layer): Buffer {
  if (layer.entity) return layer === root ? splitOuterHeaders(layer.entity).inner : layer.raw;
  if (layer.kind === 'signedData') return buildPkcs7MimeEntity(contentInfoOf(layer, root, O.id_signedData), 'signed-data');
  if (layer.kind === 'envelopedData') return buildPkcs7MimeEntity(contentInfoOf(layer, root, O.id_envelopedData), 'enveloped-data');
  if (layer.kind === 'authEnvelopedData') return buildPkcs7MimeEntity(contentInfoOf(layer, root, O.id_ct_authEnvelopedData), 'authEnveloped-data');
  return layer.raw;
}

function withHeaders(entity: Buffer, outer: HeaderField[]): Buffer {
  if (outer.length === 0) return entity;
  return Buffer.concat([...outer.map((h) => (h.raw[h.raw.length - 1] === 0x0a ? h.raw : Buffer.concat([h.raw, Buffer.from('\r\n')]))), entity]);
}

function signerInputs(signers: DomainSignerKey[], kind: VariantKnobs['signatureType']): SignerInput[] {
  if (kind === 'domainSig') return domainSignerInputs(signers);
  const base = (s: DomainSignerKey): SignerInput => ({ certDer: s.certDer, key: s.key, ...(s.digest ? { digest: s.digest } : {}), ...(s.scheme ? { scheme: s.scheme } : {}), ...(s.sid ? { sid: s.sid } : {}) });
  const st = signatureTypeAttribute([O.id_sti_domainSig]);
  switch (kind) {
    case 'absent':
      return signers.map(base);
    case 'originatorSig':
      return signers.map((s) => ({ ...base(s), signedAttributes: [signatureTypeAttribute([O.id_sti_originatorSig])] }));
    case 'unsigned':
      return signers.map((s) => ({ ...base(s), unsignedAttributes: [st] }));
    case 'duplicate':
      return signers.map((s) => ({ ...base(s), signedAttributes: [st, st] }));
  }
}

export function applyVariant(raw: Buffer, opts: ApplyOptions, knobs: VariantKnobs): VariantResult {
  const steps: string[] = [];
  const signers = knobs.signers ?? opts.signers;
  if (signers.length === 0) throw new DomsecError('BAD_ARGUMENT', 'no domain signer given');
  const root = parseMessage(raw, opts.dca ? { keys: [opts.dca] } : {});
  const chain = layerChain(root);

  const unopened = chain.find((l) => isEnvelope(l) && !(l as { inner?: Layer }).inner);
  if (unopened && knobs.applySection5) throw new DomsecError('NO_LOCAL_DCA_KEY', `cannot decrypt the ${unopened.kind} at depth ${unopened.depth} with the local DCA key`);
  const verification = verifyLayers(root, {
    trustAnchors: opts.trustAnchors,
    ...(opts.validationTime ? { validationTime: opts.validationTime } : {}),
    ...(opts.namingRole ? { namingRole: opts.namingRole } : {}),
  });
  const bad = verification.layers.flatMap((l) => l.signers.filter((s) => s.verdict === 'fail').map((s) => ({ l, s })));
  if (bad.length) {
    const { l, s } = bad[0]!;
    const what = `signature ${s.index} of layer ${l.position} (${l.label}) is not valid: ${s.reasons.filter((r) => REASONS[r].outcome === 'fail').join(', ')}`;
    if (knobs.refuseInvalidSignatures) throw new DomsecError('SIGNATURE_INVALID', what);
    steps.push(`${what} (ignored: seeded fault)`);
  }

  const fromValues = root.entity ? getHeaders(root.entity, 'From') : [];
  const origin = originatorDomain(fromValues.length === 1 ? fromValues[0] : undefined);
  if (!opts.originatorAuthenticated) {
    const address = origin.ok ? origin.address.toLowerCase() : undefined;
    // A gateway that does not check signatures takes any signer certificate naming the From: address as proof.
    const counts = (verdict: string): boolean => verdict !== 'fail' || !knobs.refuseInvalidSignatures;
    const bySignature = verification.layers.some((l) => l.signers.some((s) => !s.domainSignature && counts(s.verdict) && !!address && s.emails.some((e) => e.toLowerCase() === address)));
    if (!bySignature) {
      if (knobs.requireAuthenticatedOriginator) throw new DomsecError('ORIGINATOR_NOT_AUTHENTICATED', `the originator${origin.ok ? ` ${origin.address}` : ''} is not authenticated`);
      steps.push('originator not authenticated (ignored: seeded fault)');
    }
  }
  if (knobs.checkOwnNaming) {
    for (const s of signers) {
      const naming = checkDomainSignerNaming(parseCertificate(s.certDer), origin, { role: opts.namingRole ?? 'any' });
      if (!naming.ok) throw new DomsecError('POLICY_VIOLATION', `domain signer certificate breaks the naming convention (draft 2.4): ${naming.detail}`);
    }
  }

  const rng = opts.rng ?? systemRng;
  const outer: HeaderField[] = root.entity ? splitOuterHeaders(root.entity).outer : [];
  const signingTime = opts.signingTime === undefined ? new Date() : opts.signingTime;

  const encrypt = (bytes: Buffer, why: string): Buffer => {
    const recipients: RecipientInput[] | undefined = knobs.encryptFor === 'own-dca' ? (opts.dca ? [{ certDer: opts.dca.certDer }] : undefined) : opts.encryptFor;
    if (!recipients?.length) throw new DomsecError('NO_RECIPIENTS', `the message must be encrypted (${why}) but no recipient certificates were given`);
    const originatorCertificates = knobs.originatorInfo ? (opts.originatorCertificates ?? (opts.dca ? [opts.dca.certDer] : undefined)) : undefined;
    steps.push(`encrypted for ${recipients.length} recipient(s) (${why})`);
    return envelopeLayer(bytes, { recipients, cipher: opts.cipher ?? 'aes-256-cbc', rng, ...(originatorCertificates ? { originatorCertificates } : {}) });
  };
  const sign = (bytes: Buffer): Buffer => {
    steps.push('applied the domain signature');
    return signedLayer(bytes, { signers: signerInputs(signers, knobs.signatureType), signingTime });
  };
  /** Domain-sign `inner` and encrypt when `why` is given, in the order the knobs say. */
  const protect = (inner: Layer, why: string | undefined): Buffer => {
    let bytes = entityBytes(inner, root);
    if (!containsSignature(inner) && knobs.emptyLayer) {
      bytes = emptySignatureLayer(bytes);
      steps.push('unsigned content: added an empty signature layer');
    }
    if (!why) return sign(bytes);
    return knobs.signBeforeEncrypt ? encrypt(sign(bytes), why) : sign(encrypt(bytes, why));
  };

  if (!knobs.applySection5) {
    steps.push('wrapped the whole message (no Section 5 search: seeded fault)');
    return { message: withHeaders(protect(root, opts.policy.encryptOutbound ? 'local policy' : undefined), outer), steps };
  }

  let i = 0;
  while (isSigned(chain[i]!) && !hasMl(chain[i] as SignedLayer)) i++;
  const found = chain[i]!;
  if (isSigned(found)) {
    const mlSigner = found.sd.signerInfos.find((si) => mlExpansionHistoryOf(si).present)!;
    const rememberedAttrs = (mlSigner.signedAttrs ?? []).filter((a) => a.type !== O.id_contentType && a.type !== O.id_messageDigest);
    const remembered = knobs.carryMlAttributes ? rememberedAttrs.map((a) => a.raw) : [];
    const keepsSigningTime = knobs.carryMlAttributes && rememberedAttrs.some((a) => a.type === O.id_signingTime);
    let j = i + 1;
    while (isSigned(chain[j]!)) j++;
    const below = chain[j]!;
    let inner: Buffer;
    if (isEnvelope(below)) {
      const decrypted = (below as { inner: Layer }).inner;
      const why = opts.policy.encryptOutbound ? 'local policy' : containsEnvelope(decrypted) && knobs.reencryptWhenLowerEnveloped ? 'an envelopedData lies lower' : undefined;
      inner = protect(decrypted, why);
    } else {
      inner = protect(chain[i + 1]!, opts.policy.encryptOutbound ? 'local policy (N15)' : undefined);
    }
    const outerSigners = signers.map((s) => ({
      certDer: s.certDer, key: s.key, signedAttributes: remembered,
      ...(s.digest ? { digest: s.digest } : {}), ...(s.scheme ? { scheme: s.scheme } : {}), ...(s.sid ? { sid: s.sid } : {}),
    }));
    steps.push(knobs.carryMlAttributes ? 're-added the outer signedData with the remembered signed attributes' : 're-added the outer signedData without the remembered attributes (seeded fault)');
    return { message: signedLayer(inner, { signers: outerSigners, signingTime: keepsSigningTime ? null : signingTime, headers: outer }), steps };
  }
  if (isEnvelope(found)) {
    const decrypted = (found as { inner: Layer }).inner;
    const why = opts.policy.encryptOutbound ? 'local policy' : containsEnvelope(decrypted) && knobs.reencryptWhenLowerEnveloped ? 'an envelopedData lies lower (N7)' : undefined;
    return { message: withHeaders(protect(decrypted, why), outer), steps };
  }
  return { message: withHeaders(protect(root, opts.policy.encryptOutbound ? 'local policy (N15)' : undefined), outer), steps };
}
