/**
 * Typed errors. Every failure the engine or CLI can report is one of these codes, so that the CLI prints
 * one line naming the problem (never a stack trace) and callers can branch on `code`.
 */
export type DomsecErrorCode =
  | 'BAD_ARGUMENT' // a caller or CLI argument is wrong
  | 'FILE_UNREADABLE' // a file could not be read
  | 'WRITE_FAILED' // an output file or folder could not be written
  | 'OUTPUT_EXISTS' // an output file or folder exists and the command may not replace it (no --force; a folder the tool did not write)
  | 'OUTPUT_IS_INPUT' // the output path names a file the command reads
  | 'MALFORMED_DER' // bytes that do not decode as the ASN.1 structure expected
  | 'MALFORMED_MIME' // a MIME entity that cannot be split into headers/body/parts
  | 'MALFORMED_CERTIFICATE'
  | 'MALFORMED_KEY'
  | 'UNSUPPORTED_CONTENT_TYPE' // a CMS contentType the engine does not model
  | 'UNSUPPORTED_ALGORITHM' // message names the OID
  | 'LIMIT_EXCEEDED' // a named resource limit (src/limits.ts) was hit
  | 'NO_MATCHING_RECIPIENT' // no RecipientInfo matches the given certificate/key
  | 'KEY_MISMATCH' // private key does not belong to the certificate
  | 'DECRYPT_FAILED' // a matching RecipientInfo, but key unwrap or content decryption failed
  | 'SIGNATURE_INVALID' // Section 3.2 refusal: a signature in the message is invalid (N8)
  | 'ORIGINATOR_NOT_AUTHENTICATED' // Section 3.2 refusal
  | 'NO_LOCAL_DCA_KEY' // Section 5 needs the local DCA key to decrypt an envelopedData
  | 'NO_RECIPIENTS' // encryption asked for with no recipient certificates
  | 'CERTIFICATE_NOT_FOUND' // a certificate lookup (src/directory) found no entry or no certificate for the address
  | 'DIRECTORY_UNAVAILABLE' // the certificate directory could not be asked: connection refused, timeout, bind refused
  | 'POLICY_VIOLATION'; // a request that would break a MUST of the draft (e.g. signing with a certificate that breaks 2.4)

export class DomsecError extends Error {
  readonly code: DomsecErrorCode;
  constructor(code: DomsecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DomsecError';
    this.code = code;
  }
}

export function isDomsecError(e: unknown): e is DomsecError {
  return e instanceof DomsecError;
}

/** Wrap anything thrown by a third-party parser into a typed error naming what was being read. */
export function asDomsecError(e: unknown, code: DomsecErrorCode, what: string): DomsecError {
  if (e instanceof DomsecError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new DomsecError(code, `${what}: ${detail}`, { cause: e });
}
