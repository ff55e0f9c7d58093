/**
 * Inbound direction: mail from other domains. The gateway is the domain's DCA and verifier:
 *
 *  1. parse with the local DCA key; an outermost envelopedData/authEnvelopedData for the local DCA is
 *     decrypted (draft 4.2, cases b and d) and the decrypted entity is delivered with the message's header
 *     fields (as `domsec decrypt` does); an envelope that is not for the local DCA is delivered as it came;
 *  2. verify the whole message: every signature in every layer it can open, path validation, SignatureType,
 *     the naming convention of draft 2.4 (src/domsec/verify.ts);
 *  3. flag the result (N14): prepend `Authentication-Results: <authserv-id>; smime=<result> ...`
 *     (RFC 8601 with the RFC 7281 smime method), after deleting any Authentication-Results that claims
 *     this authserv-id (RFC 8601 5: a forged one must not reach the user).
 *
 * A message whose S/MIME structure cannot be decoded is still delivered, flagged smime=permerror: RFC 7281
 * 3.1 defines permerror for a signature that cannot be processed because of an unrecoverable error in the
 * message (an undecodable CMS object, broken MIME). Refusing it would hide the problem from the user the
 * flag is for, and the message may be perfectly readable without its signature.
 */
import { DomsecError } from '../errors.js';
import { parseMessage, type Layer } from '../message/layers.js';
import { authenticationResults, verifyLayers, type VerificationReport } from '../domsec/verify.js';
import { isEqualOrAscendant, normalizeDomain, originatorDomain } from '../domsec/naming.js';
import { REASONS, type ReasonCode } from '../domsec/reasons.js';
import { parseEntity, prependHeaders, splitOuterHeaders, type HeaderField } from '../mime/index.js';
import type { GatewayRuntime } from './runtime.js';

export interface InboundResult {
  message: Buffer;
  /** The smime result flagged (RFC 7281), `permerror` when the S/MIME structure does not decode. */
  result: string;
  /** The Authentication-Results value, undefined when none was added (seeded fault). */
  authenticationResults?: string;
  decrypted: boolean;
  shape?: string;
}

function worst(reasons: ReasonCode[]): 'pass' | 'fail' | 'policy' {
  if (reasons.some((r) => REASONS[r].outcome === 'fail')) return 'fail';
  if (reasons.some((r) => REASONS[r].outcome === 'policy')) return 'policy';
  return 'pass';
}

/** Seeded fault verifier-ignores-naming: the naming reasons vanish from the report, the verdict is recomputed. */
function ignoreNaming(report: VerificationReport): VerificationReport {
  const isNaming = (r: ReasonCode): boolean => r.startsWith('NAMING_');
  const reasons = report.reasons.filter((r) => !isNaming(r));
  const verdict = report.verdict === 'policy' || report.verdict === 'fail' ? worst(reasons) : report.verdict;
  return { ...report, reasons, verdict };
}

/** Seeded fault verifier-flags-ascendant: a domain signer that names an ascendant, not the exact domain, is flagged. */
function flagAscendant(report: VerificationReport): VerificationReport {
  const origin = originatorDomain(report.originator.from);
  if (!origin.ok || report.verdict !== 'pass') return report;
  const exact = normalizeDomain(origin.domain);
  const ascendant = report.layers.some((l) => l.signers.some((s) => s.domainSignature && !!s.naming?.matchedDomain && s.naming.matchedDomain !== exact && isEqualOrAscendant(s.naming.matchedDomain, origin.domain)));
  if (!ascendant) return report;
  return { ...report, reasons: [...report.reasons, 'NAMING_DOMAIN_MISMATCH'], verdict: 'policy' };
}

/** Does this Authentication-Results value claim our authserv-id (RFC 8601 2.2: the first token, case-insensitive)? */
function claimsUs(value: string, authservId: string): boolean {
  const id = /^\s*([^\s;]+)/.exec(value)?.[1];
  return !!id && id.toLowerCase() === authservId.toLowerCase();
}

const keepField = (authservId: string) => (h: HeaderField): boolean => !(h.name.toLowerCase() === 'authentication-results' && claimsUs(h.value, authservId));

/** The message without Authentication-Results fields claiming our authserv-id; unchanged when its header does not parse. */
function withoutForgedResults(raw: Buffer, authservId: string): Buffer {
  let entity;
  try {
    entity = parseEntity(raw);
  } catch {
    return raw;
  }
  const keep = entity.headers.filter(keepField(authservId));
  if (keep.length === entity.headers.length) return raw;
  return Buffer.concat([...keep.map((h) => h.raw), raw.subarray(entity.headerBytes.length)]);
}

/** Cases b and d: the decrypted entity with the message's own header fields (src/cli/commands/decrypt.ts). */
function decryptedMessage(root: Layer & { inner: Layer }, authservId: string): Buffer {
  if (!root.entity) return root.inner.raw;
  const outer = splitOuterHeaders(root.entity).outer.filter(keepField(authservId));
  // The decrypted entity carries only Content-* fields; MIME-Version goes with the message header (RFC 2045 4).
  const mimeVersion = root.inner.entity ? [Buffer.from('MIME-Version: 1.0\r\n')] : [];
  return Buffer.concat([...outer.map((h) => (h.raw[h.raw.length - 1] === 0x0a ? h.raw : Buffer.concat([h.raw, Buffer.from('\r\n')]))), ...mimeVersion, root.inner.raw]);
}

/** RFC 8601 2.3 comment text: no parentheses, backslashes or control characters. */
const commentText = (s: string): string => s.replace(/[\x00-\x1f\x7f()\\]+/g, ' ').slice(0, 200);

/**
 * Decrypt (if for us), verify and flag one inbound message. Throws only for a fault in the gateway itself
 * (not a DomsecError): anything wrong with the message ends in a flag, not an exception.
 */
export function processInbound(raw: Buffer, rt: GatewayRuntime, trace: ReadonlyArray<readonly [string, string]> = []): InboundResult {
  // Authentication-Results on top, then the trace fields (Received) the caller adds for this hop.
  const flagged = (body: Buffer, ar: string | undefined): Buffer => prependHeaders(body, [...(ar === undefined ? [] : [['Authentication-Results', ar] as const]), ...trace]);
  const noAr = rt.faults.has('verifier-no-authentication-results');
  let root: Layer;
  try {
    root = parseMessage(raw, { keys: [rt.dca] });
  } catch (e) {
    if (!(e instanceof DomsecError)) throw e;
    const ar = `${rt.authservId}; smime=permerror (${commentText(`${e.code}: ${e.message}`)})`;
    const body = withoutForgedResults(raw, rt.authservId);
    return { message: flagged(body, noAr ? undefined : ar), result: 'permerror', decrypted: false, ...(noAr ? {} : { authenticationResults: ar }) };
  }
  let report = verifyLayers(root, {
    trustAnchors: rt.trustAnchors,
    validationTime: rt.validationTime ?? new Date(),
    namingRole: rt.namingRole,
    authservId: rt.authservId,
  });
  if (rt.faults.has('verifier-ignores-naming')) report = ignoreNaming(report);
  if (rt.faults.has('verifier-flags-ascendant')) report = flagAscendant(report);
  const ar = rt.faults.has('verifier-ignores-naming') || rt.faults.has('verifier-flags-ascendant') ? authenticationResults(report, rt.authservId) : report.authenticationResults;

  const forUs = (root.kind === 'envelopedData' || root.kind === 'authEnvelopedData') && !!root.inner;
  const decrypt = forUs && !rt.faults.has('no-inbound-decrypt');
  const body = decrypt ? decryptedMessage(root as Layer & { inner: Layer }, rt.authservId) : withoutForgedResults(raw, rt.authservId);
  return {
    message: flagged(body, noAr ? undefined : ar),
    result: report.verdict,
    decrypted: decrypt,
    shape: report.shape,
    ...(noAr ? {} : { authenticationResults: ar }),
  };
}
