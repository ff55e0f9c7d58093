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
 *     this authserv-id (RFC 8601 5: a forged one must not reach the user), whether or not the header
 *     block parses (src/gateway/headers.ts).
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
import { prependHeaders, splitOuterHeaders } from '../mime/index.js';
import { stripOwnAuthenticationResults } from './headers.js';
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

/** Cases b and d: the decrypted entity with the message's own header fields (src/cli/commands/decrypt.ts). */
function decryptedMessage(root: Layer & { inner: Layer }): Buffer {
  if (!root.entity) return root.inner.raw;
  const outer = splitOuterHeaders(root.entity).outer;
  // MIME-Version goes with the message header (RFC 2045 4); once: the decrypted entity may carry its own
  // (issue 12: decrypted output had it twice).
  const hasOwn = !!root.inner.entity && root.inner.entity.headers.some((h) => h.name.toLowerCase() === 'mime-version');
  const mimeVersion = root.inner.entity && !hasOwn ? [Buffer.from(`MIME-Version: 1.0${root.inner.entity.eol}`)] : [];
  return Buffer.concat([...outer.map((h) => (h.raw[h.raw.length - 1] === 0x0a ? h.raw : Buffer.concat([h.raw, Buffer.from('\r\n')]))), ...mimeVersion, root.inner.raw]);
}

/** RFC 8601 2.3 comment text: no parentheses, backslashes or control characters. */
const commentText = (s: string): string => s.replace(/[\x00-\x1f\x7f()\\]+/g, ' ').slice(0, 200);

/**
 * Decrypt (if for us), verify and flag one inbound message. Throws only for a fault in the gateway itself
 * (not a DomsecError): anything wrong with the message ends in a flag, not an exception.
 */
export function processInbound(raw: Buffer, rt: GatewayRuntime, trace: ReadonlyArray<readonly [string, string]> = []): InboundResult {
  // Authentication-Results on top, then the trace fields (Received) the caller adds for this hop. Whatever
  // is delivered first loses every Authentication-Results field claiming our authserv-id (RFC 8601 5),
  // including those of a decrypted entity's own header and those of a header block that does not parse.
  const flagged = (body: Buffer, ar: string | undefined): Buffer =>
    prependHeaders(stripOwnAuthenticationResults(body, rt.authservId), [...(ar === undefined ? [] : [['Authentication-Results', ar] as const]), ...trace]);
  const noAr = rt.faults.has('verifier-no-authentication-results');
  let root: Layer;
  try {
    root = parseMessage(raw, { keys: [rt.dca] });
  } catch (e) {
    if (!(e instanceof DomsecError)) throw e;
    const ar = `${rt.authservId}; smime=permerror (${commentText(`${e.code}: ${e.message}`)})`;
    return { message: flagged(raw, noAr ? undefined : ar), result: 'permerror', decrypted: false, ...(noAr ? {} : { authenticationResults: ar }) };
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
  const body = decrypt ? decryptedMessage(root as Layer & { inner: Layer }) : raw;
  return {
    message: flagged(body, noAr ? undefined : ar),
    result: report.verdict,
    decrypted: decrypt,
    shape: report.shape,
    ...(noAr ? {} : { authenticationResults: ar }),
  };
}
