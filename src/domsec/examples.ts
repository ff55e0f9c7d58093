/**
 * The seven worked examples of draft Section 5.1, as data: how to build each input message, and the
 * output shape the draft prescribes under both local policies (encrypt before leaving the domain, or
 * not). The expected shapes are transcribed from the draft text (with N4, N7, N15 where the text is
 * silent or garbled); they are not computed by the engine, so tests that compare against them test it.
 *
 * Shape notation (src/message/layers.ts): S[-] a signature without SignatureType, S[-,ml] one carrying
 * mlExpansionHistory, S[domainSig] the domain signature, E(...) envelopedData, data the content.
 */
import type { KeyObject } from 'node:crypto';
import { certRef, issuerAndSerialNumber } from '../cms/cert-ref.js';
import type { RecipientInput } from '../cms/recipient-info.js';
import { envelopeLayer, signedLayer } from '../message/build.js';
import { mlExpansionHistoryAttribute } from './ml-expansion-history.js';
import type { Rng } from '../crypto/rng.js';

/** Input layers, outside in. */
export type ExampleLayer = { kind: 'S'; name: string; ml?: boolean } | { kind: 'E'; name: string };

export interface Section5Example {
  id: string;
  number: number;
  title: string;
  layers: ExampleLayer[];
  inputShape: string;
  expected: { encrypt: string; noEncrypt: string };
  /** Names of input layers that the output keeps byte for byte (their MIME entity appears unchanged). */
  kept: string[];
  /** The Section 5 rules (suites/requirements.json ids) the example exercises, besides its own EXAMPLE id. */
  rules: string[];
  /** The notes (NOTES.md) the expected shapes rest on. */
  notes: string[];
}

export const SECTION5_EXAMPLES: readonly Section5Example[] = [
  {
    id: 'domsec::section5::example-1', number: 1, title: 'S1(C): one originator signature, no mlExpansionHistory',
    layers: [{ kind: 'S', name: 'S1' }],
    inputShape: 'S[-](data)',
    expected: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' },
    kept: ['S1'],
    rules: ['DOMSEC-5-NO-ML-NO-ENVELOPED'], notes: ['N4', 'N15'],
  },
  {
    id: 'domsec::section5::example-2', number: 2, title: 'S3(S2(S1(C))): three signatures, no mlExpansionHistory',
    layers: [{ kind: 'S', name: 'S3' }, { kind: 'S', name: 'S2' }, { kind: 'S', name: 'S1' }],
    inputShape: 'S[-](S[-](S[-](data)))',
    expected: { noEncrypt: 'S[domainSig](S[-](S[-](S[-](data))))', encrypt: 'E(S[domainSig](S[-](S[-](S[-](data)))))' },
    kept: ['S3', 'S2', 'S1'],
    rules: ['DOMSEC-5-NO-ML-NO-ENVELOPED'], notes: ['N4', 'N15'],
  },
  {
    id: 'domsec::section5::example-3', number: 3, title: 'E1(S1(C)): encrypted for the local DCA',
    layers: [{ kind: 'E', name: 'E1' }, { kind: 'S', name: 'S1' }],
    inputShape: 'E(S[-](data))',
    expected: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' },
    kept: ['S1'],
    rules: ['DOMSEC-5-DECRYPT-LOCAL-DCA', 'DOMSEC-5-ENCAPSULATE-DOMAIN-SIGNATURE', 'DOMSEC-5-POLICY-ENCRYPT'], notes: ['N8'],
  },
  {
    id: 'domsec::section5::example-4', number: 4, title: 'S2(E1(S1(C))) with mlExpansionHistory in S2',
    layers: [{ kind: 'S', name: 'S2', ml: true }, { kind: 'E', name: 'E1' }, { kind: 'S', name: 'S1' }],
    inputShape: 'S[-,ml](E(S[-](data)))',
    expected: { noEncrypt: 'S[-,ml](S[domainSig](S[-](data)))', encrypt: 'S[-,ml](E(S[domainSig](S[-](data))))' },
    kept: ['S1'],
    rules: ['DOMSEC-5-ML-STRIP-REMEMBER', 'DOMSEC-5-DECRYPT-LOCAL-DCA', 'DOMSEC-5-READD-ML-ATTRIBUTES', 'DOMSEC-5-POLICY-ENCRYPT'], notes: ['N5', 'N6'],
  },
  {
    id: 'domsec::section5::example-5', number: 5, title: 'S3(S2(E1(S1(C)))): no mlExpansionHistory',
    layers: [{ kind: 'S', name: 'S3' }, { kind: 'S', name: 'S2' }, { kind: 'E', name: 'E1' }, { kind: 'S', name: 'S1' }],
    inputShape: 'S[-](S[-](E(S[-](data))))',
    expected: { noEncrypt: 'S[domainSig](S[-](data))', encrypt: 'E(S[domainSig](S[-](data)))' },
    kept: ['S1'],
    rules: ['DOMSEC-5-STRIP-TO-ENVELOPED', 'DOMSEC-5-DECRYPT-LOCAL-DCA', 'DOMSEC-5-POLICY-ENCRYPT'], notes: ['N8'],
  },
  {
    id: 'domsec::section5::example-6', number: 6, title: 'S3(S2(E1(S1(C)))) with mlExpansionHistory in S3',
    layers: [{ kind: 'S', name: 'S3', ml: true }, { kind: 'S', name: 'S2' }, { kind: 'E', name: 'E1' }, { kind: 'S', name: 'S1' }],
    inputShape: 'S[-,ml](S[-](E(S[-](data))))',
    expected: { noEncrypt: 'S[-,ml](S[domainSig](S[-](data)))', encrypt: 'S[-,ml](E(S[domainSig](S[-](data))))' },
    kept: ['S1'],
    rules: ['DOMSEC-5-ML-STRIP-REMEMBER', 'DOMSEC-5-STRIP-TO-ENVELOPED', 'DOMSEC-5-READD-ML-ATTRIBUTES', 'DOMSEC-5-POLICY-ENCRYPT'], notes: ['N5', 'N6'],
  },
  {
    id: 'domsec::section5::example-7', number: 7, title: 'S3(E2(S2(E1(S1(C))))): E1 lies lower, so E3 is mandatory (N7)',
    layers: [{ kind: 'S', name: 'S3' }, { kind: 'E', name: 'E2' }, { kind: 'S', name: 'S2' }, { kind: 'E', name: 'E1' }, { kind: 'S', name: 'S1' }],
    inputShape: 'S[-](E(S[-](E(S[-](data)))))',
    expected: { noEncrypt: 'E(S[domainSig](S[-](E(S[-](data)))))', encrypt: 'E(S[domainSig](S[-](E(S[-](data)))))' },
    kept: ['S2', 'E1', 'S1'],
    rules: ['DOMSEC-5-STRIP-TO-ENVELOPED', 'DOMSEC-5-DECRYPT-LOCAL-DCA', 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED'], notes: ['N7'],
  },
];

export interface ExampleParties {
  /** The originator (signs S1): its certificate must name the From: address. */
  originator: { certDer: Buffer; key: KeyObject };
  /** Whoever signs the other inner layers (a reviewer, an MLA): any valid signer. */
  other: { certDer: Buffer; key: KeyObject };
  /** Recipients of the inner envelopedData layers: must include the local DCA (N7). */
  innerRecipients: RecipientInput[];
  /** RFC 5322 header fields of the message. */
  headers: Array<[string, string]>;
  content: Buffer;
  signingTime: Date;
  rng?: Rng;
}

export interface BuiltExample {
  message: Buffer;
  /** The exact MIME entity bytes of each named layer, as built. */
  entities: Record<string, Buffer>;
}

/** Build the input message of an example, inside out. */
export function buildExampleInput(ex: Section5Example, p: ExampleParties): BuiltExample {
  const entities: Record<string, Buffer> = {};
  let inner = p.content;
  const layers = [...ex.layers].reverse();
  layers.forEach((l, k) => {
    const outermost = k === layers.length - 1;
    const headers = outermost ? { headers: p.headers } : {};
    if (l.kind === 'S') {
      const signer = l.name === 'S1' ? p.originator : p.other;
      const signedAttributes = l.ml
        ? [mlExpansionHistoryAttribute([{ issuerAndSerialNumber: issuerAndSerialNumber(certRef(p.other.certDer)), expansionTime: p.signingTime }])]
        : [];
      inner = signedLayer(inner, { signers: [{ certDer: signer.certDer, key: signer.key, signedAttributes }], signingTime: p.signingTime, ...headers });
    } else {
      inner = envelopeLayer(inner, { recipients: p.innerRecipients, ...(p.rng ? { rng: p.rng } : {}), ...headers });
    }
    entities[l.name] = inner;
  });
  return { message: inner, entities };
}
