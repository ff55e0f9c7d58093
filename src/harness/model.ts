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
  /**
   * Outbound DCA: relayed encrypted for the recipient's DCA, with originatorInfo (N13), domain-signed inside
   * (SHOULD). `shape` is the expected nesting, drawn in the report; only its outer envelope is a MUST.
   */
  | { kind: 'encrypted-for-recipient-dca'; shape: string }
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
export interface CaseResult extends Pick<CaseDecl, 'id' | 'suite' | 'role' | 'title' | 'requirements' | 'strength'> {
  verdict: CaseVerdict;
  reason: string;
  checks: Check[];
  evidence: Evidence;
  durationMs: number;
}
