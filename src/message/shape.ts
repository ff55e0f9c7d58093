/**
 * Reading the layer shape notation back (the writer is shapeOf in ./layers.ts): a shape string into a
 * chain of layer tokens, outermost first. The harness reads the expected shapes of its cases with it
 * (src/harness/evidence.ts) and the report draws shapes from results files with it (src/report/shape.ts),
 * so a malformed string (a hand-edited results file) is refused with a reason, never guessed at.
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

/** Deeper than anything the engine parses (MAX_LAYER_DEPTH is 128), with room to spare. */
const MAX_PARSE_DEPTH = 256;

export function parseShape(shape: string): ParsedShape {
  if (shape === '(unparseable)') return { ok: false, error: 'the harness could not parse this message' };
  const chain: LayerToken[] = [];
  let i = 0;
  let open = 0;
  const fail = (why: string): ParsedShape => ({ ok: false, error: `not a layer shape (${why} at offset ${i})` });
  for (;;) {
    if (chain.length > MAX_PARSE_DEPTH) return fail('too deeply nested');
    if (shape.startsWith('data', i)) {
      chain.push({ kind: 'data' });
      i += 4;
      break;
    }
    if (shape.startsWith('detached', i)) {
      chain.push({ kind: 'detached' });
      i += 8;
      break;
    }
    if (shape[i] === '?') {
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

/** One token back in the notation, without its inner layers: `S[domainSig]`, `E`, `data`, `?`. */
export function tokenLabel(t: LayerToken): string {
  switch (t.kind) {
    case 'S':
    case 'M':
      return `${t.kind}[${t.labels.join(',')}]`;
    case 'E':
    case 'A':
      return t.kind;
    case 'data':
      return 'data';
    case 'unopened':
      return '?';
    case 'detached':
      return 'detached';
  }
}
