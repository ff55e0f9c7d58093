/**
 * Every SMTP reply the gateway gives after a transaction starts, in one table: basic code (RFC 5321 4.2),
 * enhanced status code (RFC 3463, registry of RFC 5248) and the RFC that defines the pair.
 *
 * smtp-server would otherwise add an enhanced code picked from the basic code alone (550 -> 5.1.1
 * "bad destination mailbox", wrong for a signature refusal), so the listeners run with
 * hideENHANCEDSTATUSCODES and the gateway writes its own enhanced code at the start of the reply text.
 */
import type { SMTPServerError } from 'smtp-server';
import type { DomsecErrorCode } from '../errors.js';
import { MAX_REPLY_TEXT } from './limits.js';

export interface ReplySpec {
  code: number;
  enhanced: string;
  text: string;
  rfc: string;
}

export const REPLIES = {
  /** Relayed or delivered to the next hop. */
  relayed: { code: 250, enhanced: '2.0.0', text: 'OK: relayed', rfc: 'RFC 5321 4.2.2, RFC 3463 2.0.0' },
  /** SMTP AUTH credentials wrong. */
  authInvalid: { code: 535, enhanced: '5.7.8', text: 'authentication credentials invalid', rfc: 'RFC 4954 6, RFC 3463/RFC 4954 5.7.8' },
  /** Draft 3.2 refusal: a signature in the message does not verify (N8). */
  signatureInvalid: { code: 550, enhanced: '5.7.7', text: 'message integrity failure, no domain signature may be generated', rfc: 'draft 3.2, RFC 5321 4.2.3, RFC 3463 5.7.7' },
  /** Draft 3.2 refusal: neither SMTP AUTH nor an originator signature authenticates the originator. */
  originatorNotAuthenticated: { code: 550, enhanced: '5.7.1', text: 'delivery not authorized, originator not authenticated', rfc: 'draft 3.2, RFC 5321 4.2.3, RFC 3463 5.7.1' },
  /** Draft 2.4 / 3.2: the configured domain signer does not fit the originator's domain. */
  policyViolation: { code: 550, enhanced: '5.7.1', text: 'delivery not authorized by DOMSEC policy', rfc: 'draft 2.4, 3.2, RFC 3463 5.7.1' },
  /** Section 5: an envelopedData the gateway must open is not for the local DCA. */
  noLocalDcaKey: { code: 550, enhanced: '5.7.5', text: 'cryptographic failure, cannot decrypt with the local DCA key', rfc: 'draft 5, RFC 3463 5.7.5' },
  /** Section 4/5: the message must be encrypted but a recipient domain has no known DCA certificate. */
  noRecipients: { code: 550, enhanced: '5.7.5', text: 'cryptographic failure, no encryption certificate for a recipient', rfc: 'draft 4.1, 5, RFC 3463 5.7.5' },
  /** The message (MIME or CMS) cannot be parsed. */
  malformed: { code: 554, enhanced: '5.6.0', text: 'malformed message content', rfc: 'RFC 5321 4.2.3 (554 transaction failed), RFC 3463 5.6.0' },
  /** Inbound: a recipient outside the gateway's domain (draft 4: the DCA decrypts for its own domain only; no open relay). */
  notLocalRecipient: { code: 550, enhanced: '5.7.1', text: 'relaying denied, not a recipient of this domain', rfc: 'draft 4, RFC 5321 3.6.2, RFC 3463 5.7.1' },
  /** More recipients than MAX_RECIPIENTS in one transaction. */
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'too many recipients', rfc: 'RFC 5321 4.5.3.1.10, RFC 3463 4.5.3' },
  /** Over the SIZE limit. */
  tooBig: { code: 552, enhanced: '5.3.4', text: 'message too big for system', rfc: 'RFC 1870 6.1, RFC 3463 5.3.4' },
  /** A named engine limit (src/limits.ts: size, nesting depth) was hit while processing. */
  limitExceeded: { code: 552, enhanced: '5.3.4', text: 'message exceeds a processing limit', rfc: 'RFC 5321 4.2.3 (552), RFC 3463 5.3.4' },
  /** The next hop could not be reached or answered 4xx: try again later. */
  relayTransient: { code: 451, enhanced: '4.4.1', text: 'next hop unavailable, try again later', rfc: 'RFC 5321 4.2.3 (451), RFC 3463 4.4.1' },
  /** The next hop answered 5xx: the failure is passed back, as a proxy filter does. */
  relayRejected: { code: 554, enhanced: '5.0.0', text: 'next hop rejected the message', rfc: 'RFC 5321 4.2.3, RFC 3463 5.0.0' },
  /** A bug in the gateway: transient, so the sender retries and nothing is lost. */
  internal: { code: 451, enhanced: '4.3.0', text: 'local error in processing', rfc: 'RFC 5321 4.2.3 (451), RFC 3463 4.3.0' },
} as const satisfies Record<string, ReplySpec>;

export type ReplyName = keyof typeof REPLIES;

/** Which reply a DomsecError from the engine gets. */
export function replyForError(code: DomsecErrorCode): ReplyName {
  switch (code) {
    case 'SIGNATURE_INVALID':
      return 'signatureInvalid';
    case 'ORIGINATOR_NOT_AUTHENTICATED':
      return 'originatorNotAuthenticated';
    case 'POLICY_VIOLATION':
      return 'policyViolation';
    case 'NO_LOCAL_DCA_KEY':
    case 'NO_MATCHING_RECIPIENT':
    case 'DECRYPT_FAILED':
      return 'noLocalDcaKey';
    case 'NO_RECIPIENTS':
      return 'noRecipients';
    case 'LIMIT_EXCEEDED':
      return 'limitExceeded';
    case 'MALFORMED_DER':
    case 'MALFORMED_MIME':
    case 'MALFORMED_CERTIFICATE':
    case 'UNSUPPORTED_CONTENT_TYPE':
    case 'UNSUPPORTED_ALGORITHM':
      return 'malformed';
    default:
      return 'internal';
  }
}

/** One reply line's text: enhanced code, the table's text, then detail; no control characters, bounded (RFC 5321 4.5.3.1.5). */
export function replyText(name: ReplyName, detail?: string): string {
  const r: ReplySpec = REPLIES[name];
  const full = `${r.enhanced} ${r.text}${detail ? `: ${detail}` : ''}`.replace(/[\x00-\x1f\x7f]+/g, ' ');
  return full.length > MAX_REPLY_TEXT ? `${full.slice(0, MAX_REPLY_TEXT - 3)}...` : full;
}

/** The error an smtp-server callback takes to send this reply. */
export function replyError(name: ReplyName, detail?: string): SMTPServerError {
  return Object.assign(new Error(replyText(name, detail)), { responseCode: REPLIES[name].code });
}
