/**
 * Hostile strings for escaping tests: markup for every context the report prints into (element text,
 * attribute values, SVG text, <title>, <style>), a template injection, text that only looks escaped, and
 * terminal control sequences.
 */
import type { RunResults } from '../../src/harness/run.js';

export const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=2">',
  "' onmouseover='window.__pwned=3' x='",
  '</style></title></textarea><script>window.__pwned=4</script>',
  ']]></text></svg><svg onload="window.__pwned=5">',
  "{{constructor.constructor('window.__pwned=6')()}}",
  '&lt;b&gt;not bold&lt;/b&gt;',
  '`javascript:window.__pwned=7`',
  '\u001b]0;owned\u0007\u001b[2J\u009b31m',
] as const;

/**
 * Every string of the results (ids, titles, reasons, replies, transcripts, shapes, addresses, meta, and
 * the verdict, role and strength fields too) with a payload appended, rotating through PAYLOADS, so that
 * ids stay unique and every payload lands in many places.
 */
export function hostilize<T>(value: T): T {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return `${v}${PAYLOADS[i++ % PAYLOADS.length]}`;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Hostile text in the free-text fields only: results that still validate against the schema. */
export function hostilizeText(r: RunResults): RunResults {
  const h = hostilize(r);
  // Put the enumerated fields back, so that the file passes schema validation (domsec report checks it).
  h.meta.policy = r.meta.policy;
  h.meta.startedAt = r.meta.startedAt;
  h.meta.finishedAt = r.meta.finishedAt;
  h.cases.forEach((c, i) => {
    const o = r.cases[i]!;
    c.verdict = o.verdict;
    c.role = o.role;
    c.strength = o.strength;
    c.checks.forEach((k, j) => (k.strength = o.checks[j]!.strength));
    if (c.evidence.smtp && o.evidence.smtp?.failure) c.evidence.smtp.failure = o.evidence.smtp.failure;
  });
  return h;
}
