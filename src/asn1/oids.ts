/**
 * Every object identifier the suite uses, named after the document that defines it.
 * One file so that a misprinted OID (draft 3.1.1 vs N1) can only be wrong in one place.
 */

// --- CMS content types (RFC 5652 4-6, RFC 5083 2.1) ---
export const id_data = '1.2.840.113549.1.7.1';
export const id_signedData = '1.2.840.113549.1.7.2';
export const id_envelopedData = '1.2.840.113549.1.7.3';
export const id_ct_authEnvelopedData = '1.2.840.113549.1.9.16.1.23';

// --- CMS signed attributes (RFC 5652 11) ---
export const id_contentType = '1.2.840.113549.1.9.3';
export const id_messageDigest = '1.2.840.113549.1.9.4';
export const id_signingTime = '1.2.840.113549.1.9.5';
export const id_smimeCapabilities = '1.2.840.113549.1.9.15';

/**
 * SignatureType signed attribute (draft 3.1.1). The draft prints pkcs9(9) 28; the S/MIME arc
 * smime(16) id-aa(2) 28 is the assigned one and the only one the project emits (N1).
 */
export const id_aa_signatureType = '1.2.840.113549.1.9.16.2.28';
/** The draft's misprint (N1): an unassigned arc; a verifier treats it as an unknown attribute. */
export const id_aa_signatureType_misprint = '1.2.840.113549.1.9.28';

/** SignatureType values (RFC 3183 3.1.2, N2). The draft generates only domainSig. */
export const id_sti_originatorSig = '1.2.840.113549.1.9.16.9.1';
export const id_sti_domainSig = '1.2.840.113549.1.9.16.9.2';
export const id_sti_addAttribSig = '1.2.840.113549.1.9.16.9.3';
export const id_sti_reviewSig = '1.2.840.113549.1.9.16.9.4';

/** ESS mlExpansionHistory (RFC 2634 2.10). */
export const id_aa_mlExpandHistory = '1.2.840.113549.1.9.16.2.3';

// --- Digest algorithms ---
export const id_sha256 = '2.16.840.1.101.3.4.2.1';
export const id_sha384 = '2.16.840.1.101.3.4.2.2';
export const id_sha512 = '2.16.840.1.101.3.4.2.3';
export const id_sha1 = '1.3.14.3.2.26';

// --- Signature algorithms ---
export const rsaEncryption = '1.2.840.113549.1.1.1';
export const id_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const id_mgf1 = '1.2.840.113549.1.1.8';
export const sha256WithRSAEncryption = '1.2.840.113549.1.1.11';
export const sha384WithRSAEncryption = '1.2.840.113549.1.1.12';
export const sha512WithRSAEncryption = '1.2.840.113549.1.1.13';
export const id_ecPublicKey = '1.2.840.10045.2.1';
export const ecdsa_with_SHA256 = '1.2.840.10045.4.3.2';
export const ecdsa_with_SHA384 = '1.2.840.10045.4.3.3';
export const ecdsa_with_SHA512 = '1.2.840.10045.4.3.4';
export const id_Ed25519 = '1.3.101.112';
export const id_X25519 = '1.3.101.110';
export const secp256r1 = '1.2.840.10045.3.1.7';
export const secp384r1 = '1.3.132.0.34';

// --- Key transport and agreement (RFC 8017, RFC 5753, RFC 8418) ---
export const id_RSAES_OAEP = '1.2.840.113549.1.1.7';
/** RFC 5753 7.1.4 (x9-63-scheme 2): OpenSSL 3.0's default for EC recipients; decrypt only. */
export const dhSinglePass_stdDH_sha1kdf_scheme = '1.3.133.16.840.63.0.2';
export const dhSinglePass_stdDH_sha256kdf_scheme = '1.3.132.1.11.1';
export const dhSinglePass_stdDH_sha384kdf_scheme = '1.3.132.1.11.2';
export const dhSinglePass_stdDH_sha512kdf_scheme = '1.3.132.1.11.3';
/** RFC 8418 2: X25519 with HKDF. */
export const dhSinglePass_stdDH_hkdf_sha256_scheme = '1.2.840.113549.1.9.16.3.19';
export const dhSinglePass_stdDH_hkdf_sha384_scheme = '1.2.840.113549.1.9.16.3.20';
export const dhSinglePass_stdDH_hkdf_sha512_scheme = '1.2.840.113549.1.9.16.3.21';

// --- Content encryption and key wrap (RFC 3565, RFC 5084, RFC 8103) ---
export const aes128_CBC = '2.16.840.1.101.3.4.1.2';
export const aes192_CBC = '2.16.840.1.101.3.4.1.22';
export const aes256_CBC = '2.16.840.1.101.3.4.1.42';
export const aes128_GCM = '2.16.840.1.101.3.4.1.6';
export const aes192_GCM = '2.16.840.1.101.3.4.1.26';
export const aes256_GCM = '2.16.840.1.101.3.4.1.46';
export const aes128_wrap = '2.16.840.1.101.3.4.1.5';
export const aes192_wrap = '2.16.840.1.101.3.4.1.25';
export const aes256_wrap = '2.16.840.1.101.3.4.1.45';
export const id_alg_AEADChaCha20Poly1305 = '1.2.840.113549.1.9.16.3.18';

// --- X.509 (RFC 5280) ---
export const id_ce_subjectAltName = '2.5.29.17';
export const id_ce_keyUsage = '2.5.29.15';
export const id_ce_basicConstraints = '2.5.29.19';
export const id_ce_extKeyUsage = '2.5.29.37';
export const id_ce_subjectKeyIdentifier = '2.5.29.14';
export const id_ce_authorityKeyIdentifier = '2.5.29.35';
export const id_kp_emailProtection = '1.3.6.1.5.5.7.3.4';
/** RFC 5280 4.2.1.12: anyExtendedKeyUsage; RFC 8550 4.4.4 accepts it in place of emailProtection. */
export const anyExtendedKeyUsage = '2.5.29.37.0';
export const id_kp_serverAuth = '1.3.6.1.5.5.7.3.1';
/** RFC 5280 4.2.1.4, 4.2.1.10, 4.2.1.11, 4.2.1.5, 4.2.1.14, 4.2.1.13, 4.2.2.1, 4.2.1.6 (issuerAltName 4.2.1.7). */
export const id_ce_certificatePolicies = '2.5.29.32';
export const id_ce_nameConstraints = '2.5.29.30';
export const id_ce_policyConstraints = '2.5.29.36';
export const id_ce_policyMappings = '2.5.29.33';
export const id_ce_inhibitAnyPolicy = '2.5.29.54';
export const id_ce_cRLDistributionPoints = '2.5.29.31';
export const id_ce_issuerAltName = '2.5.29.18';
export const id_pe_authorityInfoAccess = '1.3.6.1.5.5.7.1.1';

/** Human names for OIDs in reports and `domsec inspect`. */
export const OID_NAMES: Readonly<Record<string, string>> = {
  [id_data]: 'id-data',
  [id_signedData]: 'id-signedData',
  [id_envelopedData]: 'id-envelopedData',
  [id_ct_authEnvelopedData]: 'id-ct-authEnvelopedData',
  [id_contentType]: 'contentType',
  [id_messageDigest]: 'messageDigest',
  [id_signingTime]: 'signingTime',
  [id_smimeCapabilities]: 'smimeCapabilities',
  [id_aa_signatureType]: 'signatureType',
  [id_aa_signatureType_misprint]: 'unknown (misprinted signatureType 1.9.28, N1)',
  [id_sti_originatorSig]: 'id-sti-originatorSig',
  [id_sti_domainSig]: 'id-sti-domainSig',
  [id_sti_addAttribSig]: 'id-sti-addAttribSig',
  [id_sti_reviewSig]: 'id-sti-reviewSig',
  [id_aa_mlExpandHistory]: 'mlExpansionHistory',
  [id_sha1]: 'sha1',
  [id_sha256]: 'sha256',
  [id_sha384]: 'sha384',
  [id_sha512]: 'sha512',
  [rsaEncryption]: 'rsaEncryption',
  [id_RSASSA_PSS]: 'RSASSA-PSS',
  [sha256WithRSAEncryption]: 'sha256WithRSAEncryption',
  [sha384WithRSAEncryption]: 'sha384WithRSAEncryption',
  [sha512WithRSAEncryption]: 'sha512WithRSAEncryption',
  [id_ecPublicKey]: 'id-ecPublicKey',
  [ecdsa_with_SHA256]: 'ecdsa-with-SHA256',
  [ecdsa_with_SHA384]: 'ecdsa-with-SHA384',
  [ecdsa_with_SHA512]: 'ecdsa-with-SHA512',
  [id_Ed25519]: 'Ed25519',
  [id_X25519]: 'X25519',
  [id_RSAES_OAEP]: 'RSAES-OAEP',
  [dhSinglePass_stdDH_sha1kdf_scheme]: 'dhSinglePass-stdDH-sha1kdf-scheme',
  [dhSinglePass_stdDH_sha256kdf_scheme]: 'dhSinglePass-stdDH-sha256kdf-scheme',
  [dhSinglePass_stdDH_sha384kdf_scheme]: 'dhSinglePass-stdDH-sha384kdf-scheme',
  [dhSinglePass_stdDH_sha512kdf_scheme]: 'dhSinglePass-stdDH-sha512kdf-scheme',
  [dhSinglePass_stdDH_hkdf_sha256_scheme]: 'dhSinglePass-stdDH-hkdf-sha256-scheme',
  [dhSinglePass_stdDH_hkdf_sha384_scheme]: 'dhSinglePass-stdDH-hkdf-sha384-scheme',
  [dhSinglePass_stdDH_hkdf_sha512_scheme]: 'dhSinglePass-stdDH-hkdf-sha512-scheme',
  [aes128_CBC]: 'aes128-CBC',
  [aes192_CBC]: 'aes192-CBC',
  [aes256_CBC]: 'aes256-CBC',
  [aes128_GCM]: 'aes128-GCM',
  [aes192_GCM]: 'aes192-GCM',
  [aes256_GCM]: 'aes256-GCM',
  [aes128_wrap]: 'aes128-wrap',
  [aes192_wrap]: 'aes192-wrap',
  [aes256_wrap]: 'aes256-wrap',
  [id_alg_AEADChaCha20Poly1305]: 'AEAD-ChaCha20-Poly1305',
};

export function oidName(oid: string): string {
  return OID_NAMES[oid] ?? oid;
}
