/**
 * The PKI-backed environment of the property tests: which test-PKI entry plays each party and recipient
 * of the model (src/model/tree.ts), the engine options that correspond to a model's options, and the
 * keys that open every envelope the tests can produce.
 */
import type { KeyObject } from 'node:crypto';
import type { TestPki } from '../../src/pki/index.js';
import type { RecipientKey } from '../../src/cms/recipient-info.js';
import type { ApplyOptions } from '../../src/domsec/apply.js';
import { SeededRng } from '../../src/crypto/rng.js';
import type { ModelOptions, Party, Recipient } from '../../src/model/index.js';
import type { ModelParties } from '../../src/model/build.js';
import { anchors, keyOf, testPki } from '../helpers/pki.js';
import { HEADERS, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';

export const PARTY_ENTRY: Record<Party, string> = {
  originator: 'example.test/user-alice',
  other: 'example.test/user-bob',
  localDomain: 'example.test/signer-rsa',
  localDomainEc: 'example.test/signer-ec',
  foreignDomain: 'example.test/bad-foreign',
};

/** The certificate an 'untrustedCert' signer uses: issued by a CA that is not a trust anchor. */
export const UNTRUSTED_ENTRY = 'example.test/bad-untrusted';

export const RECIPIENT_ENTRY: Record<Recipient, string> = {
  localDca: 'example.test/dca-rsa',
  remoteDca: 'example.org/dca-rsa',
  remoteUser: 'example.org/user-bob',
  remoteUserEc: 'example.org/user-carol-ec',
};

export interface Key {
  certDer: Buffer;
  key: KeyObject;
}

/** The parties of the model as the test PKI's example.test entries (what src/model/build.ts builds with). */
export interface PropertyEnv extends ModelParties {
  pki: TestPki;
  key(entry: string): Key;
  party(p: Party): Key;
  recipient(r: Recipient): Key;
  /** Keys of every recipient: what a test uses to open every layer of an output. */
  allKeys: RecipientKey[];
  trustAnchors: Buffer[];
  headers: Array<[string, string]>;
  signingTime: Date;
  validationTime: Date;
}

let cached: Promise<PropertyEnv> | undefined;

export function propertyEnv(): Promise<PropertyEnv> {
  cached ??= testPki().then((pki) => {
    const keys = new Map<string, Key>();
    const key = (entry: string): Key => {
      let k = keys.get(entry);
      if (!k) keys.set(entry, (k = keyOf(pki, entry)));
      return k;
    };
    return {
      pki,
      key,
      party: (p) => key(PARTY_ENTRY[p]),
      recipient: (r) => key(RECIPIENT_ENTRY[r]),
      untrusted: () => key(UNTRUSTED_ENTRY),
      allKeys: (Object.keys(RECIPIENT_ENTRY) as Recipient[]).map((r) => key(RECIPIENT_ENTRY[r])),
      trustAnchors: anchors(pki),
      headers: HEADERS,
      signingTime: SIGNING_TIME,
      validationTime: VALIDATION_TIME,
    };
  });
  return cached;
}

/** The engine's options for the model's options (the local DCA is example.test's; its key opens envelopes). */
export function engineOptions(env: PropertyEnv, o: ModelOptions, seed = 'apply'): ApplyOptions {
  return {
    signers: o.domainSigners.map((p) => env.party(p)),
    policy: { encryptOutbound: o.encryptOutbound },
    dca: env.recipient('localDca'),
    encryptFor: o.encryptFor.map((r) => ({ certDer: env.recipient(r).certDer })),
    cipher: o.reencryptAs === 'A' ? 'aes-128-gcm' : 'aes-256-cbc',
    trustAnchors: env.trustAnchors,
    validationTime: env.validationTime,
    signingTime: env.signingTime,
    originatorAuthenticated: o.originatorAuthenticated,
    rng: new SeededRng(`domsec-property:${seed}`),
  };
}
