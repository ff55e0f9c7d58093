/**
 * The layer shape notation, defined once here: its grammar, the writer of a signedData's labels
 * (signedLabel; shapeOf in ./layers.ts writes the layers around them), and the reader (parseShape). The
 * harness reads the expected shapes of its cases with it (src/harness/evidence.ts), the report draws
 * shapes from results files with it (src/report/shape.ts), and vectors/README.md documents it for
 * implementers; a malformed string (a hand-edited results file) is refused with a reason, never guessed at.
 *
 * Grammar (RFC 5234 ABNF; the quoted strings are case-sensitive):
 *
 *   shape        = layer
 *   layer        = signed / envelope / "data"
 *   signed       = ("S" / "M") "[" labels "]" "(" (layer / "detached") ")"
 *   envelope     = ("E" / "A") "(" (layer / "?") ")"
 *   labels       = "empty" / signer-kind *("," signer-kind) ["," "ml"]
 *   signer-kind  = "-" / st-attribute *(";" st-attribute)
 *   st-attribute = st-value *("+" st-value) / "none" / "malformed"
 *   st-value     = "originatorSig" / "domainSig" / "addAttribSig" / "reviewSig" / oid
 *   oid          = 1*DIGIT 1*("." 1*DIGIT)
 *
 *   S / M        signedData in application/pkcs7-mime / multipart/signed (inner `detached`: content elsewhere)
 *   E / A        envelopedData / authEnvelopedData (RFC 5083); inner `?` when it was not opened
 *   data         the original content
 *   empty        a signedData with no SignerInfo (the empty signature layer, draft 2.3, N12)
 *   signer-kind  what one SignerInfo carries: `-` no signed SignatureType attribute; otherwise every
 *                signed SignatureType attribute instance in the order encoded, `;` between instances
 *                (draft 3.1.1 allows one: two are STYPE_MULTIPLE), `+` between the values of one
 *                instance (its SEQUENCE OF, in order); `none` an instance with no value, `malformed` one
 *                that does not decode. Unknown values are written as dotted OIDs.
 *                Distinct signer-kinds are listed once each, in the order of the SignerInfos: two
 *                SignerInfos with identical SignatureType give one signer-kind.
 *   ml           some SignerInfo carries a signed mlExpansionHistory (RFC 2634 2.10)
 *
 * Examples: `S[domainSig](S[-](data))` a domain signature over an originator signature;
 * `S[domainSig;domainSig+reviewSig](S[-](data))` one SignerInfo with two SignatureType attributes, the
 * second holding [domainSig, reviewSig]; `S[domainSig,-](data)` two SignerInfos, one without
 * SignatureType; `S[-,ml](A(S[domainSig](S[empty](data))))` a list agent's signature over an
 * authEnvelopedData.
 */
import * as asn1js from 'asn1js';
import * as O from '../asn1/oids.js';
import { children, isTag } from '../cms/der.js';
import { attributeValues, type ParsedSignedData, type ParsedSignerInfo } from '../cms/signed-data.js';

/** The SignatureType values (draft 3.1.1, N2) by OID, with the short names the notation writes. */
export const SIGNATURE_TYPE_SHORT_NAMES: Readonly<Record<string, string>> = {
  [O.id_sti_originatorSig]: 'originatorSig',
  [O.id_sti_domainSig]: 'domainSig',
  [O.id_sti_addAttribSig]: 'addAttribSig',
  [O.id_sti_reviewSig]: 'reviewSig',
};

/** One signed SignatureType attribute instance as the notation writes it (st-attribute). */
function stAttribute(values: asn1js.BaseBlock[]): string {
  const out: string[] = [];
  for (const v of values) {
    if (!isTag(v, 1, 16) || !v.idBlock.isConstructed) return 'malformed';
    for (const o of children(v)) {
      if (!(o instanceof asn1js.ObjectIdentifier)) return 'malformed';
      const dotted = o.valueBlock.toString();
      out.push(SIGNATURE_TYPE_SHORT_NAMES[dotted] ?? dotted);
    }
  }
  return out.length === 0 ? 'none' : out.join('+');
}

/** One SignerInfo's signer-kind: `-`, or its SignatureType instances joined by `;`. */
export function signerKind(si: ParsedSignerInfo): string {
  const attrs = attributeValues(si.signedAttrs, O.id_aa_signatureType);
  return attrs.length === 0 ? '-' : attrs.map((a) => stAttribute(a.values)).join(';');
}

/** The `labels` of a signedData (see the grammar above). */
export function signedLabel(sd: ParsedSignedData): string {
  if (sd.signerInfos.length === 0) return 'empty';
  const kinds = [...new Set(sd.signerInfos.map(signerKind))];
  const ml = sd.signerInfos.some((si) => attributeValues(si.signedAttrs, O.id_aa_mlExpandHistory).length > 0);
  return ml ? `${kinds.join(',')},ml` : kinds.join(',');
}

/** Every SignatureType value a token's labels name (short names or OIDs), each once: for readers that ask "is domainSig there?". */
export function labelSignatureTypes(labels: readonly string[]): string[] {
  const out = new Set<string>();
  for (const l of labels) {
    if (l === '-' || l === 'ml' || l === 'empty') continue;
    for (const inst of l.split(';')) for (const v of inst.split('+')) if (v !== 'none' && v !== 'malformed') out.add(v);
  }
  return [...out];
}

const ST_VALUE = '(?:originatorSig|domainSig|addAttribSig|reviewSig|\\d+(?:\\.\\d+)+)';
const ST_ATTRIBUTE = `(?:${ST_VALUE}(?:\\+${ST_VALUE})*|none|malformed)`;
const SIGNER_KIND_RE = new RegExp(`^(?:-|${ST_ATTRIBUTE}(?:;${ST_ATTRIBUTE})*)$`);

/** Whether `labels` (split at `,`) follow the grammar: `empty`, or signer-kinds with an optional final `ml`. */
function labelsValid(labels: string[]): boolean {
  if (labels.length === 1 && labels[0] === 'empty') return true;
  const kinds = labels[labels.length - 1] === 'ml' ? labels.slice(0, -1) : labels;
  return kinds.length > 0 && kinds.every((k) => SIGNER_KIND_RE.test(k));
}

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
      const labels = shape.slice(i + 2, close).split(',');
      if (!labelsValid(labels)) return fail(`bad labels "${shape.slice(i + 2, close)}"`);
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
