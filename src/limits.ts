/**
 * Resource limits, named with their reason. They exist so that hostile input ends in a typed
 * LIMIT_EXCEEDED error instead of a crash or unbounded memory, while no legitimate message is stopped
 * (issue 2: at least 100 MB of content and 64 nested layers).
 */

/** Largest message accepted: 25 MB attachments base64-expand and nest; 512 MiB leaves room for 100 MB content 4 layers deep. */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

/** Deepest layer nesting (CMS or MIME). Issue 2 requires 64; real mail rarely exceeds 8. Bounds recursion. */
export const MAX_LAYER_DEPTH = 128;

/**
 * asn1js's default caps (10,000 nodes, 16 MiB per element, depth 100, STACK-NOTES) stop legitimate BER
 * with many 1 KiB chunks or >16 MiB content. These replace them: node count is bounded by
 * MAX_MESSAGE_BYTES / 2 (each TLV is at least 2 bytes), so memory stays linear in input size.
 */
export const ASN1_MAX_NODES = 4_000_000;
export const ASN1_MAX_CONTENT_LENGTH = MAX_MESSAGE_BYTES;
/** ASN.1 depth inside one CMS object (not layers): certificates nest ~12 deep; 200 leaves headroom. */
export const ASN1_MAX_DEPTH = 200;

/** MIME header block size: RFC 5322 puts no bound; 1 MiB is far beyond any real header and bounds parsing. */
export const MAX_HEADER_BYTES = 1024 * 1024;

/** Multipart parts in one entity: bounds work on hostile input; S/MIME multipart/signed has exactly 2. */
export const MAX_MULTIPART_PARTS = 10_000;

/** RFC 2634 2.10: MLExpansionHistory ::= SEQUENCE SIZE (1..ub-ml-expansion-history) with ub = 64. */
export const UB_ML_EXPANSION_HISTORY = 64;

/**
 * ASN.1 nodes allowed when reading `byteLength` bytes of BER (found by the robustness fuzzing, issue 4).
 * asn1js spends about 1.2 KB of heap and 15 µs per node, so ASN1_MAX_NODES alone let a 1.2 MB message
 * made of 3-byte TLVs (a constructed OCTET STRING of 400,000 one-byte fragments) take 6 s and 600 MB,
 * and 12 MB of them about a minute and 5 GB. The cap now grows with the input: ASN1_NODE_ALLOWANCE
 * nodes for any object (asn1js's own default, ample for certificate sets and attributes), plus one node
 * per ASN1_MIN_BYTES_PER_NODE bytes, which legitimate large encodings stay under (pkijs and OpenSSL
 * chunk streamed content in 1 KiB pieces, OpenSSL -stream -text line by line). Hostile input then costs
 * at most about 20 bytes of heap and 0.25 µs per input byte (plus 12 MB), still under ASN1_MAX_NODES.
 * Beyond the cap: LIMIT_EXCEEDED.
 */
export const ASN1_NODE_ALLOWANCE = 10_000;
export const ASN1_MIN_BYTES_PER_NODE = 64;

export function asn1MaxNodes(byteLength: number): number {
  return Math.min(ASN1_MAX_NODES, ASN1_NODE_ALLOWANCE + Math.floor(byteLength / ASN1_MIN_BYTES_PER_NODE));
}

/**
 * Parsed certificates kept for reuse (src/x509/certificate.ts): verifying one signed layer parses the trust
 * anchors, the signer and every path candidate, and a gateway sees the same few certificates in every
 * message. 512 is far above what one run or one domain's correspondents use; only certificates up to
 * 16 KiB are kept (real ones are 1-4 KB), so that hostile ones cannot pin more than about 8 MiB of DER.
 */
export const PARSED_CERTIFICATE_CACHE_ENTRIES = 512;
export const PARSED_CERTIFICATE_CACHE_MAX_DER = 16 * 1024;

/**
 * Certificate, key and PEM-bundle files given on the command line or in a configuration (--trust, --cert,
 * --key, --recip, a gateway's tls files): a certificate is 1-4 KB and the largest public trust store
 * bundle about 250 KB, so 16 MiB is far beyond any legitimate one while `--trust /dev/zero` stops at once
 * (issue 12: every read is bounded while reading, not after).
 */
export const MAX_CREDENTIAL_FILE_BYTES = 16 * 1024 * 1024;

/**
 * JSON configuration files (gateway config, profile, client adapter, accepted baseline): a few KB each in
 * practice; 16 MiB bounds memory and JSON.parse time on a wrong or endless file.
 */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Work per message in verification (issue 12, item 6: a 4 MB message with 300 SignerInfos and 600
 * same-named certificates took minutes). Every limit below ends in a `fail` reason code of its own
 * (src/domsec/reasons.ts, LIMIT_*), never in a pass, and none is near what a real message uses.
 */

/**
 * SignerInfos in one SignedData. RFC 5652 allows any number; S/MIME uses one per algorithm of one
 * signer (RFC 8551 3.5: e.g. RSA and ECDSA side by side), a domain signer two or three. 16 is far above
 * that and bounds the signature checks (and content digests) one layer can ask for.
 */
export const MAX_SIGNERS_PER_SIGNED_DATA = 16;

/** SignerInfos over all the layers of one message: 64 nested signed layers (issue 2) with four signers each. */
export const MAX_SIGNERS_PER_MESSAGE = 256;

/**
 * Distinct certificates carried by one message (every SignedData's CertificateSet, plus the caller's
 * extra certificates). A signer sends its chain, 2-4 certificates, per signed layer, and the same chain
 * again in each layer it signs (counted once); 128 distinct ones is far beyond a real message. Parsing
 * one costs 3.5-17 ms (three decoders, ./x509/certificate.ts), so this bounds the parsing a message can
 * ask for to about 0.5-2 s in the worst case; only those a signer or a path names are parsed at all.
 */
export const MAX_CERTIFICATES_PER_MESSAGE = 128;

/**
 * Issuer candidates tried (one certificate signature check each) while building one signer's path.
 * A real path needs one per link, cross-certification and key rollover a few more.
 */
export const MAX_PATH_BUILD_STEPS = 32;

/** Issuer candidates tried over all the signers of one message: shared, so that many signers cannot multiply the work. */
export const MAX_PATH_BUILD_STEPS_PER_MESSAGE = 256;
