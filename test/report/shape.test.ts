/**
 * Layer drawings: boxes nest inside each other, marking only the layers without a counterpart, with the
 * signers and recipients of each layer on lines inside its box. (Parsing the shape strings is tested in
 * test/message/shape.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { diffChains, layoutShape, parseShape, MAX_DRAWN_LAYERS, type LayerToken } from '../../src/report/shape.js';

const chain = (s: string): LayerToken[] => {
  const p = parseShape(s);
  if (!p.ok) throw new Error(p.error);
  return p.chain;
};

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

  it('prints each layer\'s lines inside its box, above the box it contains, cut to the box', () => {
    const line = (text: string, cls = 'line-plain') => ({ text, tooltip: `full: ${text}`, cls });
    const c = chain('E(S[domainSig](S[-](data)))');
    const lines = [[line('→ example.org DCA encryption (RSA) (opened)')], [line('✓ example.org domain signer (RSA) · domainSig', 'line-ok'), line(`✗ ${'x'.repeat(200)}`, 'line-bad')], [line('✓ alice@example.org', 'line-ok')], undefined];
    const d = layoutShape(c, undefined, lines, ['kept', undefined, undefined, undefined]);
    const plain = layoutShape(c);
    // One 15 px row per line, except that the EnvelopedData box has no detail line: its one line takes that row.
    expect(d.height).toBe(plain.height + 3 * 15);
    expect(d.width).toBe(plain.width);
    expect(d.boxes[0]!.tooltip).toBe('EnvelopedData. kept');
    expect(d.boxes.map((b) => b.lines.length)).toEqual([1, 2, 1, 0]);
    for (const [i, b] of d.boxes.entries()) {
      const inner = d.boxes[i + 1];
      const rows = [b.ty, ...(b.detail ? [b.dy] : []), ...b.lines.map((l) => l.y)];
      // Baselines go down the box in order, every one above the top of the box inside it.
      expect([...rows].sort((x, y) => x - y)).toEqual(rows);
      for (const y of rows) {
        expect(y).toBeGreaterThan(b.y);
        expect(y).toBeLessThan(inner ? inner.y : b.y + b.h);
      }
      for (const l of b.lines) {
        expect(l.x).toBe(b.tx);
        // Cut to the box at about 6.6 px a character, with 8 px of margin on each side.
        expect(l.text.length * 6.6).toBeLessThanOrEqual(b.w - 16);
      }
      if (inner) expect(inner.y + inner.h).toBeLessThan(b.y + b.h);
    }
    expect(d.boxes[1]!.lines[1]!.text.endsWith('…')).toBe(true);
    expect(d.boxes[1]!.lines[1]!.tooltip).toBe(`full: ✗ ${'x'.repeat(200)}`);
    expect(d.boxes[1]!.lines.map((l) => l.cls)).toEqual(['line-ok', 'line-bad']);
  });

  it(`draws at most ${MAX_DRAWN_LAYERS} boxes and says how many more there are`, () => {
    const d = layoutShape(chain(`${'S[-]('.repeat(64)}data${')'.repeat(64)}`));
    expect(d.boxes).toHaveLength(MAX_DRAWN_LAYERS);
    expect(d.boxes.at(-1)!.title).toBe(`… ${65 - (MAX_DRAWN_LAYERS - 1)} more layers`);
    expect(d.boxes.at(-1)!.h).toBeGreaterThan(0);
  });
});
