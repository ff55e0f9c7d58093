/**
 * Grading: pure functions from (case, what was sent, what the gateway did) to checks and a verdict.
 * No I/O here, so graders are tested directly and the same grades come out whatever drove the gateway.
 */
import * as O from '../asn1/oids.js';
import { getHeaders, parseEntity } from '../mime/index.js';
import { contentInfoDer, layerChain, parseMessage, shapeOf, type Layer, type SignedLayer } from '../message/layers.js';
import { verifyLayers } from '../domsec/verify.js';
import { checkDomainSignerNaming, originatorDomain } from '../domsec/naming.js';
import { parseCertificate } from '../x509/certificate.js';
import { certRef } from '../cms/cert-ref.js';
import { recipientInfoMatches } from '../cms/recipient-info.js';
import { REASONS } from '../domsec/reasons.js';
import { isDomainSignature, signatureTypesOf } from '../domsec/signature-type.js';
import { describeLayers, expectedLayers, unparsedLayers, verifyForEvidence } from './evidence.js';
import type { VerificationReport, VerifyOptions } from '../domsec/verify.js';
import type { RecipientKey } from '../cms/recipient-info.js';
import type { SubmitResult } from '../smtp/submit.js';
import type { CapturedMessage } from '../smtp/sink.js';
import type { CaseDecl, CaseVerdict, Check, Evidence, MessageLayers, Strength } from './model.js';

export interface GradeContext {
  /** The gateway's domain. */
  local: string;
  policy: 'encrypt' | 'noEncrypt';
  trustAnchors: Buffer[];
  /** CA certificates the gateway may leave out of its SignedData (profile certificates.intermediates). */
  extraCertificates?: Buffer[];
  validationTime: Date;
  /** Every key the suite holds (it made the PKI): to open what the gateway encrypted. */
  keys: RecipientKey[];
  /** Certificate of the remote domain's DCA, which outbound encryption must address. */
  remoteDcaCert?: Buffer;
  /** How the gateway flags a verdict (N14): Authentication-Results smime, or a named header. */
  flag: { method: 'authentication-results'; authservId?: string } | { method: 'header'; name: string; passPattern: string };
}

export interface Graded {
  verdict: CaseVerdict;
  reason: string;
  checks: Check[];
  evidence: Evidence;
}

const TRANSPORT_FAILURES = new Set(['connection-refused', 'greeting-timeout', 'timeout', 'disconnected', 'tls', 'protocol']);

/** E and A are both "encrypted" for the rules: a gateway may choose AuthEnvelopedData. */
export const normalizeShape = (s: string): string => s.replace(/A\(/g, 'E(');

/** A message parsed (and opened with the suite's keys), or why it does not parse. */
export interface ParsedOrError {
  root?: Layer;
  error?: string;
}

/** Parses without throwing: what a gateway or client wrote may be anything; shared with src/adapter/grade.ts. */
export function parsed(raw: Buffer, keys: RecipientKey[]): ParsedOrError {
  try {
    return { root: parseMessage(raw, { keys }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export function smimeResults(raw: Buffer, flag: GradeContext['flag']): string[] {
  let headers: string[];
  try {
    headers = getHeaders(parseEntity(raw), flag.method === 'header' ? flag.name : 'Authentication-Results');
  } catch {
    return [];
  }
  if (flag.method === 'header') return headers.map((h) => (new RegExp(flag.passPattern).test(h) ? 'pass' : 'flagged'));
  return headers
    .filter((h) => !flag.authservId || h.trim().toLowerCase().startsWith(flag.authservId.toLowerCase()))
    .flatMap((h) => [...h.matchAll(/\bsmime\s*=\s*([a-z]+)/gi)].map((m) => m[1]!.toLowerCase()));
}

type EvidenceContext = Pick<GradeContext, 'trustAnchors' | 'validationTime' | 'keys' | 'extraCertificates' | 'remoteDcaCert'>;

/** How the grader verifies what a gateway relayed: the suite's trust anchors, at the run's validation time. */
function verifyOptions(g: EvidenceContext): VerifyOptions {
  return { trustAnchors: g.trustAnchors, validationTime: g.validationTime, ...(g.extraCertificates?.length ? { extraCertificates: g.extraCertificates } : {}) };
}

/**
 * A parsed (or unparseable) message as layer evidence (src/harness/evidence.ts): signers named from the
 * message's or the suite's certificates, recipients from the suite's, and each signature verified as the
 * grader verifies, so the report can say which signature failed and why. Shared with src/adapter/grade.ts.
 */
export function layerEvidence(p: ParsedOrError, g: EvidenceContext): MessageLayers {
  return describeParsed(p, g, p.root ? verifyForEvidence(p.root, verifyOptions(g)) : undefined);
}

function describeParsed(p: ParsedOrError, g: EvidenceContext, verification: VerificationReport | undefined): MessageLayers {
  if (!p.root) return unparsedLayers(p.error ?? 'does not parse');
  const knownCertificates = [...g.keys.map((k) => k.certDer), ...(g.remoteDcaCert ? [g.remoteDcaCert] : [])];
  return describeLayers(p.root, { knownCertificates, ...(verification ? { verification } : {}) });
}

function domainSignatureCount(root: Layer | undefined): number {
  if (!root) return 0;
  return layerChain(root)
    .flatMap((l) => (l.kind === 'signedData' || l.kind === 'multipartSigned' ? l.sd.signerInfos : []))
    .filter((si) => isDomainSignature(signatureTypesOf(si))).length;
}

export function verdictOf(checks: Check[]): { verdict: CaseVerdict; reason: string } {
  const mustFail = checks.filter((c) => !c.ok && c.strength === 'MUST');
  if (mustFail.length) return { verdict: 'FAIL', reason: mustFail.map((c) => c.message).join('; ') };
  const shouldFail = checks.filter((c) => !c.ok);
  if (shouldFail.length) return { verdict: 'WARN', reason: shouldFail.map((c) => c.message).join('; ') };
  return { verdict: 'PASS', reason: `${checks.length} check(s) passed` };
}

/**
 * Grade one case. The sent message is parsed once, here: its shape comes back with the grade for the
 * runner's `evidence.sent`, so the runner need not parse (and decrypt) it again.
 */
export function grade(decl: CaseDecl, sent: Buffer, smtp: SubmitResult, captured: CapturedMessage[], g: GradeContext): Graded & { sentShape: string } {
  const sentParsed = parsed(sent, g.keys);
  return { ...gradeParsed(decl, sentParsed, smtp, captured, g), sentShape: sentParsed.root ? shapeOf(sentParsed.root) : '(unparseable)' };
}

function gradeParsed(decl: CaseDecl, sentParsed: ParsedOrError, smtp: SubmitResult, captured: CapturedMessage[], g: GradeContext): Graded {
  const checks: Check[] = [];
  const req = decl.requirements[0]!;
  const check = (ok: boolean, message: string, requirement = req, strength: Strength = decl.strength, expected?: string, found?: string): void => {
    checks.push({ requirement, strength, ok, message, ...(expected !== undefined ? { expected } : {}), ...(found !== undefined ? { found } : {}) });
  };
  const sentRoot = sentParsed.root;
  // Each relayed message is parsed (and decrypted), verified and read for its verdict header once: the
  // evidence and the checks below share the results.
  const received = captured.map((m) => {
    const p = parsed(m.raw, g.keys);
    return { ...p, shape: p.root ? shapeOf(p.root) : '(unparseable)', smime: smimeResults(m.raw, g.flag), verification: p.root ? verifyForEvidence(p.root, verifyOptions(g)) : undefined };
  });
  // `sent` is the runner's to fill (src/harness/run.ts); the grader adds what it parsed of it.
  const evidence: Evidence = {
    sentLayers: layerEvidence(sentParsed, g),
    smtp: { accepted: smtp.accepted, response: smtp.response, attempts: smtp.attempts, transcript: smtp.transcript, ...(smtp.failure ? { failure: smtp.failure } : {}) },
    received: captured.map((m, i) => {
      const r = received[i]!;
      return { bytes: m.raw.length, shape: r.shape, rcptTo: m.rcptTo, authenticationResults: r.smime, ...(r.error ? { error: r.error } : {}), layers: describeParsed(r, g, r.verification) };
    }),
  };
  if (smtp.failure && TRANSPORT_FAILURES.has(smtp.failure)) {
    return { verdict: 'ERROR', reason: `the gateway's SMTP transport failed (${smtp.failure}): ${smtp.response}`, checks, evidence };
  }
  const e = decl.expect;

  if (e.kind === 'no-domain-signature') {
    if (!smtp.accepted) {
      check(true, `refused at SMTP (${smtp.response})`);
    } else if (captured.length === 0) {
      check(true, 'accepted and not relayed');
    } else {
      const before = domainSignatureCount(sentRoot);
      const after = domainSignatureCount(received[0]!.root);
      check(after <= before, after > before ? `a domain signature was generated although the draft forbids it (${after - before} added)` : 'relayed without a new domain signature', req, decl.strength, `${before} domain signature(s)`, `${after}`);
    }
    return { ...verdictOf(checks), checks, evidence };
  }

  // Every other expectation needs exactly one relayed / delivered message.
  if (!smtp.accepted) {
    check(false, `the gateway rejected the message: ${smtp.response}`);
    return { ...verdictOf(checks), checks, evidence };
  }
  if (captured.length === 0) {
    check(false, 'nothing was relayed or delivered within the case timeout');
    return { ...verdictOf(checks), checks, evidence };
  }
  check(captured.length === 1, captured.length === 1 ? 'relayed once' : `relayed ${captured.length} times`, req, 'MUST', '1', String(captured.length));
  const out = received[0]!;
  if (!out.root) {
    check(false, `what the gateway relayed does not parse: ${out.error}`);
    return { ...verdictOf(checks), checks, evidence };
  }
  const root = out.root;
  const foundShape = out.shape;
  evidence.foundShape = foundShape;

  if (e.kind === 'verdict') {
    const found = out.smime[0];
    check(found !== undefined, found === undefined ? 'no verdict header (Authentication-Results smime, N14)' : `verdict smime=${found}`, req, 'MUST', `smime=${e.verdict}`, found ?? '(none)');
    if (found !== undefined) {
      if (e.verdict === 'pass') check(found === 'pass', found === 'pass' ? 'not flagged' : `a valid message was flagged (smime=${found})`, req, 'MUST', 'pass', found);
      else {
        check(found !== 'pass', found === 'pass' ? `a violation was not flagged (smime=pass, expected ${e.verdict})` : 'flagged', req, 'MUST', e.verdict, found);
        if (found !== 'pass' && g.flag.method === 'authentication-results') check(found === e.verdict, found === e.verdict ? `flagged as ${found}` : `flagged as ${found}, the reference flags ${e.verdict} (N14)`, req, 'SHOULD', e.verdict, found);
      }
    }
    if (e.decrypted) {
      const stillForUs = root.kind === 'envelopedData' || root.kind === 'authEnvelopedData';
      check(!stillForUs, stillForUs ? 'delivered still encrypted: the DCA did not decrypt for its domain' : 'decrypted for the domain', 'DOMSEC-4-DCA-CASES', 'MUST', 'decrypted', foundShape);
    }
    return { ...verdictOf(checks), checks, evidence };
  }

  // The evidence's verification of this message; verifying again only when that threw, so that the error
  // reaches the runner (an ERROR naming it) as before.
  const report = out.verification ?? verifyLayers(root, verifyOptions(g));
  const fails = report.reasons.filter((r) => REASONS[r].outcome === 'fail');
  check(fails.length === 0, fails.length ? `the output does not verify: ${fails.join(', ')}` : 'every signature in the output verifies', 'DOMSEC-3.2-ADHERE-NAMING', 'MUST');

  if (e.kind === 'encrypted-for-recipient-dca') {
    evidence.expectedShape = e.shape;
    evidence.expectedLayers = expectedLayers(e.shape, evidence.sentLayers, g.local);
    const top = root.kind === 'envelopedData' || root.kind === 'authEnvelopedData' ? root : undefined;
    check(!!top, top ? 'relayed encrypted' : `relayed unencrypted (${foundShape})`, 'DOMSEC-4-DCA-CASES', 'MUST', 'E(...)', foundShape);
    if (top && g.remoteDcaCert) {
      const ref = certRef(g.remoteDcaCert);
      check(top.env.recipientInfos.some((ri) => recipientInfoMatches(ri, ref)), "a RecipientInfo for the recipient's DCA", 'DOMSEC-4.1-RECIPIENT-INFO', 'MUST');
    }
    if (top) {
      const oi = top.env.originatorCertificates.map((c) => parseCertificate(c));
      const namesDomain = oi.some((c) => checkDomainSignerNaming(c, originatorDomain(`x@${g.local}`), { checkKeyUsage: false }).ok);
      check(namesDomain, namesDomain ? "originatorInfo carries the DCA's certificate, named by the convention" : 'no originatorInfo naming the local DCA by the naming convention (N13)', 'DOMSEC-4.1-DCA-NAMING', 'MUST');
      const inner = top.inner;
      check(!!inner && domainSignatureCount(inner) > 0, 'domain signature applied before encryption', 'DOMSEC-4-SIGN-BEFORE-ENCRYPT', 'SHOULD');
    }
    return { ...verdictOf(checks), checks, evidence };
  }

  // domain-signed
  const expected = e.shape[g.policy];
  evidence.expectedShape = expected;
  evidence.expectedLayers = expectedLayers(expected, evidence.sentLayers, g.local);
  check(normalizeShape(foundShape) === normalizeShape(expected), `output shape ${foundShape}${normalizeShape(foundShape) === normalizeShape(expected) ? '' : `, expected ${expected}`}`, req, 'MUST', expected, foundShape);
  check(report.domainSignatures > 0, report.domainSignatures > 0 ? 'a domain signature (SignatureType id-sti-domainSig) is present' : 'no domain signature: SignatureType id-sti-domainSig missing', 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE', 'MUST');
  const outer = report.layers.flatMap((l) => l.signers).find((s) => s.domainSignature);
  if (outer) {
    const naming = outer.reasons.filter((r) => r.startsWith('NAMING_') || r === 'CERT_KEY_USAGE_NOT_SIGNING');
    check(naming.length === 0, naming.length ? `domain signer certificate breaks the naming convention: ${naming.join(', ')}` : 'domain signer certificate follows the naming convention', 'DOMSEC-3.2-SIGNER-CERTIFICATE-NAMING', 'MUST');
    const st = outer.reasons.filter((r) => r.startsWith('STYPE_'));
    check(st.length === 0, st.length ? `SignatureType rules broken: ${st.join(', ')}` : 'SignatureType well formed', 'DOMSEC-3.1.1-SINGLE-INSTANCE', 'MUST');
  }
  // A SignatureType carried unsigned makes no domain signature: name the rule it breaks (draft 3.1.1).
  const unsignedSt = report.layers.some((l) => l.signers.some((s) => s.reasons.includes('STYPE_UNSIGNED')));
  check(!unsignedSt, unsignedSt ? 'SignatureType is carried as an unsigned attribute' : 'SignatureType, where present, is signed', 'DOMSEC-3.1.1-SIGNED-ATTRIBUTE', 'MUST');
  const encaps = report.reasons.includes('DOMAIN_SIG_ENCAPSULATES_NOTHING');
  check(!encaps, encaps ? 'the domain signature encapsulates no signature (no empty layer, N12)' : 'the domain signature encapsulates a signature', 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', 'MUST');
  if (e.keepOriginatorSignature && sentRoot) {
    const isSigned = (l: Layer): l is SignedLayer => (l.kind === 'signedData' || l.kind === 'multipartSigned') && l.sd.signerInfos.length > 0;
    const sentSigned = layerChain(sentRoot).filter(isSigned);
    const innermost = sentSigned[sentSigned.length - 1];
    // Compare ContentInfo encodings (for multipart/signed: the detached signature): a plain-CMS-nested layer
    // (RFC 5652 5.2) is re-wrapped in one when kept; a multipart/signed must stay one (draft 2.3: encapsulated as it is).
    const kept = innermost ? layerChain(root).some((l) => isSigned(l) && l.kind === innermost.kind && contentInfoDer(l).equals(contentInfoDer(innermost))) : true;
    check(kept, kept ? "the originator's signature is kept byte for byte" : "the originator's signature was altered or dropped", 'DOMSEC-3.1.1-ENCAPSULATE-SIGNATURES', 'MUST');
  }
  if (e.emptyLayer) {
    const empty = layerChain(root).find((l) => l.kind === 'signedData' && l.sd.signerInfos.length === 0);
    check(!!empty && empty.kind === 'signedData' && empty.sd.eContentType === O.id_data, empty ? 'an empty signature layer with id-data' : 'no empty signature layer under the domain signature', 'DOMSEC-2.3-EMPTY-LAYER-ID-DATA', 'MUST');
  }
  if (e.mlAttributesCarried && sentRoot) {
    // Section 5 searches the outer signedData layers (above the first envelope) for mlExpansionHistory; the
    // outermost that has it is the one whose attributes the new outermost signedData carries (N5), under
    // an envelope when the result is encrypted.
    const hasMl = (l: Layer): boolean => (l.kind === 'signedData' || l.kind === 'multipartSigned') && l.sd.signerInfos.some((si) => (si.signedAttrs ?? []).some((a) => a.type === O.id_aa_mlExpandHistory));
    const sentChain = layerChain(sentRoot);
    const firstEnvelope = sentChain.findIndex((l) => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData');
    const mlLayer = sentChain.slice(0, firstEnvelope < 0 ? undefined : firstEnvelope).find(hasMl);
    const outer = layerChain(root).find((l): l is SignedLayer => l.kind === 'signedData' || l.kind === 'multipartSigned');
    if (mlLayer && (mlLayer.kind === 'signedData' || mlLayer.kind === 'multipartSigned')) {
      const wanted = (mlLayer.sd.signerInfos.find((si) => (si.signedAttrs ?? []).some((a) => a.type === O.id_aa_mlExpandHistory))?.signedAttrs ?? []).filter((a) => a.type === O.id_aa_mlExpandHistory).map((a) => a.raw);
      const have = !!outer && outer.sd.signerInfos.length > 0 && outer.sd.signerInfos.every((si) => wanted.every((w) => (si.signedAttrs ?? []).some((a) => a.raw.equals(w))));
      check(have, have ? 'the outer layer carries the remembered mlExpansionHistory (N5)' : 'the re-added outer layer lacks the remembered mlExpansionHistory', 'DOMSEC-5-READD-ML-ATTRIBUTES', 'MUST');
    }
  }
  return { ...verdictOf(checks), checks, evidence };
}
