/**
 * The engine's public API (issue 17), the package's main export `domsec-suite`: parse and inspect a
 * message's layers, verify its signatures and the DOMSEC rules (draft 2.3, 2.4, 3), apply a domain
 * signature by the rules of draft Section 5, encrypt and decrypt a layer (draft 4 cases a-d), and the
 * test PKI the suite signs with. Re-exports only: the code lives in its layer.
 *
 * @peculiar/x509 needs the Reflect metadata polyfill before any of its modules load, hence the first import.
 */
import 'reflect-metadata';

export { parseMessage, shapeOf, layerChain, contentInfoDer, type Layer, type LayerKind, type SignedLayer, type EnvelopeLayer, type ContentLayer, type ParseMessageOptions } from './message/layers.js';
export { describeMessage, formatDescription, type MessageDescription, type LayerDescription, type SignerDescription } from './message/inspect.js';
export { verifyMessage, verifyLayers, authenticationResults, type VerifyOptions, type VerificationReport, type LayerReport, type SignerReport, type Verdict } from './domsec/verify.js';
export { REASONS, reasonOutcome, type ReasonCode, type ReasonEntry, type ReasonOutcome } from './domsec/reasons.js';
export type { NamingRole } from './domsec/naming.js';
export { applyDomainSignature, type ApplyOptions, type ApplyResult, type DomainPolicy, type Section5Branch } from './domsec/apply.js';
export { signedLayer, envelopeLayer, type SignLayerOptions, type EnvelopeLayerOptions, type EnvelopeCipher, type DomainSignerKey } from './message/build.js';
export { encryptMessage } from './cli/commands/encrypt.js';
export { decryptMessage } from './cli/commands/decrypt.js';
export { generateTestPki, loadTestPki, writeTestPki, type TestPki, type PkiEntry, type GenerateTestPkiOptions } from './pki/index.js';
export { loadPrivateKey } from './x509/keys.js';
export { DomsecError, isDomsecError, type DomsecErrorCode } from './errors.js';
