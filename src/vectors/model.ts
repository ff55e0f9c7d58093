/**
 * What a golden vector is: declared as data by the area files in src/vectors/cases/, made into files and
 * a manifest entry by src/vectors/generate.ts. The manifest format is documented by vectors/schema.json.
 */
import type { ReasonCode } from '../domsec/reasons.js';
import type { Verdict } from '../domsec/verify.js';
import type { DomsecErrorCode } from '../errors.js';
import type { Flag } from './flags.js';
import type { VectorContext } from './context.js';

export type VectorKind = 'verify' | 'sign' | 'decrypt';
export type VectorResult = 'valid' | 'invalid' | 'acceptable';

export interface VerifyExpectation {
  verdict: Verdict;
  /** Every reason code the reference engine reports for the message (info ones included). */
  reasons: ReasonCode[];
  shape: string;
  domainSignatures: number;
  originatorIdentifiedBy: 'originatorSignature' | 'domainSignature' | 'none';
  /**
   * Result `acceptable` only (Wycheproof): the other verdicts a conforming receiver may give, where the
   * draft leaves latitude; the vector's flags say which latitude. `verdict` stays the reference engine's.
   */
  acceptable?: Verdict[];
}

export interface SignExpectation {
  /** Output layer shapes under each local policy, or the refusal under draft 3.2. */
  outputShape?: { noEncrypt: string; encrypt: string };
  error?: DomsecErrorCode;
  /** Names of the input layers the rules keep byte for byte (Section 5); the generator adds their digests. */
  keptLayers?: string[];
}

export interface DecryptExpectation {
  /** Shape of what the decrypting party finds inside. */
  innerShape?: string;
  /** Negative vectors: the reason the envelope does not open. */
  error?: DomsecErrorCode;
}

export interface SignParams {
  signers: string[];
  localDca?: string;
  encryptFor: string[];
  originatorAuthenticated: boolean;
}

export interface VerifyParams {
  namingRole?: 'msa' | 'mta' | 'any';
  /** PKI entries whose certificates the verifier has without the message carrying them (intermediates, omitted signers). */
  extraCertificates?: string[];
}

export interface Built {
  /** The input message (RFC 5322). */
  message: Buffer;
  /** Decrypt vectors: the plaintext entity the decrypting party must recover. */
  plaintext?: Buffer;
  /** Sign vectors: the entities of the layers named by expectSign.keptLayers. */
  kept?: Record<string, Buffer>;
}

export interface VectorDecl {
  id: string;
  kind: VectorKind;
  description: string;
  sections: string[];
  notes: string[];
  requirements: string[];
  flags: Flag[];
  result: VectorResult;
  /** Store the input gzip-compressed (a multi-megabyte message of repetitive content): `<name>.eml.gz`, no .der. */
  compact?: true;
  /** PKI entry names whose private keys the consumer needs (to open envelopes, or to sign). */
  keys: string[];
  sign?: SignParams;
  verify?: VerifyParams;
  expectVerify?: VerifyExpectation;
  expectSign?: SignExpectation;
  expectDecrypt?: DecryptExpectation;
  build(ctx: VectorContext): Built;
}
