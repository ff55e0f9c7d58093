/**
 * The shape notation read back (src/message/shape.ts): the strings the harness records parse back into
 * chains (every shape in the sample run), and malformed ones are refused with a reason instead of being
 * read wrongly.
 */
import { describe, expect, it } from 'vitest';
import { parseShape, tokenLabel, type LayerToken } from '../../src/message/shape.js';
import { sample } from '../report/fixture.js';

const chain = (s: string): LayerToken[] => {
  const p = parseShape(s);
  if (!p.ok) throw new Error(p.error);
  return p.chain;
};

/** Back to the harness's notation, to prove the parse loses nothing: each token's label, the rest of the chain inside it. */
function unparse(c: LayerToken[]): string {
  const [t, ...rest] = c;
  if (!t) return '';
  return rest.length ? `${tokenLabel(t)}(${unparse(rest)})` : tokenLabel(t);
}

describe('parseShape', () => {
  it('parses every shape of the sample run and prints it back unchanged', () => {
    const shapes = sample().cases.flatMap((c) => [c.evidence.sent?.shape, c.evidence.expectedShape, c.evidence.foundShape, ...(c.evidence.received ?? []).map((m) => m.shape)]).filter((s): s is string => !!s);
    expect(shapes.length).toBeGreaterThan(40);
    for (const s of new Set(shapes)) expect(unparse(chain(s)), s).toBe(s);
  });

  it('reads signature types, empty layers, mlExpansionHistory, unopened envelopes and detached content', () => {
    expect(chain('S[domainSig](E(S[-](data)))')).toEqual([{ kind: 'S', labels: ['domainSig'] }, { kind: 'E' }, { kind: 'S', labels: ['-'] }, { kind: 'data' }]);
    expect(chain('S[domainSig,ml](S[empty](data))')[0]).toEqual({ kind: 'S', labels: ['domainSig', 'ml'] });
    expect(chain('A(?)')).toEqual([{ kind: 'A' }, { kind: 'unopened' }]);
    expect(chain('M[originatorSig](detached)')).toEqual([{ kind: 'M', labels: ['originatorSig'] }, { kind: 'detached' }]);
    expect(chain('S[1.2.3.4](data)')[0]).toEqual({ kind: 'S', labels: ['1.2.3.4'] });
  });

  it('refuses what is not a shape, saying why', () => {
    for (const bad of ['', 'S[domainSig](data', 'S[domainSig](data))', 'X(data)', 'S[domainSig]data', 'E(data', 'data trailing', 'S[unclosed(data)', '<script>']) {
      const p = parseShape(bad);
      expect(p.ok, bad).toBe(false);
      if (!p.ok) expect(p.error).toMatch(/not a layer shape/);
    }
    const u = parseShape('(unparseable)');
    expect(u.ok).toBe(false);
    if (!u.ok) expect(u.error).toMatch(/could not parse/);
  });

  it('parses 64 layers and refuses absurd depth', () => {
    const deep = `${'S[-]('.repeat(64)}data${')'.repeat(64)}`;
    expect(chain(deep)).toHaveLength(65);
    expect(parseShape(`${'E('.repeat(1000)}data${')'.repeat(1000)}`).ok).toBe(false);
  });
});

describe('tokenLabel', () => {
  it('gives each layer as the shapes write it, without what is inside', () => {
    expect(chain('S[domainSig,ml](E(M[-](A(?))))').map(tokenLabel)).toEqual(['S[domainSig,ml]', 'E', 'M[-]', 'A', '?']);
    expect(chain('S[empty](data)').map(tokenLabel)).toEqual(['S[empty]', 'data']);
    expect(chain('M[originatorSig](detached)').map(tokenLabel)).toEqual(['M[originatorSig]', 'detached']);
  });
});

describe('the labels of S[...] follow one grammar (issue 14: every SignatureType instance and value)', () => {
  it('reads labels with several instances (;) and several values (+), and lists the values', async () => {
    const { labelSignatureTypes } = await import('../../src/message/shape.js');
    const t = chain('S[domainSig;domainSig+reviewSig](S[-](data))')[0]!;
    expect(t).toEqual({ kind: 'S', labels: ['domainSig;domainSig+reviewSig'] });
    expect(labelSignatureTypes('labels' in t ? t.labels : [])).toEqual(['domainSig', 'reviewSig']);
    expect(chain('S[domainSig,domainSig+reviewSig,ml](data)')[0]).toEqual({ kind: 'S', labels: ['domainSig', 'domainSig+reviewSig', 'ml'] });
    expect(chain('S[none;malformed;1.2.3](data)')[0]).toEqual({ kind: 'S', labels: ['none;malformed;1.2.3'] });
  });

  it('refuses labels outside the grammar', () => {
    for (const bad of ['S[](data)', 'S[domainSig,](data)', 'S[ml](data)', 'S[domainSig;](data)', 'S[domainSig++reviewSig](data)', 'S[empty,ml](data)', 'S[DomainSig](data)', 'S[-;domainSig](data)']) {
      const p = parseShape(bad);
      expect(p.ok, bad).toBe(false);
    }
  });

  it('the writer shows every SignatureType attribute instance and every value of a SignerInfo', async () => {
    const O = await import('../../src/asn1/oids.js');
    const { signatureTypeAttribute } = await import('../../src/domsec/signature-type.js');
    const { buildSignedData, parseSignedData } = await import('../../src/cms/signed-data.js');
    const { signedLabel } = await import('../../src/message/shape.js');
    const { loadTestPki } = await import('../../src/pki/index.js');
    const { loadPrivateKey } = await import('../../src/x509/keys.js');
    const pki = await loadTestPki(new URL('../../vectors/keys/', import.meta.url).pathname);
    const e = pki.entries['example.test/signer-rsa']!;
    const k = { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
    const label = (signers: Array<{ signedAttributes?: Buffer[]; mutateSignedAttributes?: (a: Buffer[]) => Buffer[] }>) =>
      signedLabel(parseSignedData(buildSignedData({ eContentType: O.id_data, eContent: Buffer.from('x'), signers: signers.map((s) => ({ ...k, ...s })), signingTime: null })));
    const dom = signatureTypeAttribute([O.id_sti_domainSig]);
    const both = signatureTypeAttribute([O.id_sti_domainSig, O.id_sti_reviewSig]);
    expect(label([{ signedAttributes: [dom] }])).toBe('domainSig'); // one instance, one value: as before
    expect(label([{ signedAttributes: [dom] }, { signedAttributes: [dom] }])).toBe('domainSig'); // identical SignerInfos once
    expect(label([{ signedAttributes: [dom, both] }])).toBe('domainSig;domainSig+reviewSig');
    expect(label([{ signedAttributes: [dom] }, { signedAttributes: [both] }])).toBe('domainSig,domainSig+reviewSig');
    expect(label([{}, { signedAttributes: [signatureTypeAttribute(['1.2.3.4'])] }])).toBe('-,1.2.3.4');
    expect(label([{ signedAttributes: [signatureTypeAttribute([])] }])).toBe('none');
    for (const l of ['domainSig;domainSig+reviewSig', '-,1.2.3.4', 'none']) expect(parseShape(`S[${l}](data)`).ok, l).toBe(true);
  });
});
