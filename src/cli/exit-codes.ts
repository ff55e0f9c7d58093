/**
 * Exit codes of `domsec`, one table (documented in README and `domsec --help`).
 */
export const EXIT = {
  /** The command did what was asked; `verify`: the message passed (smime=pass). */
  OK: 0,
  /** A DOMSEC outcome, not an error: `verify` flagged the message (fail / policy / none / neutral); `sign` refused under draft 3.2. */
  FLAGGED: 1,
  /** Bad input or usage: unreadable file, malformed message or DER, wrong or missing key, unknown option. */
  INPUT: 2,
  /** A bug in domsec itself (an unexpected exception). Please report it with the input. */
  INTERNAL: 3,
  /**
   * `run` / `demo`: INCOMPLETE, no case FAILED or ERRORED but the run did not see everything the declared
   * roles owe (a case NOT TESTED, or SKIPPED for a missing prerequisite; src/harness/verdict.ts).
   */
  INCOMPLETE: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Error codes that are DOMSEC refusals (exit 1) rather than bad input (exit 2). */
export const REFUSAL_CODES = new Set(['SIGNATURE_INVALID', 'ORIGINATOR_NOT_AUTHENTICATED', 'POLICY_VIOLATION', 'NO_LOCAL_DCA_KEY']);
