/**
 * Layer shapes as the harness records them (src/message/layers.ts shapeOf), parsed back into a chain of
 * layers (src/message/shape.ts) and laid out as nested boxes for the report's SVG drawing. Pure
 * functions: the template only copies the numbers and labels computed here.
 *
 *   S[labels](inner)   signedData; labels: SignatureType short names, `-` (a signer without one),
 *                      `empty` (no signers), `ml` (a signer carries mlExpansionHistory)
 *   M[labels](inner)   multipart/signed; inner may be `detached`
 *   E(inner) A(inner)  envelopedData / authEnvelopedData; inner `?` when it was not opened
 *   data               the original content
 */

import type { LayerToken } from '../message/shape.js';

// The notation's reader lives beside its writer (src/message); re-exported for the report's users.
export { parseShape, tokenLabel, type LayerToken, type ParsedShape } from '../message/shape.js';

const SIGNATURE_TYPES: Record<string, string> = {
  domainSig: 'domain signature',
  originatorSig: 'originator signature',
  addAttribSig: 'additional attributes signature',
  reviewSig: 'review signature',
  '-': 'signer without SignatureType',
  empty: 'no signers (empty layer)',
  ml: 'mlExpansionHistory',
};

/** What a layer is, in words: a title and a detail line (signature types). */
export function describeLayer(t: LayerToken): { title: string; detail: string } {
  switch (t.kind) {
    case 'S':
    case 'M':
      return { title: t.kind === 'S' ? 'SignedData' : 'multipart/signed', detail: t.labels.map((l) => SIGNATURE_TYPES[l] ?? l).join(', ') };
    case 'E':
      return { title: 'EnvelopedData', detail: '' };
    case 'A':
      return { title: 'AuthEnvelopedData', detail: '' };
    case 'data':
      return { title: 'content', detail: '' };
    case 'unopened':
      return { title: 'not opened', detail: 'no key to decrypt it' };
    case 'detached':
      return { title: 'detached', detail: 'content not in this layer' };
  }
}

/** E and A compare equal, as in grading (a gateway may choose AuthEnvelopedData). */
function layerKey(t: LayerToken): string {
  return (t.kind === 'A' ? 'E' : t.kind) + ('labels' in t ? `[${t.labels.join(',')}]` : '');
}

/**
 * Which layers of two chains have no counterpart in the other: the layers outside a longest common
 * subsequence. A missing outer domain signature marks just that layer, not everything below it.
 */
export function diffChains(a: readonly LayerToken[], b: readonly LayerToken[]): [boolean[], boolean[]] {
  const ka = a.map(layerKey);
  const kb = b.map(layerKey);
  const L: number[][] = Array.from({ length: ka.length + 1 }, () => new Array<number>(kb.length + 1).fill(0));
  for (let i = ka.length - 1; i >= 0; i--) for (let j = kb.length - 1; j >= 0; j--) L[i]![j] = ka[i] === kb[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const da = ka.map(() => true);
  const db = kb.map(() => true);
  for (let i = 0, j = 0; i < ka.length && j < kb.length; ) {
    if (ka[i] === kb[j]) {
      da[i++] = false;
      db[j++] = false;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) i++;
    else j++;
  }
  return [da, db];
}

/** A line of text about a layer (a signer, a recipient) for its box, chosen by the view model. */
export interface BoxLine {
  text: string;
  /** The full text, for the line's <title> tooltip (the drawn text may be cut to the box). */
  tooltip: string;
  /** One of the fixed classes line-ok, line-bad, line-warn, line-plain. */
  cls: string;
}

export interface ShapeLine extends BoxLine {
  x: number;
  y: number;
}

export interface ShapeBox {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Label position. */
  tx: number;
  ty: number;
  /** Detail line position. */
  dy: number;
  title: string;
  detail: string;
  /** Signers and recipients of the layer, below its detail line. */
  lines: ShapeLine[];
  /** Full description, for the SVG <title> tooltip. */
  tooltip: string;
  cls: string;
}

export interface ShapeDrawing {
  width: number;
  height: number;
  boxes: ShapeBox[];
}

const LAYER_CLASS: Record<LayerToken['kind'], string> = {
  S: 'layer-signed',
  M: 'layer-signed layer-multipart',
  E: 'layer-enveloped',
  A: 'layer-enveloped layer-auth',
  data: 'layer-content',
  unopened: 'layer-opaque',
  detached: 'layer-opaque',
};

/** Title baseline, detail baseline and line spacing from a box's top edge. */
const TITLE_Y = 16;
const DETAIL_Y = 31;
const ROW = 15;
/** Least space a box's header takes above the next box, and least height of the innermost box. */
const HEADER = 38;
const INNER_H = 34;
const PAD = 10;
/** Width of the innermost box: room for a signer line such as "✓ example.org domain signer (RSA) · domainSig". */
const MIN_W = 300;
/** Beyond this many layers the rest is summarised in one box (the 64-layer messages stay legible). */
export const MAX_DRAWN_LAYERS = 16;
/** Average advance of the 11-12 px sans-serif text, to cut lines to the width of their box. */
const CHAR_W = 6.6;
/** Room for the stroke around the outermost box. */
const EDGE = 2;

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s);

/**
 * Nested boxes for a chain, outermost first. `differs`: per layer, whether it has no counterpart on the
 * other side of an expected/actual pair (diffChains); those get the class `diff`. `lines`: per layer,
 * the lines to print in its box (signers, recipients); `tooltips`: per layer, a fuller description.
 */
export function layoutShape(chain: readonly LayerToken[], differs?: readonly boolean[], lines?: ReadonlyArray<readonly BoxLine[] | undefined>, tooltips?: ReadonlyArray<string | undefined>): ShapeDrawing {
  let drawn: Array<{ t: LayerToken | undefined; title: string; detail: string; tooltip: string; depth: number; lines: readonly BoxLine[] }> = chain.map((t, depth) => {
    const d = describeLayer(t);
    const own = d.detail ? `${d.title}: ${d.detail}` : d.title;
    const more = tooltips?.[depth];
    return { t, ...d, tooltip: more ? `${own}. ${more}` : own, depth, lines: lines?.[depth] ?? [] };
  });
  if (drawn.length > MAX_DRAWN_LAYERS) {
    const hidden = drawn.length - (MAX_DRAWN_LAYERS - 1);
    drawn = [...drawn.slice(0, MAX_DRAWN_LAYERS - 1), { t: undefined, title: `… ${hidden} more layers`, detail: '', tooltip: `${hidden} inner layers not drawn`, depth: MAX_DRAWN_LAYERS - 1, lines: [] }];
  }
  const n = Math.max(1, drawn.length);
  const rows = drawn.map((l) => (l.detail ? 1 : 0) + l.lines.length);
  // Box i sits head[i] below and PAD inside box i-1, and ends PAD below box i+1; head[i] grows with its lines.
  const head = rows.map((r, i) => (i === n - 1 ? Math.max(INNER_H, TITLE_Y + ROW * r + 3) : Math.max(HEADER, TITLE_Y + ROW * r + 7)));
  const top: number[] = [];
  for (let i = 0, y = EDGE; i < n; y += head[i]!, i++) top.push(y);
  const heightOf = (i: number): number => head.slice(i, n - 1).reduce((h, x) => h + x + PAD, 0) + head[n - 1]!;
  const width = MIN_W + 2 * PAD * (n - 1) + 2 * EDGE;
  const height = heightOf(0) + 2 * EDGE;
  const boxes: ShapeBox[] = drawn.map((l, i) => {
    const x = EDGE + i * PAD;
    const y = top[i]!;
    const w = width - 2 * EDGE - 2 * i * PAD;
    const chars = Math.floor((w - 16) / CHAR_W);
    const innermost = i === n - 1;
    const first = l.detail ? 1 : 0;
    const cls = [l.t ? LAYER_CLASS[l.t.kind] : 'layer-opaque', l.t && differs?.[l.depth] ? 'diff' : ''].filter(Boolean).join(' ');
    return {
      x,
      y,
      w,
      h: heightOf(i),
      tx: x + 8,
      ty: y + (innermost && rows[i] === 0 ? 22 : TITLE_Y),
      dy: y + DETAIL_Y,
      title: clip(l.title, chars),
      detail: clip(l.detail, chars),
      lines: l.lines.map((line, k) => ({ ...line, text: clip(line.text, chars), x: x + 8, y: y + TITLE_Y + ROW * (first + k + 1) })),
      tooltip: l.tooltip,
      cls,
    };
  });
  return { width, height, boxes };
}
