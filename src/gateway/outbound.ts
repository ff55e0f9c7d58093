/**
 * Outbound direction: mail from the domain's users, leaving the domain. The reference gateway runs the
 * engine's applyDomainSignature (draft Section 5 with 2.3, 3.2, 4 and N4-N15); a faulty variant runs the
 * Section 5 copy with its fault's knob bent (src/gateway/section5-variant.ts).
 */
import { DomsecError } from '../errors.js';
import { applyDomainSignature, type ApplyOptions } from '../domsec/apply.js';
import { normalizeDomain } from '../domsec/naming.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import { applyVariant, REFERENCE_KNOBS, type VariantKnobs } from './section5-variant.js';
import type { FaultName } from './faults.js';
import type { GatewayRuntime } from './runtime.js';

export interface OutboundEnvelope {
  mailFrom: string;
  rcptTo: string[];
  /** The session authenticated with SMTP AUTH: the originator is authenticated externally (draft 3.2). */
  authenticated: boolean;
}

export interface OutboundResult {
  message: Buffer;
  steps: string[];
}

/** The domain of an envelope address, normalised; undefined for a null or malformed address. */
export function addressDomain(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at > 0 ? normalizeDomain(address.slice(at + 1)) : undefined;
}

/**
 * Encryption certificates for the envelope recipients (draft 4.1: "the recipient DCA's certificate or the
 * end recipient's certificate"): a recipient listed in recipientCertificates gets its own certificate (case
 * (c)), any other its domain's DCA (case (d)); each certificate once. When a recipient has neither, none is
 * given: encrypting for only some recipients would leave the others unable to read the message, so the
 * engine then refuses with NO_RECIPIENTS if (and only if) the message has to be encrypted.
 */
export function recipientCertificates(rt: GatewayRuntime, rcptTo: string[]): { encryptFor: RecipientInput[]; missing: string[] } {
  const certs: Buffer[] = [];
  const missing = new Set<string>();
  for (const r of rcptTo) {
    const d = addressDomain(r);
    const cert = rt.endRecipients.get(r.toLowerCase()) ?? (d ? rt.recipientDcas.get(d) : undefined);
    if (!cert) missing.add(d ?? r);
    else if (!certs.some((c) => c.equals(cert))) certs.push(cert);
  }
  if (missing.size) return { encryptFor: [], missing: [...missing] };
  return { encryptFor: certs.map((certDer) => ({ certDer })), missing: [] };
}

/** The knobs of the Section 5 copy for the active outbound faults; undefined when none is active. */
export function knobsFor(faults: ReadonlySet<FaultName>, rt: GatewayRuntime): VariantKnobs | undefined {
  const k: VariantKnobs = { ...REFERENCE_KNOBS };
  let any = false;
  const on = (f: FaultName): boolean => (faults.has(f) ? (any = true) : false);
  if (on('no-signature-type')) k.signatureType = 'absent';
  if (on('wrong-signature-type')) k.signatureType = 'originatorSig';
  if (on('unsigned-signature-type')) k.signatureType = 'unsigned';
  if (on('duplicate-signature-type')) k.signatureType = 'duplicate';
  // A gateway signing with the wrong certificate does not check it either.
  if (on('foreign-domain-signer')) Object.assign(k, { signers: [rt.faultKeys.foreign!], checkOwnNaming: false });
  if (on('lookalike-domain-signer')) Object.assign(k, { signers: [rt.faultKeys.lookalike!], checkOwnNaming: false });
  if (on('sign-with-encryption-cert')) Object.assign(k, { signers: [rt.dca], checkOwnNaming: false });
  if (on('no-empty-layer')) k.emptyLayer = false;
  if (on('sign-despite-invalid-signature')) k.refuseInvalidSignatures = false;
  if (on('sign-unauthenticated')) k.requireAuthenticatedOriginator = false;
  if (on('drop-ml-attributes')) k.carryMlAttributes = false;
  if (on('no-reencrypt-lower-enveloped')) k.reencryptWhenLowerEnveloped = false;
  if (on('no-section5')) k.applySection5 = false;
  if (on('sign-after-encrypt')) k.signBeforeEncrypt = false;
  if (on('no-originator-info')) k.originatorInfo = false;
  if (on('missing-recipient-dca')) k.encryptFor = 'own-dca';
  return any ? k : undefined;
}

/** Apply the domain signature to one submitted message; throws DomsecError when it must be refused. */
export function processOutbound(raw: Buffer, env: OutboundEnvelope, rt: GatewayRuntime): OutboundResult {
  const { encryptFor, missing } = recipientCertificates(rt, env.rcptTo);
  const opts: ApplyOptions = {
    signers: rt.signers,
    policy: rt.policy,
    dca: rt.dca,
    encryptFor,
    trustAnchors: rt.trustAnchors,
    originatorAuthenticated: env.authenticated,
    namingRole: rt.namingRole,
    // Pinned time (tests, vectors): sign at it too, so the output is reproducible.
    signingTime: rt.validationTime ?? new Date(),
    ...(rt.validationTime ? { validationTime: rt.validationTime } : {}),
  };
  try {
    const knobs = knobsFor(rt.faults, rt);
    if (knobs) return applyVariant(raw, opts, knobs);
    const r = applyDomainSignature(raw, opts);
    return { message: r.message, steps: r.steps };
  } catch (e) {
    if (e instanceof DomsecError && e.code === 'NO_RECIPIENTS' && missing.length) {
      throw new DomsecError('NO_RECIPIENTS', `no DCA certificate is known for recipient domain(s) ${missing.join(', ')} and the message must be encrypted (draft 4.1, 5)`);
    }
    throw e;
  }
}
