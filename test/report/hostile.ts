/**
 * Hostile strings for escaping tests: markup for every context the report prints into (element text,
 * attribute values, SVG text, <title>, <style>), a template injection, text that only looks escaped, and
 * terminal control sequences; and a certificate named with them.
 */
import 'reflect-metadata';
import type { KeyObject } from 'node:crypto';
import { selfSignedEcCertificate } from '../helpers/self-signed.js';
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

/** Fields the schema restricts to fixed values or formats (enumerations, date-times), wherever they occur. */
const ENUMERATED = new Set(['verdict', 'role', 'strength', 'policy', 'implementation', 'startedAt', 'finishedAt', 'failure', 'kind', 'origin', 'type', 'outcome', 'skipKind']);

/** Hostile text in the free-text fields only: results that still validate against the schema. */
export function hostilizeText(r: RunResults): RunResults {
  const h = hostilize(r);
  // Put the enumerated fields back, so that the file passes schema validation (domsec report checks it).
  const restore = (orig: unknown, host: unknown): void => {
    if (Array.isArray(orig) && Array.isArray(host)) return orig.forEach((o, i) => restore(o, host[i]));
    if (!orig || typeof orig !== 'object' || !host || typeof host !== 'object') return;
    for (const [k, v] of Object.entries(orig)) {
      if (ENUMERATED.has(k) && typeof v === 'string') (host as Record<string, unknown>)[k] = v;
      else restore(v, (host as Record<string, unknown>)[k]);
    }
  };
  restore(r, h);
  return h;
}

/**
 * A certificate (self-signed, P-256, so it can sign and be encrypted for with ECDH) whose names are
 * markup: CN, O, and SubjectAltName URI, dNSName and rfc822Name. A gateway chooses the certificates in
 * what it relays, so their names reach the report's drawing and layer details.
 */
export async function hostileCertificate(): Promise<{ certDer: Buffer; key: KeyObject; payloads: string[] }> {
  const c = await selfSignedEcCertificate([{ '2.5.4.3': [`CN ${PAYLOADS[0]}`] }, { '2.5.4.10': [PAYLOADS[3]] }], [
    { type: 'url', value: `submit://${PAYLOADS[4]}` },
    { type: 'dns', value: PAYLOADS[1] },
    { type: 'email', value: `${PAYLOADS[2]}@example.org` },
  ]);
  return { ...c, payloads: [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[4]] };
}
