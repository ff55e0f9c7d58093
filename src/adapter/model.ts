/**
 * The client contract of the command adapter (issue 5): a client-level implementation (an S/MIME library
 * or a mail client's engine) is driven through its command line instead of SMTP. A case says which
 * command it runs (encrypt for transmission, decrypt for reception), what the suite writes for it, and
 * what a conforming client must give back; grading (src/adapter/grade.ts) is a pure function of those.
 *
 * Draft 4 (N3): "A client implementation that conforms to this standard MUST support case (b) for
 * transmission, case (c) for reception and case (a) for transmission and reception."
 */
import type { CaseDecl } from '../harness/model.js';
import type { ClientCaseContext } from './context.js';

/** The two commands of an adapter file: transmission encrypts, reception decrypts. */
export type ClientStep = 'encrypt' | 'decrypt';
export const CLIENT_STEPS: readonly ClientStep[] = ['encrypt', 'decrypt'];

/**
 * Optional features an adapter file declares (suites/adapter.schema.json); cases that need an undeclared
 * one are SKIPPED with the reason. RSAES-PKCS1-v1_5 key transport and AES-CBC EnvelopedData are not
 * optional: they are what deployed S/MIME uses (RFC 8551 2.7), and every case falls back to them.
 */
export type ClientFeature = 'ecdh-key-agreement' | 'rsa-oaep-key-transport' | 'auth-enveloped-data';
export const CLIENT_FEATURES: readonly ClientFeature[] = ['ecdh-key-agreement', 'rsa-oaep-key-transport', 'auth-enveloped-data'];

/** What the suite writes before running the command. Certificates and keys are named by their test PKI entry. */
export type ClientInput =
  /** Transmission: the message to encrypt, and the certificate to encrypt it for (the end recipient's, case a, or the recipient's DCA's, case b). */
  | { step: 'encrypt'; message: Buffer; from: string; to: string; recipient: string }
  /** Reception: the encrypted message, the user's certificate and private key, and the entity the sender encrypted (what decryption must give back). */
  | { step: 'decrypt'; message: Buffer; from: string; to: string; user: string; plaintext: Buffer };

export type ClientExpectation =
  /** The output is envelopedData or authEnvelopedData with a RecipientInfo for the given certificate, whose key opens it to the input's content. */
  | { kind: 'encrypted-for'; encryptionCase: 'a' | 'b' }
  /** The output is the entity the sender encrypted, in this shape; `domainSignature`: the domain signature inside (case c) survives and verifies. */
  | { kind: 'decrypted'; encryptionCase: 'a' | 'c'; innerShape: string; domainSignature?: boolean }
  /** The command must fail (exit status not 0) and write nothing: the message is not for this user, or it was altered. */
  | { kind: 'refused' };

export interface ClientCaseDecl extends Pick<CaseDecl, 'id' | 'suite' | 'title' | 'requirements' | 'strength'> {
  role: 'client';
  step: ClientStep;
  /** Optional features the adapter file must declare, else SKIP. */
  features?: ClientFeature[];
  prepare(ctx: ClientCaseContext): ClientInput;
  expect: ClientExpectation;
}
