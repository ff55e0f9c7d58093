/**
 * The harness contract (in the manner of x509-limbo): a suite of cases declared as data goes in,
 * results come out. A case says what to send, in which direction, and what a conforming gateway must
 * do with it; grading is a pure function of (case, what was sent, what came back), kept apart from the
 * SMTP driver and from rendering.
 */
import type { Verdict } from '../domsec/verify.js';
import type { CaseContext } from './context.js';

/** Gateway roles are driven over SMTP; 'client' (draft 4: an S/MIME library or a mail client's engine) through a command adapter. */
export type Role = 'domain-signer' | 'outbound-dca' | 'inbound-dca' | 'inbound-verifier' | 'client';
export const ROLES: readonly Role[] = ['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier', 'client'];
/** The roles a gateway profile can declare (suites/profile.schema.json). */
export const GATEWAY_ROLES: readonly Role[] = ['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier'];

/** One run of the implementation's command line (client roles, driven by the command adapter). */
export interface CommandRun {
  /** What the step does, e.g. "encrypt (case b: for the recipient's DCA)". */
  step: string;
  argv: string[];
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** The last bytes of each stream (bounded), for the evidence. */
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}

/** Requirement strength a case is graded at: a failed MUST is FAIL, a failed SHOULD is WARN. */
export type Strength = 'MUST' | 'SHOULD';

export type Expectation =
  /** Outbound: relayed once, with a valid domain signature for the local domain, in the prescribed shape. */
  | { kind: 'domain-signed'; shape: { noEncrypt: string; encrypt: string }; keepOriginatorSignature?: boolean; emptyLayer?: boolean; mlAttributesCarried?: boolean }
  /** Outbound: the gateway must not produce a domain signature (draft 3.2): reject, or relay without one. */
  | { kind: 'no-domain-signature' }
  /** Outbound DCA: relayed encrypted for the recipient's DCA, with originatorInfo (N13), domain-signed inside (SHOULD). */
  | { kind: 'encrypted-for-recipient-dca' }
  /** Inbound: delivered with an Authentication-Results smime result (N14), decrypted when it was for the local DCA. */
  | { kind: 'verdict'; verdict: Verdict; decrypted?: boolean };

export interface CaseDecl {
  /** Namespaced id, e.g. domsec::section5::example-4. */
  id: string;
  suite: string;
  role: Role;
  title: string;
  requirements: string[];
  strength: Strength;
  direction: 'outbound' | 'inbound';
  /** Submit with SMTP AUTH as the originator (draft 3.2: external authentication). */
  authenticate?: boolean;
  /** Only under this local policy (the profile's); otherwise SKIP. */
  policy?: 'encrypt' | 'noEncrypt';
  /** Optional features the vendor must declare, else SKIP. */
  features?: string[];
  /** A prerequisite the profile or PKI does not meet: the reason the case is SKIPPED, or undefined to run it. */
  skipIf?: (ctx: CaseContext) => string | undefined;
  build(ctx: CaseContext): Buffer;
  expect: Expectation;
}

export type CaseVerdict = 'PASS' | 'FAIL' | 'WARN' | 'SKIP' | 'ERROR';

export interface Check {
  requirement: string;
  strength: Strength;
  ok: boolean;
  message: string;
  expected?: string;
  found?: string;
}

export interface Evidence {
  sent?: { bytes: number; shape: string; messageId: string; mailFrom: string; rcptTo: string[] };
  smtp?: { accepted: boolean; response: string; attempts: number; transcript: string[]; failure?: string };
  /** Client roles: each command the adapter ran for this case. */
  command?: CommandRun[];
  received?: Array<{ bytes: number; shape: string; rcptTo: string[]; authenticationResults?: string[]; error?: string }>;
  expectedShape?: string;
  foundShape?: string;
}

/** A result repeats the identity of its case, so that results.json stands on its own. */
export interface CaseResult extends Pick<CaseDecl, 'id' | 'suite' | 'role' | 'title' | 'requirements' | 'strength'> {
  verdict: CaseVerdict;
  reason: string;
  checks: Check[];
  evidence: Evidence;
  durationMs: number;
}
