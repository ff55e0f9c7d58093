/**
 * src/model/build.ts, the one builder from model trees to messages (property tests, robustness corpus,
 * Section 5 ordering cases): every layer kind and wrapping reads back with the tree's shape, the layers
 * it records are the bytes in the message, and a seed fixes the random values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModelMessage } from '../../src/model/build.js';
import { chainOf, nameLayers, shape, signer, type ModelMessage, type ModelNode } from '../../src/model/index.js';
import { contentInfoDer, layerChain, parseMessage, shapeOf } from '../../src/message/layers.js';
import { getHeaders, parseEntity } from '../../src/mime/index.js';
import { propertyEnv, type PropertyEnv } from '../property/env.js';
import { A, C, E, M, S, Sother } from '../property/trees.js';

let env: PropertyEnv;
beforeAll(async () => {
  env = await propertyEnv();
});

/** Every layer kind: MLA layer, multipart/signed, plain CMS nesting, both envelope kinds, an empty layer, a domain signature. */
const everyKind = (): ModelNode =>
  Sother(
    M(E(S(A(S(S(C(), { signers: [] }), { signers: [signer('localDomain')], signatureType: 'domainSig', cmsNested: true })), { signatureType: 'originatorSig' }), ['localDca', 'remoteUserEc'], { cmsNested: true })),
    { mlExpansionHistory: true },
  );

describe('buildModelMessage', () => {
  it('builds every layer kind, each wrapping and bare-LF line endings with the shape of the tree', () => {
    const cases: ModelMessage[] = [
      { wrapping: 'rfc5322', root: nameLayers(everyKind()) },
      { wrapping: 'rfc5322', lineEnding: 'lf', root: nameLayers(S(C('raw', 'raw bytes\n'))) },
      { wrapping: 'der', root: nameLayers(E(S(C()))) },
      { wrapping: 'pem', root: nameLayers(S(C())) },
    ];
    for (const m of cases) {
      const built = buildModelMessage(env, m);
      expect(shapeOf(parseMessage(built.message, { keys: env.allKeys })), `${m.wrapping} ${shape(m.root)}`).toBe(shape(m.root));
    }
  });

  it('records the bytes of every layer as they are in the message, and the header fields on the root only', () => {
    const m: ModelMessage = { wrapping: 'rfc5322', root: nameLayers(everyKind()) };
    const built = buildModelMessage(env, m);
    const nodes = chainOf(m.root);
    expect(built.layers.size).toBe(nodes.length);
    expect(built.layers.get(m.root)!.entity.equals(built.message)).toBe(true);
    expect(getHeaders(parseEntity(built.message), 'From')).toEqual([env.headers.find(([n]) => n === 'From')![1]]);
    const parsed = layerChain(parseMessage(built.message, { keys: env.allKeys }));
    nodes.forEach((n, k) => {
      const b = built.layers.get(n)!;
      const layer = parsed[k]!;
      // Signed layers: what the signatures cover is the next layer's bytes (its MIME entity, or its plain CMS when nested).
      if (layer.kind === 'signedData' || layer.kind === 'multipartSigned') expect(layer.content?.equals(b.signedContent!), n.name).toBe(true);
      // CMS layers: the ContentInfo recorded is the one in the message (plain CMS nesting re-wrapped in one, RFC 5652 5.2).
      if (layer.kind === 'signedData' || layer.kind === 'envelopedData' || layer.kind === 'authEnvelopedData') expect(contentInfoDer(layer).equals(b.der!), n.name).toBe(true);
    });
    expect(parsed.map((l) => l.kind)).toEqual(['signedData', 'multipartSigned', 'envelopedData', 'signedData', 'authEnvelopedData', 'signedData', 'signedData', 'content']);
  });

  it('draws its random values from the seed: the same seed gives the same bytes, another seed other envelopes', () => {
    const m: ModelMessage = { wrapping: 'rfc5322', root: nameLayers(E(S(C()))) };
    const a = buildModelMessage(env, m, { seed: 'one' }).message;
    expect(buildModelMessage(env, m, { seed: 'one' }).message.equals(a)).toBe(true);
    expect(buildModelMessage(env, m, { seed: 'two' }).message.equals(a)).toBe(false);
  });

  it('refuses a bare CMS message whose root is not CMS', () => {
    expect(() => buildModelMessage(env, { wrapping: 'der', root: nameLayers(M(C())) })).toThrow(/CMS root/);
  });
});
