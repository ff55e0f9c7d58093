/**
 * Layer shapes: the strings the harness records parse back into chains (every shape in the sample run),
 * malformed ones are refused with a reason instead of being drawn wrongly, and the drawing nests boxes
 * inside each other, marking only the layers without a counterpart.
 */
import { describe, expect, it } from 'vitest';
import { diffChains, layoutShape, parseShape, MAX_DRAWN_LAYERS, type LayerToken } from '../../src/report/shape.js';
import { sample } from './fixture.js';

const chain = (s: string): LayerToken[] => {
  const p = parseShape(s);
  if (!p.ok) throw new Error(p.error);
  return p.chain;
};

/** Back to the harness's notation, to prove the parse loses nothing. */
function unparse(c: LayerToken[]): string {
  const [t, ...rest] = c;
  if (!t) return '';
  switch (t.kind) {
    case 'S':
    case 'M':
      return `${t.kind}[${t.labels.join(',')}](${unparse(rest)})`;
    case 'E':
    case 'A':
      return `${t.kind}(${unparse(rest)})`;
    case 'data':
      return 'data';
    case 'unopened':
      return '?';
    case 'detached':
      return 'detached';
  }
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

describe('diffChains', () => {
  it('marks only the missing outer domain signature, not the layers below it', () => {
    const [exp, act] = diffChains(chain('S[domainSig](S[-](S[-](data)))'), chain('S[-](S[-](data))'));
    expect(exp).toEqual([true, false, false, false]);
    expect(act).toEqual([false, false, false]);
  });
  it('treats EnvelopedData and AuthEnvelopedData alike, as grading does', () => {
    const [a, b] = diffChains(chain('E(S[domainSig](data))'), chain('A(S[domainSig](data))'));
    expect([...a, ...b].some(Boolean)).toBe(false);
  });
  it('marks a wrong signature type on both sides', () => {
    const [a, b] = diffChains(chain('S[domainSig](data)'), chain('S[originatorSig](data)'));
    expect(a).toEqual([true, false]);
    expect(b).toEqual([true, false]);
  });
});

describe('layoutShape', () => {
  it('nests every box inside the one around it, within the drawing', () => {
    const d = layoutShape(chain('S[domainSig](E(S[-](data)))'));
    expect(d.boxes.map((b) => b.title)).toEqual(['SignedData', 'EnvelopedData', 'SignedData', 'content']);
    expect(d.boxes[0]!.detail).toBe('domain signature');
    expect(d.boxes[2]!.detail).toBe('signer without SignatureType');
    for (const [i, b] of d.boxes.entries()) {
      expect(b.x + b.w).toBeLessThanOrEqual(d.width);
      expect(b.y + b.h).toBeLessThanOrEqual(d.height);
      const outer = d.boxes[i - 1];
      if (outer) {
        expect(b.x).toBeGreaterThan(outer.x);
        expect(b.y).toBeGreaterThan(outer.y);
        expect(b.x + b.w).toBeLessThan(outer.x + outer.w);
        expect(b.y + b.h).toBeLessThan(outer.y + outer.h);
        expect(b.y).toBeGreaterThan(outer.ty); // below the outer box's label
      }
    }
  });

  it('classes layers by kind and marks differing ones', () => {
    const d = layoutShape(chain('S[domainSig](A(?))'), [true, false, false]);
    expect(d.boxes.map((b) => b.cls)).toEqual(['layer-signed diff', 'layer-enveloped layer-auth', 'layer-opaque']);
  });

  it(`draws at most ${MAX_DRAWN_LAYERS} boxes and says how many more there are`, () => {
    const d = layoutShape(chain(`${'S[-]('.repeat(64)}data${')'.repeat(64)}`));
    expect(d.boxes).toHaveLength(MAX_DRAWN_LAYERS);
    expect(d.boxes.at(-1)!.title).toBe(`… ${65 - (MAX_DRAWN_LAYERS - 1)} more layers`);
    expect(d.boxes.at(-1)!.h).toBeGreaterThan(0);
  });
});
