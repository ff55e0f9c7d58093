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
