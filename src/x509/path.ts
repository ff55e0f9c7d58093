import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { ReasonCode } from '../domsec/reasons.js';
import type { CertInfo } from './certificate.js';

/**
 * Certification path building and validation (RFC 5280 6.1, the subset S/MIME domain security needs).
 *
 * Hand-written rather than pkijs's CertificateChainValidationEngine: graders need one structured reason
 * code per failure (CERT_EXPIRED vs CERT_ISSUER_NOT_CA vs CERT_UNTRUSTED ...) and a deterministic
 * validation time for reproducible vectors; pkijs returns a single opaque result code and message.
 * Signatures are still checked by OpenSSL through node:crypto, not by hand.
 *
 * Not covered: revocation, name constraints, policies, AKI/SKI matching (names + signatures decide).
 */

export type PathResult =
  | { ok: true; chain: CertInfo[] }
  | { ok: false; reason: ReasonCode; detail: string; chain: CertInfo[] };

/**
 * Longest chain (leaf + intermediates + anchor) considered. Real S/MIME paths are 2-4 long; 10 leaves room
 * for cross-certification while bounding work when a hostile message carries name loops.
 */
export const MAX_CHAIN_LENGTH = 10;
/** Issuer candidates tried in total across all branches: bounds backtracking over many same-named certs. */
export const MAX_PATH_BUILD_STEPS = 1000;

type Failure = { reason: ReasonCode; detail: string; chain: CertInfo[] };

function sameCert(a: CertInfo, b: CertInfo): boolean {
  return a.der.equals(b.der);
}

function describe(c: CertInfo): string {
  return `"${c.subject}" (serial ${c.serialNumberHex})`;
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
    if (i === 0) continue;
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
export function validatePath(leaf: CertInfo, candidates: CertInfo[], trustAnchors: CertInfo[], at: Date): PathResult {
  if (trustAnchors.some((a) => sameCert(a, leaf))) {
    const f = checkChain([leaf], at);
    return f ? { ok: false, ...f } : { ok: true, chain: [leaf] };
  }
  const nodeCache = new Map<CertInfo, NodeX509Certificate>();
  const nodeCert = (c: CertInfo): NodeX509Certificate => {
    let n = nodeCache.get(c);
    if (!n) {
      n = new NodeX509Certificate(c.der);
      nodeCache.set(c, n);
    }
    return n;
  };
  const signedBy = (child: CertInfo, issuer: CertInfo): boolean => {
    try {
      return nodeCert(child).verify(issuer.publicKey);
    } catch {
      return false; // e.g. an algorithm mismatch between key and signature: simply not this issuer
    }
  };

  let steps = 0;
  let firstComplete: Failure | undefined;
  let sigFailure: Failure | undefined;
  let longest: CertInfo[] = [leaf];
  let budgetHit = false;

  const search = (chain: CertInfo[]): CertInfo[] | undefined => {
    const cur = chain[chain.length - 1]!;
    if (chain.length > longest.length) longest = chain;
    if (chain.length >= MAX_CHAIN_LENGTH) return undefined;
    // Anchors first, so a path ends as soon as it can (shortest trusted path).
    const pool: Array<{ c: CertInfo; anchor: boolean }> = [
      ...trustAnchors.map((c) => ({ c, anchor: true })),
      ...candidates.filter((c) => !trustAnchors.some((a) => sameCert(a, c))).map((c) => ({ c, anchor: false })),
    ];
    for (const { c, anchor } of pool) {
      if (!c.subjectDer.equals(cur.issuerDer)) continue;
      if (chain.some((x) => sameCert(x, c))) continue; // no loops
      if (++steps > MAX_PATH_BUILD_STEPS) {
        budgetHit = true;
        return undefined;
      }
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
  if (firstComplete) return { ok: false, ...firstComplete };
  if (sigFailure) return { ok: false, ...sigFailure };
  const top = longest[longest.length - 1]!;
  const why = budgetHit
    ? `path building gave up after ${MAX_PATH_BUILD_STEPS} steps`
    : longest.length >= MAX_CHAIN_LENGTH
      ? `no trust anchor within ${MAX_CHAIN_LENGTH} certificates`
      : `no certificate or trust anchor named "${top.issuer}" issued ${describe(top)}`;
  return { ok: false, reason: 'CERT_UNTRUSTED', detail: why, chain: longest };
}
