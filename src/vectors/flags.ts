/**
 * Flags of the golden vectors, each defined once (in the manner of Wycheproof's `notes`): what the
 * vector exercises and, for negative vectors, the kind of bug an implementation has if it gets the
 * vector wrong. Bug types are a closed list, documented in vectors/README.md.
 */
export const BUG_TYPES = {
  FUNCTIONALITY: 'A valid message or operation that a conforming implementation must handle; failing it is an interoperability bug.',
  AUTH_BYPASS: 'An invalid or forged signature accepted as valid: the message is trusted without authentication.',
  MASQUERADE: 'A naming-convention violation not flagged: one domain can sign on behalf of another (draft 2.4).',
  MISSING_FLAG: 'A DOMSEC rule violation that the receiver must flag but does not (draft 2.4, 3.1.1, N14).',
  WRONG_STRUCTURE: 'The layers produced are not those the rules prescribe (Section 5, 2.3, 3.1.1).',
  CONFIDENTIALITY: 'Content left unencrypted, or encrypted for the wrong parties, where the rules require encryption.',
  ENCODING: 'A legitimate encoding (BER, indefinite lengths, constructed strings) rejected.',
  UNSAFE_SIGNING: 'A domain signature produced where the draft says it MUST NOT be (draft 3.2).',
} as const;
export type BugType = keyof typeof BUG_TYPES;

export interface FlagDefinition {
  bugType: BugType;
  description: string;
}

export const FLAGS = {
  EncryptionCaseA: { bugType: 'FUNCTIONALITY', description: 'Case (a): the originator encrypts, the end recipient decrypts (draft 4, N3).' },
  EncryptionCaseB: { bugType: 'FUNCTIONALITY', description: "Case (b): the originator encrypts, the recipient's DCA decrypts (draft 4, N3)." },
  EncryptionCaseC: { bugType: 'FUNCTIONALITY', description: "Case (c): the originator's DCA encrypts (originatorInfo, N13), the end recipient decrypts." },
  EncryptionCaseD: { bugType: 'FUNCTIONALITY', description: "Case (d): the originator's DCA encrypts, the recipient's DCA decrypts." },
  KeyTransportPkcs1v15: { bugType: 'FUNCTIONALITY', description: 'RSAES-PKCS1-v1_5 key transport, what deployed gateways mostly use.' },
  KeyTransportOaep: { bugType: 'FUNCTIONALITY', description: 'RSAES-OAEP key transport (SHA-256, RFC 8017, RFC 4055).' },
  KeyAgreementEcdh: { bugType: 'FUNCTIONALITY', description: 'Ephemeral-static ECDH on P-256 with the X9.63 SHA-256 KDF and AES key wrap (RFC 5753).' },
  AuthEnvelopedGcm: { bugType: 'FUNCTIONALITY', description: 'AuthEnvelopedData with AES-256-GCM (RFC 5083, RFC 5084).' },
  EnvelopedCbc: { bugType: 'FUNCTIONALITY', description: 'EnvelopedData with AES-256-CBC.' },
  MultiRecipient: { bugType: 'FUNCTIONALITY', description: 'One envelope for the end recipient and a DCA at once.' },
  DomainSignedBeforeEncryption: { bugType: 'FUNCTIONALITY', description: 'The domain signature is applied before encryption (draft 4: SHOULD in cases c and d).' },
  Section5Example: { bugType: 'WRONG_STRUCTURE', description: 'One of the seven worked examples of Section 5.1: the output layers must have the prescribed shape.' },
  MlExpansionHistory: { bugType: 'WRONG_STRUCTURE', description: 'An outer signedData with mlExpansionHistory: stripped, remembered, re-added outermost (Section 5, N5, N6).' },
  LowerEnvelopedData: { bugType: 'CONFIDENTIALITY', description: 'An envelopedData lies lower, so the domain signature must be enveloped whatever the policy (Section 5, N7).' },
  EmptySignatureLayer: { bugType: 'WRONG_STRUCTURE', description: 'Unsigned content gets an empty signature layer before the domain signature (draft 2.3 (1), N12).' },
  RefuseToSign: { bugType: 'UNSAFE_SIGNING', description: 'The domain signer must refuse: an invalid signature or an unauthenticated originator (draft 3.2, N8).' },
  AscendantDomain: { bugType: 'FUNCTIONALITY', description: "The signer's domain is a whole-label ascendant of the From: domain: accept, do not flag (N9)." },
  SeveralSignerInfos: { bugType: 'FUNCTIONALITY', description: 'Several SignerInfos with identical SignatureType content (draft 3.1.1).' },
  Ber: { bugType: 'ENCODING', description: 'BER with indefinite lengths and a constructed OCTET STRING, as streaming encoders write: must be accepted.' },
  SignatureTypeMissing: { bugType: 'MISSING_FLAG', description: 'The outer signature has no SignatureType: not a domain signature, so the name check is not relaxed (draft 3.1).' },
  SignatureTypeWrongValue: { bugType: 'MISSING_FLAG', description: 'SignatureType without id-sti-domainSig: not a domain signature (draft 3.1.1, N2).' },
  SignatureTypeUnsigned: { bugType: 'MISSING_FLAG', description: 'SignatureType as an unsigned attribute (draft 3.1.1 MUST be signed).' },
  SignatureTypeTwice: { bugType: 'MISSING_FLAG', description: 'Two SignatureType attributes in one SignerInfo (draft 3.1.1 MUST NOT).' },
  SignatureTypeDiffers: { bugType: 'MISSING_FLAG', description: 'SignatureType content differs between SignerInfos (draft 3.1.1 MUST be the same).' },
  SignatureTypeMisprintedOid: { bugType: 'MISSING_FLAG', description: 'SignatureType under the misprinted OID 1.2.840.113549.1.9.28: an unknown attribute (N1).' },
  EncapsulatesNothing: { bugType: 'MISSING_FLAG', description: 'A domain signature directly over content: it MUST encapsulate other signatures (draft 3.1.1).' },
  ForeignDomain: { bugType: 'MASQUERADE', description: "Signer certificate for an unrelated domain (draft 2.4)." },
  NonAscendantDomain: { bugType: 'MASQUERADE', description: "Signer certificate for a descendant, not an ascendant, of the From: domain (N9)." },
  LookalikeDomain: { bugType: 'MASQUERADE', description: 'Signer certificate for a look-alike domain that shares a suffix but not whole labels (N9).' },
  NoSanForms: { bugType: 'MASQUERADE', description: 'Signer certificate without smtp://, submit:// or dNSName SubjectAltName (draft 2.4, N10).' },
  SubmitSmtpMixup: { bugType: 'MASQUERADE', description: 'An MTA (smtp://) certificate where the profile requires the MSA form submit:// (draft 2.4).' },
  EncryptionCertificate: { bugType: 'MASQUERADE', description: 'Signed with an encryption-only certificate (keyUsage, draft 2.4, N11).' },
  ExpiredCertificate: { bugType: 'AUTH_BYPASS', description: 'Signer certificate expired at the validation time.' },
  UntrustedCertificate: { bugType: 'AUTH_BYPASS', description: 'Signer certificate from a CA that is not a trust anchor.' },
  InvalidInnerSignature: { bugType: 'AUTH_BYPASS', description: 'A valid domain signature over an invalid inner signature (visible or inside an envelopedData).' },
  TamperedContent: { bugType: 'AUTH_BYPASS', description: 'Content changed after signing: messageDigest mismatch.' },
  MlExpansionHistoryUnsigned: { bugType: 'MISSING_FLAG', description: 'mlExpansionHistory as an unsigned attribute (RFC 2634 2.10).' },
  MlExpansionHistoryDiffers: { bugType: 'MISSING_FLAG', description: 'mlExpansionHistory differs between SignerInfos (RFC 2634 2.10).' },
  MlExpansionHistoryTooLong: { bugType: 'MISSING_FLAG', description: 'mlExpansionHistory with more than 64 entries (RFC 2634 ub-ml-expansion-history).' },
  EmptyLayerNotOriginator: { bugType: 'AUTH_BYPASS', description: 'An empty signature layer is never an originator signature (N12): alone it authenticates nothing.' },
  InnerSignatureNotVerified: { bugType: 'FUNCTIONALITY', description: 'Draft 3.2: "it is not necessary to verify these [encapsulated] signatures before treating the message as authentic", yet a recipient may: one that checks the inner signature reports fail, one that does not reports pass (acceptable).' },
  EcdsaSigner: { bugType: 'FUNCTIONALITY', description: 'A domain signer with ECDSA (P-256/SHA-256 or P-384/SHA-384, RFC 5753 7).' },
  Ed25519Signer: { bugType: 'FUNCTIONALITY', description: 'A domain signer with Ed25519 (RFC 8419).' },
  RsaPssSigner: { bugType: 'FUNCTIONALITY', description: 'A domain signer with RSASSA-PSS (RFC 4056).' },
  RsaSha2Signer: { bugType: 'FUNCTIONALITY', description: 'RSA PKCS#1 v1.5 with SHA-384 or SHA-512 (RFC 5754).' },
  SubjectKeyIdentifierSid: { bugType: 'FUNCTIONALITY', description: 'The SignerInfo names its certificate by subjectKeyIdentifier (RFC 5652 5.3, version 3).' },
  ParallelSignatureBroken: { bugType: 'AUTH_BYPASS', description: 'One signer, several SignerInfos under different algorithms, one broken: failing is the strict reading; RFC 5752 lets a verifier accept the signer on the one that validates (acceptable).' },
  MultipartSigned: { bugType: 'FUNCTIONALITY', description: 'A signature layer as multipart/signed (detached, RFC 1847, RFC 8551 3.5).' },
  CmsNesting: { bugType: 'FUNCTIONALITY', description: 'Plain CMS nesting: a SignedData carried directly as eContent or plaintext with content type id-signedData, no MIME between (RFC 5652 5.2).' },
  MixedRecipientInfos: { bugType: 'FUNCTIONALITY', description: 'One envelope with both KeyTransRecipientInfo and KeyAgreeRecipientInfo.' },
  ShorterAesKey: { bugType: 'FUNCTIONALITY', description: 'AES-128 or AES-192 content encryption (RFC 3565, RFC 5084).' },
  IntermediateCa: { bugType: 'FUNCTIONALITY', description: 'The signer certificate chains to the trust anchor through an intermediate CA.' },
  CertificatesOmitted: { bugType: 'FUNCTIONALITY', description: 'The SignedData omits certificates the verifier must get elsewhere (verify.extraCertificates).' },
  EnvelopeMustNotOpen: { bugType: 'AUTH_BYPASS', description: 'An envelope that must not open (no RecipientInfo for the key, tampered GCM tag, mismatched algorithm, truncated ciphertext): releasing content from it takes forged or foreign data as the message.' },
  SingleLabelDomain: { bugType: 'MASQUERADE', description: 'Signer certificate for a single-label name ("test"): never an acceptable ascendant (N9).' },
  NamingRole: { bugType: 'FUNCTIONALITY', description: 'The SubjectAltName form the role requires (submit:// for an MSA, smtp:// for an MTA; draft 2.4): accept.' },
  FromNotOneMailbox: { bugType: 'MASQUERADE', description: 'From: with several addresses or none: the originator domain is not one domain, so the naming check cannot pass (N9).' },
  LargeMessage: { bugType: 'FUNCTIONALITY', description: 'A message of several megabytes (kept gzip-compressed in the set).' },
  OneBadSigner: { bugType: 'AUTH_BYPASS', description: 'Several SignerInfos of which one does not validate.' },
} as const satisfies Record<string, FlagDefinition>;

export type Flag = keyof typeof FLAGS;
