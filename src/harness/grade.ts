/**
 * Grading: pure functions from (case, what was sent, what the gateway did) to checks and a verdict.
 * No I/O here, so graders are tested directly and the same grades come out whatever drove the gateway.
 * Each check is a module of src/harness/checks/ returning typed checks (requirement, strength from the
 * requirement's level, outcome, expected, found); this file only decides which apply to a case.
 *
 * Grading is a sequence of steps (parse the sent message, parse and verify each relayed one, the checks):
 * `gradeSteps` yields between them, so that the runner can give the event loop its turn and stop a case
 * the run bound has cut off (issue 12 item 6: a slow grade must not hold the run past its bound).
 */
import { getHeaders, parseEntity } from '../mime/index.js';
import * as O from '../asn1/oids.js';
import { layerChain, parseMessage, shapeOf, type Layer } from '../message/layers.js';
import { verifyLayers } from '../domsec/verify.js';
import { describeLayers, expectedLayers, unparsedLayers, verifyForEvidence } from './evidence.js';
import type { VerificationReport, VerifyOptions } from '../domsec/verify.js';
import type { RecipientKey } from '../cms/recipient-info.js';
import type { SubmitResult } from '../smtp/submit.js';
import type { CapturedMessage } from '../smtp/sink.js';
import type { CaseDecl, CaseVerdict, Check, Evidence, MessageLayers } from './model.js';
import { outcomeOf } from './checks/messages.js';
import { requirement, strengthOf } from './catalogue.js';
import { primaryRequirement, type CheckInput, type Received } from './checks/check.js';
import { deliveryChecks } from './checks/delivery.js';
import { refusalCheck } from './checks/refusal.js';
import { verdictChecks } from './checks/verdict.js';
import { decryptedCheck } from './checks/decrypted.js';
import { outputVerifiesCheck } from './checks/output-verifies.js';
import { dcaEncryptionChecks, domainSignatureCount } from './checks/dca-encryption.js';
import { addedEnvelopes, originatorInfoChecks } from './checks/originator-info.js';
import { shapeCheck } from './checks/shape.js';
import { signatureTypePresentCheck, signatureTypeRulesCheck, signatureTypeSignedCheck } from './checks/signature-type.js';
import { signerNamingCheck } from './checks/signer-naming.js';
import { encapsulatesCheck } from './checks/encapsulates.js';
import { originatorKeptCheck } from './checks/originator-kept.js';
import { emptyLayerCheck } from './checks/empty-layer.js';
import { mlAttributesCheck } from './checks/ml-attributes.js';
import { lowerEnvelopeCheck } from './checks/lower-envelope.js';
import { sameSignatureTypeCheck } from './checks/same-signature-type.js';
import { endRecipientInfoCheck } from './checks/end-recipient.js';
import { originatorIdentifierCheck } from './checks/originator-identifier.js';

export { normalizeShape } from './checks/shape.js';

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
  /** Case (c): the end recipient's certificate the case's outbound encryption must address (CaseDecl.endRecipient). */
  endRecipientCert?: Buffer;
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

/**
 * RFC 7281 section 3: the `smime-identifier` property (ptype body) of Authentication-Results smime results,
 * unquoted (RFC 8601 2.2 pvalue). Only this authserv-id's headers when the profile names one.
 */
export function smimeIdentifiers(raw: Buffer, flag: GradeContext['flag']): string[] {
  let headers: string[];
  try {
    headers = getHeaders(parseEntity(raw), 'Authentication-Results');
  } catch {
    return [];
  }
  const authservId = flag.method === 'authentication-results' ? flag.authservId : undefined;
  return headers
    .filter((h) => !authservId || h.trim().toLowerCase().startsWith(authservId.toLowerCase()))
    .flatMap((h) => [...h.matchAll(/\bbody\.smime-identifier\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;()]+)/gi)].map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[1]!)));
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

/**
 * The case verdict from its checks (N16): a failed MUST is FAIL, a failed SHOULD is WARN, a failed MAY is
 * information only; a case none of whose checks could be observed is NOT TESTED.
 */
export function verdictOf(checks: Check[]): { verdict: CaseVerdict; reason: string } {
  const failed = checks.filter((c) => outcomeOf(c) === 'fail');
  const must = failed.filter((c) => c.strength === 'MUST');
  if (must.length) return { verdict: 'FAIL', reason: must.map((c) => c.message).join('; ') };
  const should = failed.filter((c) => c.strength === 'SHOULD');
  if (should.length) return { verdict: 'WARN', reason: should.map((c) => c.message).join('; ') };
  const observed = checks.filter((c) => outcomeOf(c) !== 'not-tested');
  if (checks.length > 0 && observed.length === 0) return { verdict: 'NOT TESTED', reason: checks.map((c) => c.message).join('; ') };
  const acceptable = checks.filter((c) => outcomeOf(c) === 'acceptable');
  const notTested = checks.filter((c) => outcomeOf(c) === 'not-tested');
  const info = failed.length ? `; information (MAY): ${failed.map((c) => c.message).join('; ')}` : '';
  return {
    verdict: 'PASS',
    reason: `${observed.length} check(s) passed${acceptable.length ? ` (acceptable: ${acceptable.map((c) => c.message).join('; ')})` : ''}${notTested.length ? `; not tested: ${notTested.map((c) => `${c.requirement} (${c.message})`).join('; ')}` : ''}${info}`,
  };
}

export type GradeResult = Graded & { sentShape: string };

/**
 * Grade one case. The sent message is parsed once, here: its shape comes back with the grade for the
 * runner's `evidence.sent`, so the runner need not parse (and decrypt) it again.
 */
export function grade(decl: CaseDecl, sent: Buffer, smtp: SubmitResult, captured: CapturedMessage[], g: GradeContext): GradeResult {
  const steps = gradeSteps(decl, sent, smtp, captured, g);
  for (let s = steps.next(); ; s = steps.next()) if (s.done) return s.value;
}

/** The same grade, one step at a time: each `yield` names the step about to run. */
export function* gradeSteps(decl: CaseDecl, sent: Buffer, smtp: SubmitResult, captured: CapturedMessage[], g: GradeContext): Generator<string, GradeResult, void> {
  yield 'parse the sent message';
  const sentParsed = parsed(sent, g.keys);
  const sentShape = sentParsed.root ? shapeOf(sentParsed.root) : '(unparseable)';
  yield 'describe the sent message';
  const sentLayers = layerEvidence(sentParsed, g);
  // Each relayed message is parsed (and decrypted), verified and read for its verdict header once: the
  // evidence and the checks share the results.
  const received: Received[] = [];
  for (const [i, m] of captured.entries()) {
    yield `parse relayed message ${i + 1}`;
    const p = parsed(m.raw, g.keys);
    yield `verify relayed message ${i + 1}`;
    received.push({ ...p, shape: p.root ? shapeOf(p.root) : '(unparseable)', smime: smimeResults(m.raw, g.flag), ...(decl.expect.kind === 'verdict' && decl.expect.originatorIdentifier ? { smimeIdentifiers: smimeIdentifiers(m.raw, g.flag) } : {}), verification: p.root ? verifyForEvidence(p.root, verifyOptions(g)) : undefined });
  }
  yield 'grade';
  // `sent` is the runner's to fill (src/harness/run.ts); the grader adds what it parsed of it.
  const evidence: Evidence = {
    sentLayers,
    smtp: { accepted: smtp.accepted, response: smtp.response, attempts: smtp.attempts, transcript: smtp.transcript, ...(smtp.failure ? { failure: smtp.failure } : {}) },
    received: captured.map((m, i) => {
      const r = received[i]!;
      return { bytes: m.raw.length, shape: r.shape, rcptTo: m.rcptTo, authenticationResults: r.smime, ...(r.error ? { error: r.error } : {}), layers: describeParsed(r, g, r.verification) };
    }),
  };
  return { ...gradeReceived(decl, sentParsed.root, smtp, received, evidence, g), sentShape };
}

/** Section 5's search stops at something other than the original content: an envelopedData or a signedData with mlExpansionHistory. */
function searchFindsSomething(sent: Layer): boolean {
  return layerChain(sent).some((l) => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData' || ((l.kind === 'signedData' || l.kind === 'multipartSigned') && l.sd.signerInfos.some((si) => (si.signedAttrs ?? []).some((a) => a.type === O.id_aa_mlExpandHistory))));
}

function gradeReceived(decl: CaseDecl, sentRoot: Layer | undefined, smtp: SubmitResult, received: Received[], evidence: Evidence, g: GradeContext): Graded {
  const done = (checks: Check[]): Graded => ({ ...verdictOf(checks), checks, evidence });
  if (smtp.failure && TRANSPORT_FAILURES.has(smtp.failure)) {
    return { verdict: 'ERROR', reason: `the gateway's SMTP transport failed (${smtp.failure}): ${smtp.response}`, checks: [], evidence };
  }
  const e = decl.expect;
  const req = primaryRequirement(decl);

  if (e.kind === 'no-domain-signature') {
    return done([refusalCheck(req, smtp, received.length, domainSignatureCount(sentRoot), received[0] ? domainSignatureCount(received[0].root) : undefined)]);
  }

  // Every other expectation needs exactly one relayed / delivered message.
  const flagRequirement = e.kind === 'verdict' ? (e.requirement ?? req) : req;
  const delivery = deliveryChecks(flagRequirement, smtp, received.length, received[0] && !received[0].root ? (received[0].error ?? 'does not parse') : undefined);
  if (delivery.stop) return done(delivery.checks);
  const checks = [...delivery.checks];
  const out = received[0]! as Received & { root: Layer };
  const root = out.root;
  evidence.foundShape = out.shape;

  if (e.kind === 'verdict') {
    // The case's other MUST-level requirements of the receiving roles: not flagging a violation breaks each (issue 13: the fault is named per requirement).
    const also = decl.requirements.filter((r) => r !== flagRequirement && r !== e.acceptableRequirement && strengthOf(r) === 'MUST' && requirement(r).roles.some((role) => role === 'inbound-verifier' || role === 'inbound-dca'));
    checks.push(...verdictChecks(e, flagRequirement, out.smime[0], g.flag.method === 'header', also));
    if (e.decrypted) checks.push(decryptedCheck(root, out.shape));
    if (e.originatorIdentifier) checks.push(originatorIdentifierCheck(sentRoot ? verifyLayers(sentRoot, verifyOptions(g)) : undefined, out.smimeIdentifiers ?? []));
    return done(checks);
  }

  // The evidence's verification of this message; verifying again only when that threw, so that the error
  // reaches the runner (an ERROR naming it).
  const report = out.verification ?? verifyLayers(root, verifyOptions(g));
  const input: CheckInput = { decl, g, ...(sentRoot ? { sent: sentRoot } : {}), out, report };
  checks.push(outputVerifiesCheck(input.report));

  if (e.kind === 'encrypted-for-recipient-dca') {
    evidence.expectedShape = e.shape;
    evidence.expectedLayers = expectedLayers(e.shape, evidence.sentLayers, g.local);
    checks.push(...dcaEncryptionChecks(root, out.shape, g.remoteDcaCert));
    checks.push(...originatorInfoChecks(addedEnvelopes(root, sentRoot), g.local, 'DOMSEC-4.1-DCA-NAMING'));
    return done(checks);
  }

  if (e.kind === 'encrypted-for-end-recipient') {
    evidence.expectedShape = e.shape;
    evidence.expectedLayers = expectedLayers(e.shape, evidence.sentLayers, g.local);
    checks.push(...dcaEncryptionChecks(root, out.shape, undefined));
    checks.push(endRecipientInfoCheck(root, g.endRecipientCert));
    checks.push(...originatorInfoChecks(addedEnvelopes(root, sentRoot), g.local, 'DOMSEC-4.1-DCA-NAMING'));
    return done(checks);
  }

  // domain-signed
  const expected = e.shape[g.policy];
  evidence.expectedShape = expected;
  evidence.expectedLayers = expectedLayers(expected, evidence.sentLayers, g.local);
  checks.push(shapeCheck(req, expected, out.shape));
  // Where the Section 5 search finds something (an envelopedData, an mlExpansionHistory layer), a wrong shape is
  // also a search that was not made as 5 says: the same check names DOMSEC-5-SEARCH-OUTER.
  if (req !== 'DOMSEC-5-SEARCH-OUTER' && decl.requirements.includes('DOMSEC-5-SEARCH-OUTER') && sentRoot && searchFindsSomething(sentRoot)) checks.push(shapeCheck('DOMSEC-5-SEARCH-OUTER', expected, out.shape));
  if (decl.requirements.includes('DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED')) checks.push(lowerEnvelopeCheck(g.policy, root, out.shape));
  // Every envelopedData the gateway added carries originatorInfo for its DCA (Section 5, N13), under either policy.
  checks.push(...originatorInfoChecks(addedEnvelopes(root, sentRoot), g.local, 'DOMSEC-5-POLICY-ENCRYPT'));
  checks.push(signatureTypePresentCheck(report));
  const outer = report.layers.flatMap((l) => l.signers).find((s) => s.domainSignature);
  if (outer) checks.push(signerNamingCheck(outer), signatureTypeRulesCheck(outer));
  checks.push(signatureTypeSignedCheck(report), encapsulatesCheck(report));
  if (e.keepOriginatorSignature && sentRoot) checks.push(originatorKeptCheck(sentRoot, root));
  if (e.emptyLayer) checks.push(emptyLayerCheck(root));
  // A gateway declaring dual-algorithm signing: its SignerInfos must carry the same SignatureType (3.1.1).
  if (e.sameSignatureTypeInEverySigner) checks.push(sameSignatureTypeCheck(root));
  if (e.mlAttributesCarried && sentRoot) {
    const ml = mlAttributesCheck(sentRoot, root);
    if (ml) checks.push(ml);
  }
  return done(checks);
}
