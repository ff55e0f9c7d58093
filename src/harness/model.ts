/**
 * The harness contract (in the manner of x509-limbo): a suite of cases declared as data goes in,
 * results come out. A case says what to send, in which direction, and what a conforming gateway must
 * do with it; grading is a pure function of (case, what was sent, what came back), kept apart from the
 * SMTP driver and from rendering.
 */
import type { Verdict } from '../domsec/verify.js';
import type { CaseContext } from './context.js';
import type { RequirementId } from './requirement-ids.js';
import type { Strength } from './catalogue.js';

export type { Strength } from './catalogue.js';

/**
 * Gateway roles are driven over SMTP; 'client' (draft 4: an S/MIME library or a mail client's engine) through a command adapter;
 * 'reader' (the implementations matrix, src/matrix/): an engine given the receiving golden vectors to verify and decrypt.
 */
export type Role = 'domain-signer' | 'outbound-dca' | 'inbound-dca' | 'inbound-verifier' | 'client' | 'reader';
export const ROLES: readonly Role[] = ['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier', 'client', 'reader'];
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

export type Expectation =
  /** Outbound: relayed once, with a valid domain signature for the local domain, in the prescribed shape. */
  | { kind: 'domain-signed'; shape: { noEncrypt: string; encrypt: string }; keepOriginatorSignature?: boolean; emptyLayer?: boolean; mlAttributesCarried?: boolean; sameSignatureTypeInEverySigner?: boolean }
  /** Outbound: the gateway must not produce a domain signature (draft 3.2): reject, or relay without one. */
  | { kind: 'no-domain-signature' }
  /**
   * Outbound DCA: relayed encrypted for the recipient's DCA, with originatorInfo (N13), domain-signed inside
   * (SHOULD). `shape` is the expected nesting, drawn in the report; only its outer envelope is a MUST.
   */
  | { kind: 'encrypted-for-recipient-dca'; shape: string }
  /**
   * Outbound DCA, case (c) (draft 4, 4.1: "the end recipient's certificate"): relayed encrypted with a
   * RecipientInfo for the end recipient's own certificate (the case's `endRecipient`), originatorInfo (N13),
   * domain-signed inside.
   */
  | { kind: 'encrypted-for-end-recipient'; shape: string }
  /**
   * Inbound: delivered with an Authentication-Results smime result (N14), decrypted when it was for the local
   * DCA. `requirement`: the receiving requirement the flag is graded on (default: the case's first).
   * `acceptable`: other verdicts the draft also allows (Wycheproof's `acceptable`), graded on
   * `acceptableRequirement` and explained by `acceptableWhy` (e.g. draft 3.2: a receiver need not verify
   * the signatures a domain signature encapsulates, N16).
   */
  | { kind: 'verdict'; verdict: Verdict; decrypted?: boolean; requirement?: RequirementId; acceptable?: Array<'pass' | 'flagged'>; acceptableRequirement?: RequirementId; acceptableWhy?: string; originatorIdentifier?: boolean };
/*
 * `originatorIdentifier` (verdict): the delivered message's Authentication-Results must identify the originator
 * by the name in its signature's certificate (draft 3.2 SHOULD; RFC 7281 `body.smime-identifier`).
 */

export interface CaseDecl {
  /** Namespaced id, e.g. domsec::section5::example-4. */
  id: string;
  suite: string;
  role: Role;
  title: string;
  requirements: RequirementId[];
  strength: Strength;
  direction: 'outbound' | 'inbound';
  /**
   * How the case submits with respect to the originator authentication the profile declares (draft 3.2,
   * N17): `external`, the originator authenticated by the gateway's mechanism external to S/MIME (SMTP AUTH,
   * or the suite's address when the gateway trusts it); `none`, not authenticated that way (the case
   * tests that the gateway refuses); `if-available`, authenticated that way when the profile's method has
   * one (so that a refusal comes from what the case tests, not from a missing authentication), else not.
   * Absent: submitted without AUTH, the originator's signature being what authenticates it.
   */
  authenticate?: 'external' | 'none' | 'if-available';
  /** Only under this local policy (the profile's); otherwise SKIP. */
  policy?: 'encrypt' | 'noEncrypt';
  /** Optional features the vendor must declare, else SKIP. */
  features?: string[];
  /**
   * Case (c): the case is sent to this fixed user of the remote domain (`<endRecipient>@<remote>`, certificate
   * `<remote>/user-<endRecipient>` in the test PKI) instead of a per-run address, so that the gateway can be
   * configured in advance with the end recipient's certificate; SKIP unless the profile's
   * endRecipientCertificates lists the address.
   */
  endRecipient?: string;
  /** A prerequisite the profile or PKI does not meet: the reason the case is SKIPPED, or undefined to run it. */
  skipIf?: (ctx: CaseContext) => string | undefined;
  build(ctx: CaseContext): Buffer;
  expect: Expectation;
}

/**
 * PASS; FAIL (a MUST-level check failed); WARN (only SHOULD-level checks failed); NOT TESTED (the case ran
 * but what it tests cannot be observed in this run, N16); SKIP (not run, with the reason); ERROR (the
 * transport or the harness failed, or the run bound cut the case off).
 */
export type CaseVerdict = 'PASS' | 'FAIL' | 'WARN' | 'NOT TESTED' | 'SKIP' | 'ERROR';
export const CASE_VERDICTS: readonly CaseVerdict[] = ['PASS', 'FAIL', 'WARN', 'NOT TESTED', 'SKIP', 'ERROR'];

/**
 * pass; fail; acceptable (behaviour the draft allows besides the reference's, Wycheproof's term: passes,
 * and says which was seen); not-tested (the run cannot observe it, N16).
 */
export type CheckOutcome = 'pass' | 'fail' | 'acceptable' | 'not-tested';

/**
 * One graded observation, as typed data (src/harness/checks/): its kind, the catalogued requirement it
 * tests, the strength that requirement's level gives it, its outcome and the values behind it. `message`
 * is its text, rendered from the kind (src/harness/checks/messages.ts) so that results.json stands alone.
 */
export interface Check {
  /** The check's kind (src/harness/checks/messages.ts); absent in results written before kinds existed. */
  kind?: string;
  requirement: string;
  strength: Strength;
  /** false only for outcome fail. */
  ok: boolean;
  outcome?: CheckOutcome;
  message: string;
  expected?: string;
  found?: string;
  detail?: string;
}

/** Why a case was skipped: not applicable to what the profile declares, or a prerequisite the run lacked (INCOMPLETE). */
export type SkipKind = 'role' | 'policy' | 'feature' | 'authentication' | 'prerequisite';

/** An OBJECT IDENTIFIER with its name, when the suite knows it (src/asn1/oids.ts). */
export interface OidRef {
  oid: string;
  name?: string;
}

/** A certificate as the evidence names it: subject, its CN, and the SubjectAltNames of draft 2.4. */
export interface CertName {
  subject: string;
  cn?: string;
  sanUris: string[];
  sanDnsNames: string[];
  sanEmails: string[];
}

/** The name to show for a certificate: its CN, else its first SubjectAltName, else its subject. */
export function displayName(c: CertName): string {
  return c.cn || c.sanUris[0] || c.sanDnsNames[0] || c.sanEmails[0] || c.subject;
}

/** The name to show for a RecipientInfo: the certificate it names, else its first rid, else its type. */
export function recipientDisplayName(r: Pick<LayerRecipient, 'certificates' | 'rids' | 'type'>): string {
  return r.certificates[0] ? displayName(r.certificates[0]) : (r.rids[0] ?? r.type);
}

/**
 * What a layer is, for the evidence: the layer kinds of src/message/layers.ts, with a SignedData
 * without SignerInfos told apart as the empty signature layer (draft 2.3, N12).
 */
export type LayerDetailKind = 'signedData' | 'multipartSigned' | 'emptySignature' | 'envelopedData' | 'authEnvelopedData' | 'content';

/** One SignerInfo (RFC 5652 5.3) of a signed layer. */
export interface LayerSigner {
  /** Who signed, for display: the certificate's CN, else its first SubjectAltName, else the sid. */
  name: string;
  /** The SignerIdentifier: `issuer #serial` or `skid:hex`. */
  sid: string;
  /** The signer's certificate, when the layer (or the suite) has it. */
  certificate?: CertName;
  digestAlgorithm: OidRef;
  signatureAlgorithm: OidRef;
  /** SignatureType values (draft 3.1.1, N1, N2); empty when the signer has none. */
  signatureTypes: OidRef[];
  signedAttributes: OidRef[];
  unsignedAttributes: OidRef[];
  /** Attributes beyond the evidence's bound, not listed. */
  attributesOmitted?: number;
  mlExpansionHistoryEntries?: number;
  /** The signature value verifies over its content (RFC 5652 5.6); absent when it was not verified. */
  valid?: boolean;
  /** The verifier's result for this signer, path, naming (draft 2.4) and SignatureType rules included. */
  verdict?: 'pass' | 'fail' | 'policy';
  /** Reason codes of src/domsec/reasons.ts behind that verdict. */
  reasons?: string[];
}

/** One RecipientInfo (RFC 5652 6.2) of an encrypted layer. */
export interface LayerRecipient {
  type: 'ktri' | 'kari' | 'kekri' | 'pwri' | 'ori';
  /** RecipientIdentifiers (a kari has one per RecipientEncryptedKey): `issuer #serial`, `skid:hex`, `kekid:hex`. */
  rids: string[];
  keyEncryptionAlgorithm: OidRef;
  /** The certificates of the suite's PKI (or of the message) that it names. */
  certificates: CertName[];
  /** The suite opened the layer with this RecipientInfo. */
  used?: boolean;
}

/** One layer of a message, outermost first (src/harness/evidence.ts). */
export interface LayerDetail {
  depth: number;
  kind: LayerDetailKind;
  /** The layer in the shape notation: `S[domainSig]`, `E`, `data`. */
  label: string;
  /** Size of the layer as found (its MIME entity, or its DER). */
  bytes: number;
  /** Content-Type of the MIME entity that carries it, when there is one. */
  mediaType?: string;
  /** eContentType of a signed layer, contentType of an encrypted one's EncryptedContentInfo. */
  contentType?: OidRef;
  /** Nested as plain CMS, without MIME between the layers (RFC 5652 5.2). */
  cmsNested?: boolean;
  digestAlgorithms?: OidRef[];
  /** How many certificates the SignedData carries. */
  certificates?: number;
  signers?: LayerSigner[];
  signersOmitted?: number;
  contentEncryptionAlgorithm?: OidRef;
  recipients?: LayerRecipient[];
  recipientsOmitted?: number;
  /** OriginatorInfo certificates: a DCA that encrypts puts its own there (N13). */
  originatorCertificates?: CertName[];
  /**
   * An opened layer whose content encryption does not authenticate (AES-CBC, EFAIL; src/domsec/verify.ts
   * ENCRYPTION_NOT_AUTHENTICATED): only what a valid signature inside covers is integrity-protected, unless a
   * valid signature outside covers the ciphertext (`coveredByOuterSignature`). A note, not a failure.
   */
  unauthenticatedEncryption?: { algorithm: OidRef; coveredByOuterSignature: boolean };
  /** Whether the suite could open the encrypted layer with its keys, and why not. */
  opened?: boolean;
  notOpened?: string;
  /** The layer could not be described (hostile or broken input): why. */
  error?: string;
}

/** A message's layers as the evidence describes them. */
export interface MessageLayers {
  layers: LayerDetail[];
  /** Inner layers beyond the evidence's bound, not described. */
  omitted?: number;
  /** The message did not parse: why (then `layers` is empty). */
  error?: string;
}

/** One layer of the output a conforming gateway produces, as the case expects it. */
export interface ExpectedLayer {
  kind: LayerDetailKind;
  label: string;
  /** `sent`: the layer of the sent message at `sentDepth`, kept as it was; `gateway`: one the gateway adds. */
  origin: 'sent' | 'gateway';
  sentDepth?: number;
  /** What the layer must be, with the rule that says so. */
  note: string;
  signers: Array<{ name: string; signatureTypes: OidRef[] }>;
  recipients: Array<{ name: string }>;
}

export interface Evidence {
  sent?: { bytes: number; shape: string; messageId: string; mailFrom: string; rcptTo: string[] };
  /** The layers of the sent message (set by the grader; `sent` is the runner's). */
  sentLayers?: MessageLayers;
  smtp?: { accepted: boolean; response: string; attempts: number; transcript: string[]; failure?: string };
  /** Client roles: each command the adapter ran for this case. */
  command?: CommandRun[];
  received?: Array<{ bytes: number; shape: string; rcptTo: string[]; authenticationResults?: string[]; error?: string; layers?: MessageLayers }>;
  expectedShape?: string;
  /** The layers of `expectedShape`, with who signs and who can decrypt each. */
  expectedLayers?: ExpectedLayer[];
  foundShape?: string;
}

/** A result repeats the identity of its case, so that results.json stands on its own. */
export interface CaseResult extends Pick<CaseDecl, 'id' | 'suite' | 'role' | 'title' | 'strength'> {
  requirements: string[];
  verdict: CaseVerdict;
  /** For a SKIP: why (the overall verdict is INCOMPLETE when a `prerequisite` was missing). */
  skipKind?: SkipKind;
  reason: string;
  checks: Check[];
  evidence: Evidence;
  durationMs: number;
}

/** A count per verdict, every verdict at 0. */
export function emptyCounts(): Record<CaseVerdict, number> {
  return { PASS: 0, FAIL: 0, WARN: 0, 'NOT TESTED': 0, SKIP: 0, ERROR: 0 };
}
