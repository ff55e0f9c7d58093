/**
 * Seeds for the robustness fuzzing: well-formed messages of every kind the engine reads (the mutators
 * break them), built with the engine from model trees, the outputs of a domain signature, and a few
 * files from the fixture folders. Built once per process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyDomainSignature } from '../../src/domsec/apply.js';
import { nameLayers, signer, type ModelMessage, type ModelNode, type Recipient } from '../../src/model/index.js';
import { C, E as Etree, M, S } from '../property/trees.js';
import { buildModelMessage } from '../../src/model/build.js';
import { engineOptions, type PropertyEnv } from '../property/env.js';

export interface Seed {
  name: string;
  bytes: Buffer;
}

const E = (inner: ModelNode, kind: 'E' | 'A' = 'E', recipients: Recipient[] = ['localDca', 'remoteUser', 'remoteUserEc'], cmsNested = false): ModelNode =>
  Etree(inner, recipients, { kind, cmsNested });

const TREES: Array<[string, ModelMessage['wrapping'], () => ModelNode]> = [
  ['unsigned', 'rfc5322', () => C()],
  ['S(C)', 'rfc5322', () => S(C())],
  ['S(C) der', 'der', () => S(C('raw', 'This is some sample content.'))],
  ['S(C) pem', 'pem', () => S(C())],
  ['M(C)', 'rfc5322', () => M(C())],
  ['E(S(C))', 'rfc5322', () => E(S(C()))],
  ['A(S(C))', 'rfc5322', () => E(S(C()), 'A')],
  ['S_ml(E(S(C)))', 'rfc5322', () => S(E(S(C())), { signers: [signer('other')], mlExpansionHistory: true })],
  ['S(E(S(E(M(C)))))', 'rfc5322', () => S(E(S(E(M(C()))), 'E', ['localDca'], true), { signers: [signer('other'), signer('originator')], cmsNested: true })],
  ['S_dom(S_empty(C))', 'rfc5322', () => S(S(C(), { signers: [] }), { signers: [signer('localDomain'), signer('localDomainEc')], signatureType: 'domainSig' })],
  ['M(M(S(C)))', 'rfc5322', () => M(M(S(C())))],
];

const FIXTURE_DIRS = ['../fixtures/mime/', '../fixtures/messages/', '../fixtures/interop/examples-cms/binary-files/'];

let cached: Seed[] | undefined;

export function corpus(env: PropertyEnv): Seed[] {
  if (cached) return cached;
  const seeds: Seed[] = [];
  for (const [name, wrapping, tree] of TREES) {
    const message: ModelMessage = { wrapping, root: nameLayers(tree()) };
    const built = buildModelMessage(env, message).message;
    seeds.push({ name, bytes: built });
    if (wrapping !== 'rfc5322') continue;
    // The same after a domain signature, with and without encryption (the outputs are inputs elsewhere).
    for (const encryptOutbound of [false, true]) {
      try {
        const out = applyDomainSignature(built, engineOptions(env, { encryptOutbound, reencryptAs: 'E', encryptFor: ['localDca', 'remoteDca'], originatorAuthenticated: true, domainSigners: ['localDomain'] }, 'corpus'));
        seeds.push({ name: `${name} -> ${out.outputShape}`, bytes: out.message });
      } catch {
        /* not every seed can be domain-signed (e.g. unsigned without From:); the input alone is a seed */
      }
    }
  }
  for (const dir of FIXTURE_DIRS) {
    const path = fileURLToPath(new URL(dir, import.meta.url));
    let files: string[];
    try {
      files = readdirSync(path).filter((f) => /\.(eml|p7m|bin)$/.test(f)).sort();
    } catch {
      continue; // a fixture folder another part of the project may move; the built seeds suffice
    }
    for (const f of files) seeds.push({ name: `${dir.split('/').slice(-2, -1)[0]}/${f}`, bytes: readFileSync(path + f) });
  }
  cached = seeds;
  return seeds;
}
