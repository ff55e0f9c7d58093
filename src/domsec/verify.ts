/**
 * Verification of a received message (draft 2.4, 3.1, 3.2): every signature in every layer, path
 * validation at a given time, SignatureType and mlExpansionHistory rules, the naming convention for
 * domain signatures, and the resulting RFC 8601 Authentication-Results value with the RFC 7281 `smime`
 * method (N14). Violations are flagged in the report, never thrown: only unreadable input throws.
 */
import { X509Certificate } from 'node:crypto';
import * as O from '../asn1/oids.js';
import { checkSignerInfo, type SignerCheck } from '../cms/signed-data.js';
import type { RecipientKey, RecipientSummary } from '../cms/recipient-info.js';
import { parseCertificate, type CertInfo } from '../x509/certificate.js';
import { messagePathBudget, validatePath, type PathBudget, type PathResult } from '../x509/path.js';
import { CertificatePool } from '../x509/pool.js';
import { children, rawOf } from '../cms/der.js';
import type { ParsedSignerInfo } from '../cms/signed-data.js';

type SignerIdentifierBlock = Extract<ParsedSignerInfo['sid'], { kind: 'issuerAndSerialNumber' }>['block'];
import { MAX_SIGNERS_PER_MESSAGE, MAX_SIGNERS_PER_SIGNED_DATA } from '../limits.js';

/** RFC 8551 4.1: "key size <= 2047 : SHOULD NOT" for receiving agents verifying RSA signatures and certificates. */
const MIN_RSA_BITS = 2048;
import { getHeaders } from '../mime/index.js';
import { checkDomainSignerNaming, certificatePurpose, originatorDomain, type NamingResult, type NamingRole, type OriginatorDomain } from './naming.js';
import { isDomainSignature, signatureTypesOf } from './signature-type.js';
import { mlExpansionHistoryOf } from './ml-expansion-history.js';
import { REASONS, type ReasonCode } from './reasons.js';
import { layerChain, parseMessage, shapeOf, signedLabel, type Layer, type SignedLayer } from '../message/layers.js';

export type Verdict = 'pass' | 'fail' | 'policy' | 'none' | 'neutral';

export interface VerifyOptions {
  /** DER of the trust anchors that signer certificates must chain to. */
  trustAnchors: Buffer[];
  /** Validation time for certificate paths (vectors pin it); default now. */
  validationTime?: Date;
  /** Keys (recipient or DCA) to open encrypted layers, so the signatures inside are checked too. */
  keys?: RecipientKey[];
  /** Certificates not carried in the message (e.g. intermediates, or signers of a no-certs SignedData). */
  extraCertificates?: Buffer[];
  /** The originator's From: value; default the message's own From: (N9). */
  from?: string;
  /** Which SAN forms count for domain signers (N10): 'msa' submit://, 'mta' smtp://, 'any'. */
  namingRole?: NamingRole;
  /** authserv-id for Authentication-Results (RFC 8601 2.5). */
  authservId?: string;
}

export interface SignerReport {
  index: number;
  subject?: string;
  emails: string[];
  certDer?: Buffer;
  /** SignatureType values as OIDs. */
  signatureTypes: string[];
  domainSignature: boolean;
  signature: SignerCheck;
  path?: PathResult;
  naming?: NamingResult;
  reasons: ReasonCode[];
  verdict: 'pass' | 'fail' | 'policy';
}

export interface LayerReport {
  /** Position from the outside, 0 = outermost. */
  position: number;
  kind: Layer['kind'];
  /** `S[domainSig]`, `E`, `data` ... */
  label: string;
  signers: SignerReport[];
  reasons: ReasonCode[];
  recipients?: RecipientSummary[];
  opened?: boolean;
  mlExpansionHistoryEntries?: number;
  /**
   * An opened envelopedData whose content-encryption algorithm does not authenticate (AES-CBC, what the
   * draft uses): the decrypted entity can be changed by whoever changes the ciphertext (EFAIL), so only
   * what a valid signature inside it covers is integrity-protected. `coveredByOuterSignature`: a signed
   * layer outside it passed, and its signature covers the ciphertext. Reason code ENCRYPTION_NOT_AUTHENTICATED
   * (outcome 'note': acceptable, changes no verdict).
   */
  unauthenticatedEncryption?: UnauthenticatedEncryption;
  verdict: 'pass' | 'fail' | 'policy' | 'none';
}

export interface UnauthenticatedEncryption {
  reason: 'ENCRYPTION_NOT_AUTHENTICATED';
  /** contentEncryptionAlgorithm OID. */
  algorithm: string;
  algorithmName: string;
  coveredByOuterSignature: boolean;
}

export interface VerificationReport {
  shape: string;
  layers: LayerReport[];
  /** Draft 3.2: the originator is named by the originator signature when there is one; otherwise only the domain is known. */
  originator: { from?: string; domain?: string; identifiedBy: 'originatorSignature' | 'domainSignature' | 'none'; identity?: string };
  domainSignatures: number;
  verdict: Verdict;
  reasons: ReasonCode[];
  /**
   * Reasons of outcome 'note' that hold for the message as received (e.g. ENCRYPTION_NOT_AUTHENTICATED
   * for an opened CBC envelope no valid signature covers): they change no verdict, the
   * Authentication-Results comment names them. Kept out of `reasons`, which golden vectors record.
   */
  notes: ReasonCode[];
  authenticationResults: string;
}

function worst(reasons: ReasonCode[]): 'pass' | 'fail' | 'policy' {
  if (reasons.some((r) => REASONS[r].outcome === 'fail')) return 'fail';
  if (reasons.some((r) => REASONS[r].outcome === 'policy')) return 'policy';
  return 'pass';
}

/**
 * What one verification may spend (issue 12, item 6; src/limits.ts): the message's certificates parsed
 * once each and at most MAX_CERTIFICATES_PER_MESSAGE of them, one path-building budget for all its
 * signers, one path per signer certificate, at most MAX_SIGNERS_PER_MESSAGE signers.
 */
interface MessageContext {
  opts: VerifyOptions;
  originator: OriginatorDomain;
  anchors: CertInfo[];
  validationTime: Date;
  pool: CertificatePool;
  extra: Buffer[];
  extraInfos: CertInfo[];
  budget: PathBudget;
  paths: Map<CertInfo, PathResult>;
  signersChecked: number;
}

/** Certificates whose issuer and serialNumber are the bytes of an IssuerAndSerialNumber (RFC 5652 10.2.4). */
function sidCandidates(ias: SignerIdentifierBlock, certs: Buffer[], pool: CertificatePool): Buffer[] {
  const parts = children(ias);
  if (parts.length < 2) return [];
  const issuer = rawOf(parts[0]!);
  const serial = rawOf(parts[1]!);
  // A certificate that cannot be walked stays a candidate: the CMS-level lookup decides about it.
  return certs.filter((d) => {
    const n = pool.namesOf(d);
    return !n || (n.issuerDer.equals(issuer) && n.serialDer.equals(serial));
  });
}

function checkSigner(layer: SignedLayer, index: number, certs: Buffer[], digests: Map<string, Buffer>, ctx: MessageContext): SignerReport {
  const si = layer.sd.signerInfos[index]!;
  // RFC 8551 3.5.3: what a multipart/signed shows is its first part, and that is what is verified (never an eContent).
  // The certificate the sid names is looked for among those whose issuer and serial match, read without
  // decoding (a message may carry MAX_CERTIFICATES_PER_MESSAGE of them); a subjectKeyIdentifier needs them all.
  const named = si.sid.kind === 'issuerAndSerialNumber' ? sidCandidates(si.sid.block, certs, ctx.pool) : certs;
  const sd = { ...layer.sd, certificates: named };
  const sig = checkSignerInfo(sd, si, ctx.extra, layer.kind === 'multipartSigned' ? layer.content : undefined, digests);
  const st = signatureTypesOf(si);
  const ml = mlExpansionHistoryOf(si);
  const reasons: ReasonCode[] = [...sig.reasons, ...st.reasons, ...ml.reasons];
  const report: SignerReport = { index, emails: [], signatureTypes: st.values, domainSignature: isDomainSignature(st), signature: sig, reasons, verdict: 'pass' };
  const cert = sig.certDer ? ctx.pool.parse(sig.certDer) : undefined;
  if (sig.certDer && !cert) {
    // Issue 12, item 1: a certificate that does not parse fully has unknown names, usage and path: never a pass.
    report.certDer = sig.certDer;
    reasons.push('CERT_MALFORMED');
  }
  if (cert) {
    report.certDer = cert.der;
    report.subject = cert.subject;
    report.emails = cert.sanEmails;
    let path = ctx.paths.get(cert);
    if (!path) {
      const lookup = function* (name: Buffer): Generator<CertInfo> {
        yield* ctx.pool.issuersNamed(name);
        yield* ctx.extraInfos.filter((c) => c.subjectDer.equals(name));
      };
      path = validatePath(cert, lookup, ctx.anchors, ctx.validationTime, ctx.budget);
      // A path cut short by the budget is not remembered: it says nothing about the certificate.
      if (path.ok || path.reason !== 'LIMIT_PATH_BUILDING') ctx.paths.set(cert, path);
    }
    report.path = path;
    if (!path.ok) reasons.push(path.reason);
    // RFC 8551 4.1: RSA keys of 2047 bits or fewer SHOULD NOT be accepted, on the signer or its path.
    if ((path.chain.length ? path.chain : [cert]).some((c) => (c.publicKey.asymmetricKeyDetails?.modulusLength ?? Infinity) < MIN_RSA_BITS)) reasons.push('CERT_WEAK_KEY');
    if (report.domainSignature) {
      // draft 2.4 and 3.2: a check MUST be made that the naming convention was used; N11 keyUsage is part of it.
      report.naming = checkDomainSignerNaming(cert, ctx.originator, { role: ctx.opts.namingRole ?? 'any' });
      reasons.push(...report.naming.reasons);
    } else if (!certificatePurpose(cert).signing) {
      reasons.push('CERT_KEY_USAGE_NOT_SIGNING');
    }
  }
  report.reasons = [...new Set(reasons)];
  report.verdict = worst(report.reasons);
  return report;
}

function hasSignedLayerBelow(layer: Layer): boolean | undefined {
  for (const l of layerChain(layer).slice(1)) {
    if (l.kind === 'signedData' || l.kind === 'multipartSigned') return true;
    if ((l.kind === 'envelopedData' || l.kind === 'authEnvelopedData') && !l.inner) return undefined; // cannot tell
  }
  return false;
}

export function verifyLayers(root: Layer, opts: VerifyOptions): VerificationReport {
  const validationTime = opts.validationTime ?? new Date();
  const anchors = opts.trustAnchors.map((d) => parseCertificate(d));
  const fromValues = root.entity ? getHeaders(root.entity, 'From') : [];
  const from = opts.from ?? (fromValues.length === 1 ? fromValues[0] : fromValues.length > 1 ? fromValues.join(', ') : undefined);
  // RFC 5322 3.6: From: occurs exactly once. Several fields are never one originator, whatever they hold
  // (an empty field or one holding only a comment must not let the other stand alone: red-team, issue 12).
  const originator: OriginatorDomain = opts.from === undefined && fromValues.length > 1
    ? { ok: false, reason: 'NAMING_NO_ORIGINATOR_DOMAIN', detail: `From: appears ${fromValues.length} times (RFC 5322 3.6: exactly once)` }
    : originatorDomain(from);
  const pool = new CertificatePool();
  const extra = opts.extraCertificates ?? [];
  const ctx: MessageContext = {
    opts, originator, anchors, validationTime, pool, extra, extraInfos: pool.parseAll(extra), budget: messagePathBudget(), paths: new Map(), signersChecked: 0,
  };
  const layers: LayerReport[] = [];
  const chain = layerChain(root);
  chain.forEach((layer, position) => {
    if (layer.kind === 'content') {
      layers.push({ position, kind: 'content', label: 'data', signers: [], reasons: [], verdict: 'none' });
      return;
    }
    if (layer.kind === 'envelopedData' || layer.kind === 'authEnvelopedData') {
      const reasons: ReasonCode[] = layer.inner ? [] : ['ENCRYPTED_NOT_OPENED'];
      if (layer.openError?.code === 'DECRYPT_FAILED' && layer.kind === 'authEnvelopedData' && /authentication tag/.test(layer.openError.message)) reasons.push('AUTH_TAG_INVALID');
      const report: LayerReport = {
        position, kind: layer.kind, label: layer.kind === 'envelopedData' ? 'E' : 'A', signers: [], reasons,
        recipients: layer.env.recipients, opened: !!layer.inner, verdict: reasons.includes('AUTH_TAG_INVALID') ? 'fail' : 'none',
      };
      // Issue 12, item 5 (EFAIL): an opened envelope without authentication is said to be one.
      const alg = layer.env.contentEncryptionAlgorithm.oid;
      // envelopedData content encryption is never authenticated here (AEAD ciphers come in authEnvelopedData, RFC 5083).
      if (layer.inner && layer.kind === 'envelopedData') {
        report.unauthenticatedEncryption = { reason: 'ENCRYPTION_NOT_AUTHENTICATED', algorithm: alg, algorithmName: O.oidName(alg), coveredByOuterSignature: false };
      }
      layers.push(report);
      return;
    }
    if (layer.kind !== 'signedData' && layer.kind !== 'multipartSigned') return;
    const signed: SignedLayer = layer;
    const infos = signed.sd.signerInfos;
    const reasons: ReasonCode[] = [];
    // Limits first: what lies beyond them is not checked, and the layer fails for it (never a pass).
    const certs = pool.admit(signed.sd.certificates);
    if (certs.length < signed.sd.certificates.length) reasons.push('LIMIT_CERTIFICATES');
    const tooMany = infos.length > MAX_SIGNERS_PER_SIGNED_DATA || ctx.signersChecked + infos.length > MAX_SIGNERS_PER_MESSAGE;
    if (tooMany) reasons.push('LIMIT_SIGNERS');
    else ctx.signersChecked += infos.length;
    if (layer.kind === 'multipartSigned' && signed.sd.eContent !== undefined) {
      // Issue 12, item 2: an attached SignedData in the detached position signs something other than what is shown.
      reasons.push('DETACHED_SIGNATURE_ATTACHED');
      if (!signed.content || !signed.sd.eContent.equals(signed.content)) reasons.push('SIGNED_CONTENT_DIFFERS');
    }
    const digests = new Map<string, Buffer>();
    const signers = tooMany ? [] : infos.map((_, i) => checkSigner(signed, i, certs, digests, ctx));
    if (infos.length === 0) {
      reasons.push('EMPTY_SIGNATURE_LAYER');
      if (signed.sd.eContentType !== O.id_data) reasons.push('EMPTY_LAYER_NOT_ID_DATA');
      if (layer.kind === 'multipartSigned') reasons.push('EMPTY_LAYER_NO_CONTENT');
    }
    let mls: ReturnType<typeof mlExpansionHistoryOf>[] = [];
    if (!tooMany) {
      if (new Set(infos.map((si) => signatureTypesOf(si).canonical)).size > 1) reasons.push('STYPE_INCONSISTENT');
      mls = infos.map(mlExpansionHistoryOf);
      if (new Set(mls.map((m) => m.canonical)).size > 1) reasons.push('MLEH_INCONSISTENT');
    }
    if (signers.some((s) => s.domainSignature) && hasSignedLayerBelow(layer) === false) reasons.push('DOMAIN_SIG_ENCAPSULATES_NOTHING');
    const all = [...reasons, ...signers.flatMap((s) => s.reasons)];
    const layerWorst = worst(all);
    const report: LayerReport = {
      position, kind: layer.kind, label: `${layer.kind === 'signedData' ? 'S' : 'M'}[${signedLabel(signed.sd)}]`, signers, reasons,
      verdict: signers.length ? layerWorst : layerWorst === 'pass' ? 'none' : layerWorst,
    };
    const mlEntries = mls.find((m) => m.present)?.entries;
    if (mlEntries !== undefined) report.mlExpansionHistoryEntries = mlEntries;
    layers.push(report);
  });
  // A parser differential (RFC 2045): an entity with two Content-Type (or Content-Transfer-Encoding) fields
  // may be read one way here and another way by the reader's client; such a layer is not accepted.
  chain.forEach((layer, i) => {
    const e = layer.entity;
    if (!e) return;
    if (getHeaders(e, 'Content-Type').length > 1 || getHeaders(e, 'Content-Transfer-Encoding').length > 1) {
      const l = layers[i]!;
      l.reasons.push('MIME_AMBIGUOUS_HEADER');
      l.verdict = 'fail';
    }
  });
  const allSigners = layers.flatMap((l) => l.signers);
  const originatorSigner = findOriginatorSigner(chain, layers);
  flagAddressMismatches(layers, chain, originator);
  // An envelope inside a signed layer that passed is covered by that signature (it signs the ciphertext).
  const notes: ReasonCode[] = [];
  layers.forEach((l, i) => {
    if (!l.unauthenticatedEncryption) return;
    l.unauthenticatedEncryption.coveredByOuterSignature = layers.slice(0, i).some((o) => o.signers.length > 0 && o.verdict === 'pass');
    if (!l.unauthenticatedEncryption.coveredByOuterSignature && !notes.includes('ENCRYPTION_NOT_AUTHENTICATED')) notes.push('ENCRYPTION_NOT_AUTHENTICATED');
  });
  const reasons = [...new Set(layers.flatMap((l) => [...l.reasons, ...l.signers.flatMap((s) => s.reasons)]))];
  let verdict: Verdict;
  if (allSigners.length === 0) verdict = layers.some((l) => l.reasons.includes('ENCRYPTED_NOT_OPENED')) ? 'neutral' : worst(reasons) === 'pass' ? 'none' : worst(reasons);
  else verdict = worst(reasons);

  // Only a domain signature that is valid and follows the naming convention says which domain the message came from (draft 3.2).
  const domainSigner = allSigners.find((s) => s.domainSignature && s.verdict !== 'fail' && s.signature.ok && s.naming?.ok);
  const orig: VerificationReport['originator'] = { identifiedBy: 'none' };
  if (from) orig.from = from;
  if (originatorSigner) {
    orig.identifiedBy = 'originatorSignature';
    orig.identity = originatorSigner.emails[0] ?? originatorSigner.subject ?? 'unknown';
    if (originator.ok) orig.domain = originator.domain;
  } else if (domainSigner) {
    orig.identifiedBy = 'domainSignature';
    const d = domainSigner.naming?.matchedDomain;
    if (d) {
      orig.domain = d;
      orig.identity = d;
    }
  }
  const report: VerificationReport = {
    shape: shapeOf(root),
    layers,
    originator: orig,
    domainSignatures: allSigners.filter((s) => s.domainSignature).length,
    verdict,
    reasons,
    notes,
    authenticationResults: '',
  };
  report.authenticationResults = authenticationResults(report, opts.authservId ?? 'domsec.invalid');
  return report;
}

/**
 * The originator signature (draft 3.1.1, 3.2; N12), searched from the innermost layer out: a valid signer
 * whose SignatureType names id-sti-originatorSig, or that has no SignatureType and encapsulates no further
 * signature ("If the SignatureType attribute is absent and there are no further encapsulated signatures
 * the recipient SHOULD assume that the signature is that of the message originator"). So an empty layer is
 * never one (it has no signers), nor is a signature without SignatureType that wraps other signatures
 * (an MLA's outer layer, or any layer above an invalid originator signature), nor one above an encrypted
 * layer that was not opened (what it encapsulates is unknown).
 */
function findOriginatorSigner(chain: Layer[], layers: LayerReport[]): SignerReport | undefined {
  let signaturesBelow = false;
  for (let i = chain.length - 1; i >= 0; i--) {
    const layer = chain[i]!;
    if ((layer.kind === 'envelopedData' || layer.kind === 'authEnvelopedData') && !layer.inner) signaturesBelow = true;
    const signers = layers[i]?.signers ?? [];
    if (signers.length === 0) continue;
    const found = signers.find(
      (s) =>
        !s.domainSignature &&
        s.verdict !== 'fail' &&
        s.signature.ok &&
        (s.signatureTypes.includes(O.id_sti_originatorSig) || (s.signatureTypes.length === 0 && !signaturesBelow)),
    );
    if (found) return found;
    signaturesBelow = true;
  }
  return undefined;
}

/**
 * RFC 8550 3 / draft 3.1: a signature whose certificate does not name the From: address is flagged
 * (masquerade check). Exempt: domain signatures (the naming convention of 2.4 replaces the check),
 * signatures under a valid domain signature (draft 3.2: the domain signer is assumed to have verified
 * them), MLA signatures carrying a signed mlExpansionHistory (RFC 2634 4.2), and invalid signatures
 * (already failed).
 */
function flagAddressMismatches(layers: LayerReport[], chain: Layer[], originator: OriginatorDomain): void {
  // Issue 12, item 3: without exactly one usable From: mailbox (none, several, a group, unparseable, an
  // address literal) the check cannot be made, and a check not made is not a pass (N9, RFC 8550 3).
  const address = originator.ok ? originator.address.toLowerCase() : undefined;
  for (const l of layers) {
    if (l.signers.some((s) => s.domainSignature && s.verdict !== 'fail')) return;
    const layer = chain[l.position];
    if (!layer || (layer.kind !== 'signedData' && layer.kind !== 'multipartSigned')) continue;
    for (const s of l.signers) {
      if (s.domainSignature || s.verdict === 'fail' || !s.certDer) continue;
      if (mlExpansionHistoryOf(layer.sd.signerInfos[s.index]!).present) continue;
      if (address === undefined) s.reasons.push('FROM_NOT_ONE_MAILBOX');
      else if (s.emails.some((e) => e.toLowerCase() === address)) continue;
      else s.reasons.push('SIGNER_ADDRESS_MISMATCH');
      s.verdict = worst(s.reasons);
    }
    l.verdict = l.signers.length ? worst([...l.reasons, ...l.signers.flatMap((s) => s.reasons)]) : l.verdict;
  }
}

export function verifyMessage(raw: Buffer, opts: VerifyOptions): VerificationReport {
  const root = parseMessage(raw, opts.keys ? { keys: opts.keys } : {});
  return verifyLayers(root, opts);
}

/** RFC 2045 token: printable US-ASCII except SPACE and the tspecials ()<>@,;:\\"/[]?= */
const TOKEN_RE = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
/** RFC 8601 2.2 `[ [ local-part ] "@" ] domain-name`: local-part as a dot-atom (RFC 5322 3.2.3), domain-name as in RFC 6376 3.5. */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const ADDRESS_RE = new RegExp(`^(?:${ATEXT}(?:\\.${ATEXT})*)?@${LABEL}(?:\\.${LABEL})+$`);
/** Control characters (CR and LF above all) can be neither written nor quoted in a field body: each run becomes one space. */
const CONTROLS_RE = /[\x00-\x1f\x7f]+/g;

/**
 * RFC 8601 2.2 pvalue: an RFC 2045 token or an address written as is, anything else as a quoted-string.
 * Values come from certificates (subject, SAN e-mail), i.e. from the sender: control characters are
 * replaced so that nothing can end or fold the header line.
 */
function propValue(raw: string): string {
  const v = raw.replace(CONTROLS_RE, ' ');
  return TOKEN_RE.test(v) || ADDRESS_RE.test(v) ? v : `"${v.replace(/["\\]/g, '\\$&')}"`;
}

/** RFC 8601 2.3 comments: parentheses and backslashes escaped, no control characters (so no line breaks). */
function comment(text: string): string {
  return `(${text.replace(CONTROLS_RE, ' ').replace(/[()\\]/g, '\\$&')})`;
}

/**
 * Authentication-Results value (RFC 8601 2.2) with the `smime` method of RFC 7281, whose properties are
 * ptype `body`: smime-identifier (who signed), smime-part (which part, `1` here: the whole body).
 */
export function authenticationResults(report: VerificationReport, authservId: string): string {
  const parts = [`${authservId};`, `smime=${report.verdict}`];
  const top = report.reasons.filter((r) => REASONS[r].outcome !== 'info');
  // Notes (outcome 'note') are said whatever the verdict: for ENCRYPTION_NOT_AUTHENTICATED, that the
  // decrypted text outside any signed part could have been changed in transit (issue 12, item 5; EFAIL).
  const notes = (report.notes ?? []).map((n) => (n === 'ENCRYPTION_NOT_AUTHENTICATED' ? `${n}: content under unauthenticated encryption is not integrity-protected` : n));
  if (report.verdict === 'pass') parts.push(comment([report.domainSignatures ? `domain signatures verified: ${report.domainSignatures}` : 'signature verified', ...notes].join('; ')));
  else if (top.length || notes.length) parts.push(comment([...(top.length ? [top.join(' ')] : []), ...notes].join('; ')));
  if (report.originator.identity) parts.push(`body.smime-identifier=${propValue(report.originator.identity)}`);
  if (report.verdict !== 'none') parts.push('body.smime-part=1');
  return parts.join(' ');
}

/** Subject of a certificate for display, without failing on odd encodings. */
export function certSubject(der: Buffer): string {
  try {
    return new X509Certificate(der).subject.replace(/\n/g, ', ');
  } catch {
    return '?';
  }
}
