import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { ReasonCode } from '../domsec/reasons.js';
import type { CertInfo } from './certificate.js';
import { anyExtendedKeyUsage, id_kp_emailProtection } from '../asn1/oids.js';
import { MAX_PATH_BUILD_STEPS, MAX_PATH_BUILD_STEPS_PER_MESSAGE } from '../limits.js';

/**
 * Certification path building and validation (RFC 5280 6.1, the subset S/MIME domain security needs).
 *
 * Hand-written rather than pkijs's CertificateChainValidationEngine: graders need one structured reason
 * code per failure (CERT_EXPIRED vs CERT_ISSUER_NOT_CA vs CERT_UNTRUSTED ...) and a deterministic
 * validation time for reproducible vectors; pkijs returns a single opaque result code and message.
 * Signatures are still checked by OpenSSL through node:crypto, not by hand.
 *
 * Checked on every certificate from the leaf up: validity at the validation time; critical extensions the
 * engine does not process (RFC 5280 4.2); extendedKeyUsage allowing e-mail protection on the leaf and the
 * intermediates (RFC 8550 4.4.4); and on every issuer, the anchor included: basicConstraints cA,
 * pathLenConstraint, keyUsage keyCertSign, no nameConstraints (not processed, so refused); names chain
 * by their exact DER bytes and every signature is checked.
 * Not covered: revocation (CRL, OCSP), certificate policies, AKI/SKI matching (names + signatures decide).
 */

export type PathResult =
  | { ok: true; chain: CertInfo[] }
  | { ok: false; reason: ReasonCode; detail: string; chain: CertInfo[] };

/**
 * Longest chain (leaf + intermediates + anchor) considered. Real S/MIME paths are 2-4 long; 10 leaves room
 * for cross-certification while bounding work when a hostile message carries name loops.
 */
export const MAX_CHAIN_LENGTH = 10;
export { MAX_PATH_BUILD_STEPS };

/**
 * Issuer candidates (certificate signature checks) allowed over several validatePath calls: one per
 * message in verification (MAX_PATH_BUILD_STEPS_PER_MESSAGE), so that many signers cannot multiply the
 * work. `used` counts up.
 */
export interface PathBudget {
  used: number;
  readonly max: number;
}

export function messagePathBudget(): PathBudget {
  return { used: 0, max: MAX_PATH_BUILD_STEPS_PER_MESSAGE };
}

type Failure = { reason: ReasonCode; detail: string; chain: CertInfo[] };

function sameCert(a: CertInfo, b: CertInfo): boolean {
  return a === b || a.der.equals(b.der);
}

function describe(c: CertInfo): string {
  return `"${c.subject}" (serial ${c.serialNumberHex})`;
}

/** RFC 8550 4.4.4: with extendedKeyUsage present, id-kp-emailProtection or anyExtendedKeyUsage is required. */
function emailEku(c: CertInfo): boolean {
  return !c.extKeyUsage || c.extKeyUsage.includes(id_kp_emailProtection) || c.extKeyUsage.includes(anyExtendedKeyUsage);
}

/**
 * Signature check results, per (child, issuer) pair of parsed certificates: a certificate's signature is
 * a fixed fact, and a message that names the same issuer for many signers pays once. Keyed weakly on the
 * (shared, frozen) CertInfo objects, so nothing outlives them.
 */
const signatureChecks = new WeakMap<CertInfo, WeakMap<CertInfo, boolean>>();
const nodeCerts = new WeakMap<CertInfo, NodeX509Certificate>();

function signedBy(child: CertInfo, issuer: CertInfo): boolean {
  let m = signatureChecks.get(child);
  if (!m) signatureChecks.set(child, (m = new WeakMap()));
  const known = m.get(issuer);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    let n = nodeCerts.get(child);
    if (!n) nodeCerts.set(child, (n = new NodeX509Certificate(child.der)));
    ok = n.verify(issuer.publicKey);
  } catch {
    ok = false; // e.g. an algorithm mismatch between key and signature: simply not this issuer
  }
  m.set(issuer, ok);
  return ok;
}

/** Checks on a complete path (leaf first, anchor last), in RFC 5280 6.1.3/6.1.4 order from the leaf up. */
function checkChain(chain: CertInfo[], at: Date): Failure | undefined {
  const t = at.getTime();
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!;
    // The anchor's own validity is checked too (as OpenSSL does): an expired root is a configuration error worth a reason.
    if (t > c.notAfter.getTime()) {
      return { reason: 'CERT_EXPIRED', detail: `${describe(c)} expired at ${c.notAfter.toISOString()} (validation time ${at.toISOString()})`, chain };
    }
    if (t < c.notBefore.getTime()) {
      return { reason: 'CERT_NOT_YET_VALID', detail: `${describe(c)} is not valid before ${c.notBefore.toISOString()} (validation time ${at.toISOString()})`, chain };
    }
    // RFC 5280 4.2: "A certificate-using system MUST reject the certificate if it encounters a critical
    // extension it does not recognize or a critical extension that contains information that it cannot process."
    if (c.unprocessedCriticalExtensions.length) {
      return { reason: 'CERT_UNKNOWN_CRITICAL_EXTENSION', detail: `${describe(c)} has critical extension(s) ${c.unprocessedCriticalExtensions.join(', ')} that are not processed`, chain };
    }
    // RFC 8550 4.4.4 for the signer; the intermediates too (an issuing CA restricted to other purposes does
    // not issue for e-mail; OpenSSL's smimesign purpose checks every CA the same way). The anchor is not a
    // certificate of the path (RFC 5280 6.1.1 (d)): its extendedKeyUsage is not read.
    if (i < chain.length - 1 && !emailEku(c)) {
      return { reason: 'CERT_EXT_KEY_USAGE_NOT_EMAIL', detail: `${describe(c)} extendedKeyUsage ${c.extKeyUsage!.join(', ')} lacks emailProtection and anyExtendedKeyUsage`, chain };
    }
    if (i === 0) continue;
    // RFC 5280 6.1.4 (g), 6.1.3 (b)-(c): name constraints bind every certificate below; they are not
    // processed here, so a path through a constrained CA is refused rather than accepted unchecked.
    if (c.hasNameConstraints) {
      return { reason: 'CERT_NAME_CONSTRAINTS_NOT_CHECKED', detail: `issuer ${describe(c)} has nameConstraints, which are not processed`, chain };
    }
    // RFC 5280 6.1.4 (k), (n): every issuer, the anchor included, must be a CA allowed to sign certificates.
    if (!c.basicConstraints?.cA) {
      return { reason: 'CERT_ISSUER_NOT_CA', detail: `issuer ${describe(c)} lacks basicConstraints cA=TRUE`, chain };
    }
    if (c.keyUsage && !c.keyUsage.keyCertSign) {
      return { reason: 'CERT_ISSUER_NOT_CA', detail: `issuer ${describe(c)} keyUsage lacks keyCertSign`, chain };
    }
    // RFC 5280 6.1.4 (l), (m): pathLenConstraint counts the non-self-issued intermediates below this CA.
    const plc = c.basicConstraints.pathLenConstraint;
    if (plc !== undefined) {
      let below = 0;
      for (let j = 1; j < i; j++) if (!chain[j]!.issuerDer.equals(chain[j]!.subjectDer)) below++;
      if (below > plc) {
        return { reason: 'CERT_ISSUER_NOT_CA', detail: `issuer ${describe(c)} pathLenConstraint ${plc} allows fewer than the ${below} CA certificate(s) below it`, chain };
      }
    }
  }
  return undefined;
}

/**
 * Build and validate a path from `leaf` to one of `trustAnchors` at time `at`.
 * `candidates` may hold unrelated certificates (all those in a message). Among several complete paths the
 * first fully valid one wins; otherwise the failure of the first complete path is reported; with no
 * complete path, a signature failure if an issuer with the right name existed, else CERT_UNTRUSTED.
 * The leaf's keyUsage is not checked here: whether it may sign is a naming/N11 question (src/domsec/naming.ts).
 */
/** Candidate issuers by subject name (exact DER), for callers that parse certificates only when asked (src/x509/pool.ts). */
export type IssuerLookup = (subjectDer: Buffer) => Iterable<CertInfo>;

export function validatePath(leaf: CertInfo, candidates: CertInfo[] | IssuerLookup, trustAnchors: CertInfo[], at: Date, budget?: PathBudget): PathResult {
  if (trustAnchors.some((a) => sameCert(a, leaf))) {
    const f = checkChain([leaf], at);
    return f ? { ok: false, ...f } : { ok: true, chain: [leaf] };
  }
  // Issuers by the DER of their subject name, anchors first (so a path ends as soon as it can), each
  // certificate once: finding the candidates for a link costs one lookup, not a scan of the message.
  const byName = new Map<string, Array<{ c: CertInfo; anchor: boolean }>>();
  const add = (c: CertInfo, anchor: boolean): void => {
    const k = c.subjectDer.toString('latin1');
    const list = byName.get(k) ?? [];
    if (!list.some((x) => sameCert(x.c, c))) list.push({ c, anchor });
    byName.set(k, list);
  };
  for (const a of trustAnchors) add(a, true);
  if (Array.isArray(candidates)) for (const c of candidates) add(c, false);
  // With a lookup, candidates are asked for (and so parsed) one at a time, only as far as the search goes:
  // anchors first, and a search that ends early never parses the rest.
  function* issuersOf(name: Buffer): Generator<{ c: CertInfo; anchor: boolean }> {
    const known = byName.get(name.toString('latin1')) ?? [];
    yield* known;
    if (typeof candidates !== 'function') return;
    for (const c of candidates(name)) if (!known.some((x) => sameCert(x.c, c))) yield { c, anchor: false };
  }

  let steps = 0;
  let firstComplete: Failure | undefined;
  let sigFailure: Failure | undefined;
  let longest: CertInfo[] = [leaf];
  let budgetHit = false;

  const search = (chain: CertInfo[]): CertInfo[] | undefined => {
    const cur = chain[chain.length - 1]!;
    if (chain.length > longest.length) longest = chain;
    if (chain.length >= MAX_CHAIN_LENGTH) return undefined;
    for (const { c, anchor } of issuersOf(cur.issuerDer)) {
      if (chain.some((x) => sameCert(x, c))) continue; // no loops
      if (++steps > MAX_PATH_BUILD_STEPS || (budget && budget.used >= budget.max)) {
        budgetHit = true;
        return undefined;
      }
      if (budget) budget.used++;
      if (!signedBy(cur, c)) {
        sigFailure ??= { reason: 'CERT_SIGNATURE_INVALID', detail: `signature of ${describe(cur)} does not verify with the key of issuer ${describe(c)}`, chain: [...chain, c] };
        continue;
      }
      const next = [...chain, c];
      if (anchor) {
        const f = checkChain(next, at);
        if (!f) return next;
        firstComplete ??= f;
        continue;
      }
      const found = search(next);
      if (found) return found;
      if (budgetHit) return undefined;
    }
    return undefined;
  };

  const found = search([leaf]);
  if (found) return { ok: true, chain: found };
  // A limit ends in its own reason: what lies beyond it was not looked at, so no other verdict is earned.
  if (budgetHit) {
    const detail = steps > MAX_PATH_BUILD_STEPS
      ? `path building gave up after ${MAX_PATH_BUILD_STEPS} issuer candidates (MAX_PATH_BUILD_STEPS)`
      : `path building gave up: ${budget!.max} issuer candidates already tried for this message (MAX_PATH_BUILD_STEPS_PER_MESSAGE)`;
    return { ok: false, reason: 'LIMIT_PATH_BUILDING', detail, chain: longest };
  }
  if (firstComplete) return { ok: false, ...firstComplete };
  if (sigFailure) return { ok: false, ...sigFailure };
  const top = longest[longest.length - 1]!;
  const why = longest.length >= MAX_CHAIN_LENGTH
    ? `no trust anchor within ${MAX_CHAIN_LENGTH} certificates`
    : `no certificate or trust anchor named "${top.issuer}" issued ${describe(top)}`;
  return { ok: false, reason: 'CERT_UNTRUSTED', detail: why, chain: longest };
}
