/**
 * The one catalogue of reason codes that verification results, vectors and graders speak in
 * (in the manner of arethetypeswrong's problem kinds): each has a title, a description, the spec
 * reference, and the outcome it implies for the RFC 7281 `smime` method of Authentication-Results (N14).
 *
 * outcome:
 *  - 'fail'   the signature (or layer) is not valid: smime=fail
 *  - 'policy' the signature verifies, but a DOMSEC rule is broken, e.g. the naming convention: smime=policy
 *  - 'note'   acceptable (the draft allows it), but the reader must be told: changes no verdict, and is
 *             always named in the Authentication-Results comment (e.g. unauthenticated encryption)
 *  - 'info'   recorded for the reader; changes no verdict
 */
export type ReasonOutcome = 'fail' | 'policy' | 'note' | 'info';

export interface ReasonEntry {
  readonly title: string;
  readonly description: string;
  readonly ref: string;
  readonly outcome: ReasonOutcome;
}

export const REASONS = {
  // --- the signature itself (RFC 5652 5.6) ---
  SIG_VALUE_INVALID: {
    title: 'Signature value does not verify',
    description: 'The signature over the signed attributes (or content) does not verify with the signer certificate public key.',
    ref: 'RFC 5652 5.6; draft 3.2',
    outcome: 'fail',
  },
  SIG_DIGEST_MISMATCH: {
    title: 'messageDigest does not match the content',
    description: 'The messageDigest signed attribute differs from the digest of the encapsulated content: the content was altered.',
    ref: 'RFC 5652 5.4, 11.2',
    outcome: 'fail',
  },
  SIG_CONTENT_TYPE_MISMATCH: {
    title: 'contentType attribute differs from eContentType',
    description: 'The contentType signed attribute must equal the eContentType of the EncapsulatedContentInfo.',
    ref: 'RFC 5652 11.1',
    outcome: 'fail',
  },
  SIG_MISSING_ATTRIBUTE: {
    title: 'Required signed attribute missing',
    description: 'When signed attributes are present, contentType and messageDigest must both be present (exactly once).',
    ref: 'RFC 5652 5.3, 11.1, 11.2',
    outcome: 'fail',
  },
  SIG_NO_SIGNER_CERTIFICATE: {
    title: 'Signer certificate not found',
    description: 'No certificate in the SignedData or in the supplied certificates matches the SignerIdentifier.',
    ref: 'RFC 5652 5.3',
    outcome: 'fail',
  },
  SIG_UNSUPPORTED_ALGORITHM: {
    title: 'Unsupported signature or digest algorithm',
    description: 'The engine does not implement the named algorithm OID, so the signature cannot be checked.',
    ref: 'RFC 5652 5.3',
    outcome: 'fail',
  },
  SIG_NO_CONTENT: {
    title: 'No content to verify',
    description: 'The SignedData is detached and no content was supplied.',
    ref: 'RFC 5652 5.2',
    outcome: 'fail',
  },
  // --- the signer certificate (RFC 5280 6, N11) ---
  CERT_EXPIRED: {
    title: 'Certificate expired at the validation time',
    description: 'A certificate on the path has notAfter before the validation time.',
    ref: 'RFC 5280 6.1.3 (a)(2)',
    outcome: 'fail',
  },
  CERT_NOT_YET_VALID: {
    title: 'Certificate not yet valid at the validation time',
    description: 'A certificate on the path has notBefore after the validation time.',
    ref: 'RFC 5280 6.1.3 (a)(2)',
    outcome: 'fail',
  },
  CERT_UNTRUSTED: {
    title: 'No path to a trust anchor',
    description: 'The signer certificate does not chain to any configured trust anchor.',
    ref: 'RFC 5280 6.1',
    outcome: 'fail',
  },
  CERT_SIGNATURE_INVALID: {
    title: 'Certificate signature does not verify',
    description: 'A certificate on the path is not validly signed by its issuer.',
    ref: 'RFC 5280 6.1.3 (a)(1)',
    outcome: 'fail',
  },
  CERT_ISSUER_NOT_CA: {
    title: 'Issuer is not a CA',
    description: 'An issuing certificate lacks basicConstraints cA=TRUE or keyUsage keyCertSign.',
    ref: 'RFC 5280 4.2.1.9, 6.1.4 (k)',
    outcome: 'fail',
  },
  CERT_KEY_USAGE_NOT_SIGNING: {
    title: 'Signer certificate is not a signing certificate',
    description: 'The signer certificate keyUsage lacks digitalSignature and nonRepudiation: it is an encryption certificate (N11).',
    ref: 'draft 2.4 (last paragraph); N11',
    outcome: 'fail',
  },
  CERT_MALFORMED: {
    title: 'Signer certificate does not parse',
    description: 'The certificate the SignerIdentifier names does not decode completely (e.g. a malformed subjectAltName or another extension): its names, key usage and path cannot be checked, so the signature cannot pass.',
    ref: 'RFC 5280 4.1, 4.2; RFC 5652 5.6',
    outcome: 'fail',
  },
  CERT_UNKNOWN_CRITICAL_EXTENSION: {
    title: 'Certificate has a critical extension the verifier does not process',
    description: 'A certificate on the path marks critical an extension the engine does not recognise or cannot process: it MUST be rejected.',
    ref: 'RFC 5280 4.2, 6.1.4 (o)',
    outcome: 'fail',
  },
  CERT_NAME_CONSTRAINTS_NOT_CHECKED: {
    title: 'Path has name constraints, which the engine does not process',
    description: 'A CA on the path carries nameConstraints; the engine does not check them, so the path is not accepted rather than accepted unchecked.',
    ref: 'RFC 5280 4.2.1.10, 6.1.4 (g)',
    outcome: 'fail',
  },
  CERT_EXT_KEY_USAGE_NOT_EMAIL: {
    title: 'extendedKeyUsage excludes e-mail protection',
    description: 'A certificate on the path has extendedKeyUsage without id-kp-emailProtection or anyExtendedKeyUsage: it is not for S/MIME.',
    ref: 'RFC 8550 4.4.4; RFC 5280 4.2.1.12',
    outcome: 'fail',
  },
  CERT_WEAK_KEY: {
    title: 'RSA key shorter than 2048 bits on the signer path',
    description: 'The signer certificate, or a certificate on its path, has an RSA key of fewer than 2048 bits: receiving agents SHOULD NOT accept keys of 2047 bits or fewer (flagged, not failed: a SHOULD NOT).',
    ref: 'RFC 8551 4.1',
    outcome: 'policy',
  },
  CERT_KEY_USAGE_NOT_ENCRYPTION: {
    title: 'Certificate is not an encryption certificate',
    description: 'A DCA or recipient certificate used for encryption lacks keyEncipherment (RSA) or keyAgreement (ECDH) (N11).',
    ref: 'draft 2.4 (last paragraph), 4.1; N11',
    outcome: 'policy',
  },
  // --- which content is signed (RFC 8551 3.5.3; issue 12: content confusion) ---
  DETACHED_SIGNATURE_ATTACHED: {
    title: 'multipart/signed carries an attached signature',
    description: 'The application/pkcs7-signature part of a multipart/signed must be a detached SignedData (no eContent); one with eContent signs something other than the part displayed. The displayed (first) part is what is verified.',
    ref: 'RFC 8551 3.5.3; RFC 1847 2.1; RFC 5652 5.2',
    outcome: 'fail',
  },
  SIGNED_CONTENT_DIFFERS: {
    title: 'eContent differs from the displayed part',
    description: 'The SignedData in a multipart/signed carries eContent that is not the canonical first part: a signature over one text shown beside another.',
    ref: 'RFC 8551 3.5.3; RFC 5652 5.2',
    outcome: 'fail',
  },
  MIME_AMBIGUOUS_HEADER: {
    title: 'An entity has Content-Type or Content-Transfer-Encoding more than once',
    description: 'Readers differ on which field counts (first or last), so what is verified may not be what is displayed: the layer is not accepted.',
    ref: 'RFC 2045 3, 5, 6; RFC 8551 3.1',
    outcome: 'fail',
  },
  // --- the originator's address (RFC 5322 3.6.2, RFC 8550 3, N9) ---
  FROM_NOT_ONE_MAILBOX: {
    title: 'From: is not exactly one mailbox with a domain name',
    description: 'The message has no From: field, several, one that does not parse, a group, several mailboxes, or an address literal: the signer cannot be checked against the originator, so the signature cannot pass.',
    ref: 'RFC 5322 3.6.2; RFC 8550 3; draft 3.1; N9',
    outcome: 'policy',
  },
  // --- bounded work (src/limits.ts; issue 12, item 6) ---
  LIMIT_SIGNERS: {
    title: 'Too many SignerInfos',
    description: 'A SignedData has more SignerInfos than MAX_SIGNERS_PER_SIGNED_DATA, or the message more than MAX_SIGNERS_PER_MESSAGE: the signers beyond the limit were not checked.',
    ref: 'src/limits.ts MAX_SIGNERS_PER_SIGNED_DATA, MAX_SIGNERS_PER_MESSAGE',
    outcome: 'fail',
  },
  LIMIT_CERTIFICATES: {
    title: 'Too many certificates',
    description: 'The message carries more distinct certificates than MAX_CERTIFICATES_PER_MESSAGE: those beyond the limit were not read.',
    ref: 'src/limits.ts MAX_CERTIFICATES_PER_MESSAGE',
    outcome: 'fail',
  },
  LIMIT_PATH_BUILDING: {
    title: 'Certification path building gave up',
    description: 'Building the signer path tried more issuer candidates than MAX_PATH_BUILD_STEPS (per signer) or MAX_PATH_BUILD_STEPS_PER_MESSAGE, or needed more than MAX_CHAIN_LENGTH certificates.',
    ref: 'src/limits.ts MAX_PATH_BUILD_STEPS; RFC 4158',
    outcome: 'fail',
  },
  // --- SignatureType (draft 3.1.1, N1, N2) ---
  STYPE_UNSIGNED: {
    title: 'SignatureType present as an unsigned attribute',
    description: 'If present, the SignatureType attribute MUST be a signed attribute; an unsigned one is ignored and flagged.',
    ref: 'draft 3.1.1',
    outcome: 'policy',
  },
  STYPE_MULTIPLE: {
    title: 'SignatureType appears more than once in one SignerInfo',
    description: 'A SignerInfo MUST NOT include multiple instances of SignatureType.',
    ref: 'draft 3.1.1',
    outcome: 'policy',
  },
  STYPE_INCONSISTENT: {
    title: 'SignatureType differs between SignerInfos',
    description: 'With more than one SignerInfo, the SignatureType attribute in all of them MUST contain the same content.',
    ref: 'draft 3.1.1',
    outcome: 'policy',
  },
  STYPE_MALFORMED: {
    title: 'SignatureType is not a SEQUENCE OF OBJECT IDENTIFIER',
    description: 'The attribute value does not decode as SignatureType.',
    ref: 'draft 3.1.1; N1',
    outcome: 'policy',
  },
  STYPE_ADDATTRIB_COMBINED: {
    title: 'addAttribSig combined with other SignatureType values',
    description: "Several SignatureType values are allowed only as long as 'additional attributes' is not present.",
    ref: 'draft 3.1.1; N2',
    outcome: 'policy',
  },
  STYPE_MISPRINTED_OID: {
    title: 'Attribute under the misprinted OID 1.2.840.113549.1.9.28',
    description: 'The draft misprints the SignatureType OID; this arc is unassigned and is treated as an unknown attribute, so the signature is not a domain signature.',
    ref: 'draft 3.1.1; N1',
    outcome: 'info',
  },
  // --- domain signatures (draft 2.3, 3.1.1, 3.2) ---
  DOMAIN_SIG_ENCAPSULATES_NOTHING: {
    title: 'Domain signature encapsulates no signature',
    description: 'A domain signature MUST encapsulate other signatures (an empty signature layer counts, N12).',
    ref: 'draft 3.1.1, 2.3',
    outcome: 'policy',
  },
  EMPTY_LAYER_NOT_ID_DATA: {
    title: 'Empty signature layer with eContentType other than id-data',
    description: 'An empty signature layer has no signers, so its eContentType MUST be id-data.',
    ref: 'draft 2.3 (1); N12',
    outcome: 'policy',
  },
  EMPTY_LAYER_NO_CONTENT: {
    title: 'Empty signature layer without eContent',
    description: 'The empty signature layer carries the unsigned message as eContent, not left empty.',
    ref: 'draft 2.3 (1); N12',
    outcome: 'policy',
  },
  EMPTY_SIGNATURE_LAYER: {
    title: 'Empty signature layer',
    description: 'A signedData with no signers: never an originator signature (N12).',
    ref: 'draft 2.3 (1); N12',
    outcome: 'info',
  },
  // --- naming convention (draft 2.4, N9, N10) ---
  NAMING_NO_DOMAIN_NAME: {
    title: 'Signer certificate carries no domain name form',
    description: 'A domain signer certificate MUST contain a SubjectAltName URI smtp://<domain> or submit://<domain> and/or a dNSName.',
    ref: 'draft 2.4; N10',
    outcome: 'policy',
  },
  NAMING_DOMAIN_MISMATCH: {
    title: "Signer domain is neither the originator's domain nor an ascendant",
    description: "The domain in the signer certificate does not match, and is not a whole-label ascendant of, the originator's From: domain.",
    ref: 'draft 2.4; N9',
    outcome: 'policy',
  },
  NAMING_NO_ORIGINATOR_DOMAIN: {
    title: "Originator's domain unknown",
    description: 'The message has no From: address, or several, so the naming convention cannot be checked (N9).',
    ref: 'draft 2.4; N9',
    outcome: 'policy',
  },
  SIGNER_ADDRESS_MISMATCH: {
    title: 'Signer certificate does not name the From: address',
    description: 'A signature that is not a domain signature, not an MLA signature and not under a valid domain signature has a certificate without an rfc822Name equal to the From: address: the S/MIME masquerade check, relaxed by the naming convention only for domain signatures (a signature lacking SignatureType, or with another value, gets no such relief).',
    ref: 'draft 3.1, 3.1.1; RFC 8550 3',
    outcome: 'policy',
  },
  // --- mlExpansionHistory (RFC 2634 2.10, 4.2; draft 5) ---
  MLEH_UNSIGNED: {
    title: 'mlExpansionHistory as an unsigned attribute',
    description: 'mlExpansionHistory MUST be a signed attribute (RFC 2634 2.10); an unsigned one is ignored by Section 5 processing.',
    ref: 'RFC 2634 2.10; draft 5',
    outcome: 'policy',
  },
  MLEH_INCONSISTENT: {
    title: 'mlExpansionHistory differs between SignerInfos',
    description: 'All SignerInfos of one signedData must carry the same mlExpansionHistory (RFC 2634 2.10).',
    ref: 'RFC 2634 2.10; draft 5',
    outcome: 'policy',
  },
  MLEH_TOO_MANY: {
    title: 'mlExpansionHistory has more than 64 entries',
    description: 'MLExpansionHistory ::= SEQUENCE SIZE (1..ub-ml-expansion-history) with ub-ml-expansion-history = 64.',
    ref: 'RFC 2634 2.10',
    outcome: 'policy',
  },
  MLEH_MALFORMED: {
    title: 'mlExpansionHistory does not decode',
    description: 'The attribute value is not a MLExpansionHistory.',
    ref: 'RFC 2634 2.10',
    outcome: 'policy',
  },
  // --- encryption layers ---
  ENCRYPTED_NOT_OPENED: {
    title: 'Encrypted layer not opened',
    description: 'No key was available for this envelopedData/authEnvelopedData, so the layers inside it were not checked.',
    ref: 'draft 4.2',
    outcome: 'info',
  },
  ENCRYPTION_NOT_AUTHENTICATED: {
    title: 'Content under unauthenticated encryption is not integrity-protected',
    description: 'The envelopedData uses a cipher without authentication (e.g. AES-CBC, which the draft uses): whoever can change the ciphertext can change the decrypted text undetected (EFAIL). Only what a valid signature inside covers is protected; nothing else in the decrypted entity may be taken as signed.',
    ref: 'RFC 5652 6; RFC 8551 2.7 (authEnvelopedData); EFAIL (USENIX Security 2018)',
    outcome: 'note',
  },
  AUTH_TAG_INVALID: {
    title: 'AuthEnvelopedData authentication failed',
    description: 'The GCM/Poly1305 tag did not verify: the content or authenticated attributes were altered.',
    ref: 'RFC 5083 2.2',
    outcome: 'fail',
  },
} as const satisfies Record<string, ReasonEntry>;

export type ReasonCode = keyof typeof REASONS;

export function reasonOutcome(code: ReasonCode): ReasonOutcome {
  return REASONS[code].outcome;
}
