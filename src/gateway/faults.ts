/**
 * Seeded faults: each turns the reference gateway into a faulty variant with exactly one defect that a
 * real gateway could have. The suite must catch every one of them (issue 5: mutation score 100%).
 *
 * Each entry names the requirement of suites/requirements.json that the fault breaks (`requirement`,
 * MUST-level where the draft has one, so that a grader can FAIL on it) and the other requirements a
 * grader may name for the same defect (`related`); `shows` says which inputs reveal it (a fault that only
 * shows when the gateway encrypts is invisible under a no-encrypt policy except for Example 7).
 *
 * The faults are implemented in src/gateway/ only: outbound ones by a parameterised copy of the Section 5
 * pipeline (src/gateway/section5-variant.ts, built from src/message/build.ts primitives), inbound ones by
 * changing what the verifier reports or delivers (src/gateway/inbound.ts). The engine is not touched.
 */

export const FAULT_NAMES = [
  'no-signature-type',
  'wrong-signature-type',
  'unsigned-signature-type',
  'duplicate-signature-type',
  'foreign-domain-signer',
  'lookalike-domain-signer',
  'sign-with-encryption-cert',
  'no-empty-layer',
  'sign-despite-invalid-signature',
  'sign-unauthenticated',
  'drop-ml-attributes',
  'no-reencrypt-lower-enveloped',
  'no-section5',
  'sign-after-encrypt',
  'no-originator-info',
  'missing-recipient-dca',
  'no-inbound-decrypt',
  'verifier-ignores-naming',
  'verifier-flags-ascendant',
  'verifier-no-authentication-results',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultEntry {
  name: FaultName;
  /** Which listener misbehaves. */
  direction: 'outbound' | 'inbound';
  /** What the faulty gateway does differently, as a real product bug would. */
  description: string;
  /** The requirement id (suites/requirements.json) the fault breaks. */
  requirement: string;
  /** Other requirement ids a grader may name for the same defect. */
  related: string[];
  /** Which inputs and policy reveal the fault. */
  shows: { policy: 'encrypt' | 'noEncrypt' | 'any'; inputs: string };
  /** The structural change in the output, compared with the reference gateway. */
  effect: string;
}

export const FAULTS: readonly FaultEntry[] = [
  {
    name: 'no-signature-type', direction: 'outbound',
    description: 'Signs with the domain certificate but omits the SignatureType signed attribute (a plain S/MIME signing library used as is).',
    requirement: 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', related: ['DOMSEC-3.1.1-DOMAIN-SIG-VALUE', 'DOMSEC-3.2-FOLLOW-SECTION-5'],
    shows: { policy: 'any', inputs: 'every message it domain-signs' },
    effect: 'the new signature is S[-] instead of S[domainSig]: no domain signature in the output',
  },
  {
    name: 'wrong-signature-type', direction: 'outbound',
    description: 'Puts SignatureType [id-sti-originatorSig] on the domain signature instead of id-sti-domainSig.',
    requirement: 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', related: ['DOMSEC-3.1.1-DOMAIN-SIG-VALUE'],
    shows: { policy: 'any', inputs: 'every message it domain-signs' },
    effect: 'the new signature is S[originatorSig] instead of S[domainSig]',
  },
  {
    name: 'unsigned-signature-type', direction: 'outbound',
    description: 'Adds SignatureType [id-sti-domainSig] as an unsigned attribute, so anyone on the path could add or strip it.',
    requirement: 'DOMSEC-3.1.1-SIGNED-ATTRIBUTE', related: ['DOMSEC-3.1-GENERATE-SIGNATURE-TYPE'],
    shows: { policy: 'any', inputs: 'every message it domain-signs' },
    effect: 'the new signature is S[-] with SignatureType in unsignedAttrs (reason STYPE_UNSIGNED)',
  },
  {
    name: 'duplicate-signature-type', direction: 'outbound',
    description: 'Adds the SignatureType attribute twice to the SignerInfo (once by the S/MIME layer, once by the DOMSEC layer).',
    requirement: 'DOMSEC-3.1.1-SINGLE-INSTANCE', related: ['DOMSEC-3.1-GENERATE-SIGNATURE-TYPE'],
    shows: { policy: 'any', inputs: 'every message it domain-signs' },
    effect: 'the domain signature carries two SignatureType attributes (reason STYPE_MULTIPLE)',
  },
  {
    name: 'foreign-domain-signer', direction: 'outbound',
    description: "Domain-signs with a certificate for another domain (the PKI's bad-foreign certificate for foreign.test, or another domain's signer when the PKI has none): a shared signing service configured with the wrong tenant's key.",
    requirement: 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING', related: ['DOMSEC-3.2-ADHERE-NAMING', 'DOMSEC-2.4-SAN-FORM'],
    shows: { policy: 'any', inputs: 'every message it domain-signs' },
    effect: 'the domain signer certificate does not name the originator domain (reason NAMING_DOMAIN_MISMATCH)',
  },
  {
    name: 'lookalike-domain-signer', direction: 'outbound',
    description: "Domain-signs with the certificate of a look-alike domain (bad<domain>, the PKI's bad-lookalike entry): a suffix match instead of whole labels when the key was chosen.",
    requirement: 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING', related: ['DOMSEC-3.2-ADHERE-NAMING'],
    shows: { policy: 'any', inputs: 'every message it domain-signs (a true look-alike only for the PKI\'s first domain, example.test; for other domains the entry is simply foreign)' },
    effect: 'the domain signer certificate names badexample.test (reason NAMING_DOMAIN_MISMATCH)',
  },
  {
    name: 'sign-with-encryption-cert', direction: 'outbound',
    description: "Domain-signs with the DCA's encryption certificate and key (keyUsage keyEncipherment or keyAgreement, no digitalSignature): the two key pairs mixed up in the key store.",
    requirement: 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING', related: ['DOMSEC-2.4-KEYUSAGE', 'DOMSEC-3.2-ADHERE-NAMING'],
    shows: { policy: 'any', inputs: 'every message it domain-signs' },
    effect: 'the domain signer certificate has no signing keyUsage (reason CERT_KEY_USAGE_NOT_SIGNING, N11)',
  },
  {
    name: 'no-empty-layer', direction: 'outbound',
    description: 'Domain-signs unsigned mail directly, without the empty signature layer of draft 2.3 (1).',
    requirement: 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', related: ['DOMSEC-2.3-EMPTY-LAYER-ID-DATA', 'DOMSEC-2.3-ENCAPSULATION-METHODS'],
    shows: { policy: 'any', inputs: 'unsigned mail from an SMTP-authenticated originator' },
    effect: 'S[domainSig](data) instead of S[domainSig](S[empty](data)) (reason DOMAIN_SIG_ENCAPSULATES_NOTHING)',
  },
  {
    name: 'sign-despite-invalid-signature', direction: 'outbound',
    description: 'Does not refuse when a signature in the message (including one inside an envelopedData for the local DCA) does not verify: it only logs the failure, and takes a signer certificate naming the From: address as proof of the originator whether or not the signature verifies.',
    requirement: 'DOMSEC-3.2-NO-SIGNATURE-IF-INVALID', related: ['DOMSEC-3.2-AUTHENTICATE-ORIGINATOR'],
    shows: { policy: 'any', inputs: 'a message whose originator signature does not verify, with or without SMTP AUTH' },
    effect: 'relays a domain-signed message instead of replying 550 5.7.7 SIGNATURE_INVALID',
  },
  {
    name: 'sign-unauthenticated', direction: 'outbound',
    description: 'Treats every client of its submission port as authenticated: domain-signs unsigned mail that came without SMTP AUTH.',
    requirement: 'DOMSEC-3.2-AUTHENTICATE-ORIGINATOR', related: ['DOMSEC-3.2-NO-SIGNATURE-IF-INVALID'],
    shows: { policy: 'any', inputs: 'unsigned mail submitted without SMTP AUTH' },
    effect: 'relays S[domainSig](S[empty](data)) instead of replying 550 5.7.1 ORIGINATOR_NOT_AUTHENTICATED',
  },
  {
    name: 'drop-ml-attributes', direction: 'outbound',
    description: 'Re-adds the outer signedData after an MLA layer (Examples 4 and 6) but without the remembered signed attributes, so the mlExpansionHistory is lost.',
    requirement: 'DOMSEC-5-READD-ML-ATTRIBUTES', related: ['DOMSEC-3.2-FOLLOW-SECTION-5', 'DOMSEC-5.1-EXAMPLE-4', 'DOMSEC-5.1-EXAMPLE-6'],
    shows: { policy: 'any', inputs: 'Examples 4 and 6 (an outer signedData with mlExpansionHistory)' },
    effect: 'S[-](...) instead of S[-,ml](...) as the outermost layer',
  },
  {
    name: 'no-reencrypt-lower-enveloped', direction: 'outbound',
    description: 'Encrypts only when local policy says so, ignoring the rule that an envelopedData lower down forces re-encryption.',
    requirement: 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED', related: ['DOMSEC-5.1-EXAMPLE-7', 'DOMSEC-3.2-FOLLOW-SECTION-5'],
    shows: { policy: 'noEncrypt', inputs: 'Example 7 (E1 below the stripped E2)' },
    effect: 'S[domainSig](S[-](E(S[-](data)))) instead of E(S[domainSig](S[-](E(S[-](data)))))',
  },
  {
    name: 'no-section5', direction: 'outbound',
    description: 'Wraps the whole message in a domain signature without the Section 5 search: nothing is stripped, nothing decrypted, MLA layers are left outside.',
    requirement: 'DOMSEC-5-SEARCH-OUTER', related: ['DOMSEC-3.2-FOLLOW-SECTION-5', 'DOMSEC-5-STRIP-TO-ENVELOPED', 'DOMSEC-5-DECRYPT-LOCAL-DCA', 'DOMSEC-5-ML-STRIP-REMEMBER'],
    shows: { policy: 'any', inputs: 'Examples 3 to 7 (Examples 1 and 2 come out as the reference\'s)' },
    effect: 'S[domainSig](<input unchanged>), e.g. S[domainSig](E(S[-](data))) for Example 3',
  },
  {
    name: 'sign-after-encrypt', direction: 'outbound',
    description: 'Encrypts first and applies the domain signature around the envelopedData: S(E(...)) instead of E(S(...)).',
    requirement: 'DOMSEC-3.2-FOLLOW-SECTION-5', related: ['DOMSEC-4-SIGN-BEFORE-ENCRYPT', 'DOMSEC-5-POLICY-ENCRYPT', 'DOMSEC-4-DCA-CASES', 'DOMSEC-5.1-EXAMPLE-7'],
    shows: { policy: 'encrypt', inputs: 'every message under an encrypt policy; Example 7 under either policy' },
    effect: 'S[domainSig](E(...)) instead of E(S[domainSig](...))',
  },
  {
    name: 'no-originator-info', direction: 'outbound',
    description: "Builds the envelopedData without originatorInfo, so the recipient cannot tell which DCA encrypted (N13).",
    requirement: 'DOMSEC-5-POLICY-ENCRYPT', related: ['DOMSEC-4-DCA-CASES', 'DOMSEC-4.1-DCA-NAMING'],
    shows: { policy: 'encrypt', inputs: 'every message it encrypts (under an encrypt policy, or Example 7)' },
    effect: 'the envelopedData it adds has no originatorInfo certificates',
  },
  {
    name: 'missing-recipient-dca', direction: 'outbound',
    description: "Encrypts for the wrong party: its own DCA certificate instead of the recipient domain's DCA (a lookup keyed on the sender's domain).",
    requirement: 'DOMSEC-4.1-RECIPIENT-INFO', related: ['DOMSEC-4-DCA-CASES', 'DOMSEC-5-POLICY-ENCRYPT'],
    shows: { policy: 'encrypt', inputs: 'every message it encrypts (under an encrypt policy, or Example 7)' },
    effect: "no RecipientInfo for the recipient domain's DCA; the only RecipientInfo is for the local DCA",
  },
  {
    name: 'no-inbound-decrypt', direction: 'inbound',
    description: 'Decrypts mail for the domain to verify it, but delivers the original encrypted message instead of the decrypted one.',
    requirement: 'DOMSEC-4-DCA-CASES', related: ['DOMSEC-4.2-DCA-DECRYPTION'],
    shows: { policy: 'any', inputs: "inbound mail encrypted for the local DCA (cases b and d)" },
    effect: 'delivered E(...) instead of the decrypted entity',
  },
  {
    name: 'verifier-ignores-naming', direction: 'inbound',
    description: 'Verifies the domain signature cryptographically but skips the naming check of draft 2.4: reports smime=pass for a signer of another domain.',
    requirement: 'DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', related: ['DOMSEC-2.4-VERIFY-CONVENTION', 'DOMSEC-2.4-FLAG-VIOLATION', 'DOMSEC-3.2-CHECK-NAMING', 'DOMSEC-2.4-SAN-FORM'],
    shows: { policy: 'any', inputs: 'inbound mail whose domain signer breaks the naming convention' },
    effect: 'smime=pass instead of smime=policy',
  },
  {
    name: 'verifier-flags-ascendant', direction: 'inbound',
    description: "Requires the signer's domain to equal the originator's domain exactly: flags a valid whole-label ascendant (example.test signing for mail.example.test).",
    requirement: 'DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', related: ['DOMSEC-2.4-VERIFY-CONVENTION'],
    shows: { policy: 'any', inputs: 'inbound mail from a subdomain signed by the parent domain' },
    effect: 'smime=policy (NAMING_DOMAIN_MISMATCH) instead of smime=pass',
  },
  {
    name: 'verifier-no-authentication-results', direction: 'inbound',
    description: 'Verifies but never tells the user: delivers without an Authentication-Results header field (N14).',
    requirement: 'DOMSEC-2.4-FLAG-VIOLATION', related: ['DOMSEC-2.4-FLAG-DOMAIN-MISMATCH', 'DOMSEC-3.2-CHECK-NAMING'],
    shows: { policy: 'any', inputs: 'every inbound message' },
    effect: 'no Authentication-Results header on delivered mail',
  },
];

export function isFaultName(s: unknown): s is FaultName {
  return typeof s === 'string' && (FAULT_NAMES as readonly string[]).includes(s);
}

export function faultEntry(name: FaultName): FaultEntry {
  return FAULTS.find((f) => f.name === name)!;
}
