/**
 * Layer shapes as the harness records them (src/message/layers.ts shapeOf), parsed back into a chain of
 * layers and laid out as nested boxes for the report's SVG drawing. Pure functions: the template only
 * copies the numbers and labels computed here.
 *
 *   S[labels](inner)   signedData; labels: SignatureType short names, `-` (a signer without one),
 *                      `empty` (no signers), `ml` (a signer carries mlExpansionHistory)
 *   M[labels](inner)   multipart/signed; inner may be `detached`
 *   E(inner) A(inner)  envelopedData / authEnvelopedData; inner `?` when it was not opened
 *   data               the original content
 */

export type LayerToken =
  | { kind: 'S' | 'M'; labels: string[] }
  | { kind: 'E' | 'A' }
  | { kind: 'data' }
  | { kind: 'unopened' }
  | { kind: 'detached' };

export type ParsedShape = { ok: true; chain: LayerToken[] } | { ok: false; error: string };

/** Deeper than anything the engine parses (MAX_LAYER_DEPTH is 64), with room to spare. */
const MAX_PARSE_DEPTH = 256;

export function parseShape(shape: string): ParsedShape {
  if (shape === '(unparseable)') return { ok: false, error: 'the harness could not parse this message' };
  const chain: LayerToken[] = [];
  let i = 0;
  let open = 0;
  const fail = (why: string): ParsedShape => ({ ok: false, error: `not a layer shape (${why} at offset ${i})` });
  for (;;) {
    if (chain.length > MAX_PARSE_DEPTH) return fail('too deeply nested');
    const rest = shape.slice(i);
    if (rest.startsWith('data')) {
      chain.push({ kind: 'data' });
      i += 4;
      break;
    }
    if (rest.startsWith('detached')) {
      chain.push({ kind: 'detached' });
      i += 8;
      break;
    }
    if (rest.startsWith('?')) {
      chain.push({ kind: 'unopened' });
      i += 1;
      break;
    }
    const c = shape[i];
    if (c === 'E' || c === 'A') {
      if (shape[i + 1] !== '(') return fail('expected "("');
      chain.push({ kind: c });
      i += 2;
      open++;
      continue;
    }
    if (c === 'S' || c === 'M') {
      if (shape[i + 1] !== '[') return fail('expected "["');
      const close = shape.indexOf(']', i + 2);
      if (close < 0) return fail('unclosed "["');
      const labels = shape.slice(i + 2, close).split(',').filter((l) => l.length > 0);
      if (shape[close + 1] !== '(') return fail('expected "("');
      chain.push({ kind: c, labels });
      i = close + 2;
      open++;
      continue;
    }
    return fail('unexpected input');
  }
  for (; open > 0; open--, i++) if (shape[i] !== ')') return fail('expected ")"');
  if (i !== shape.length) return fail('trailing input');
  return { ok: true, chain };
}

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

const HEADER = 38;
const PAD = 10;
const INNER_H = 34;
const MIN_W = 250;
/** Beyond this many layers the rest is summarised in one box (the 64-layer messages stay legible). */
export const MAX_DRAWN_LAYERS = 16;
const DETAIL_MAX = 42;
/** Room for the stroke around the outermost box. */
const EDGE = 2;

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Nested boxes for a chain, outermost first. `differs`: per layer, whether it has no counterpart on the
 * other side of an expected/actual pair (diffChains); those get the class `diff`.
 */
export function layoutShape(chain: readonly LayerToken[], differs?: readonly boolean[]): ShapeDrawing {
  let drawn: Array<{ t: LayerToken | undefined; title: string; detail: string; tooltip: string; depth: number }> = chain.map((t, depth) => {
    const d = describeLayer(t);
    return { t, ...d, tooltip: d.detail ? `${d.title}: ${d.detail}` : d.title, depth };
  });
  if (drawn.length > MAX_DRAWN_LAYERS) {
    const hidden = drawn.length - (MAX_DRAWN_LAYERS - 1);
    drawn = [...drawn.slice(0, MAX_DRAWN_LAYERS - 1), { t: undefined, title: `… ${hidden} more layers`, detail: '', tooltip: `${hidden} inner layers not drawn`, depth: MAX_DRAWN_LAYERS - 1 }];
  }
  const n = Math.max(1, drawn.length);
  // Box i sits HEADER below and PAD inside box i-1, and ends PAD below box i+1; the innermost is INNER_H high.
  const width = MIN_W + 2 * PAD * (n - 1) + 2 * EDGE;
  const height = (n - 1) * (HEADER + PAD) + INNER_H + 2 * EDGE;
  const boxes: ShapeBox[] = drawn.map((l, i) => {
    const x = EDGE + i * PAD;
    const y = EDGE + i * HEADER;
    const innermost = i === n - 1;
    const cls = [l.t ? LAYER_CLASS[l.t.kind] : 'layer-opaque', l.t && differs?.[l.depth] ? 'diff' : ''].filter(Boolean).join(' ');
    return {
      x,
      y,
      w: width - 2 * EDGE - 2 * i * PAD,
      h: (n - 1 - i) * (HEADER + PAD) + INNER_H,
      tx: x + 8,
      ty: y + (innermost && !l.detail ? 22 : 16),
      dy: y + 31,
      title: l.title,
      detail: clip(l.detail, DETAIL_MAX),
      tooltip: l.tooltip,
      cls,
    };
  });
  return { width, height, boxes };
}
