/**
 * Evidence of what a message is, layer by layer, for results.json and the report (issue 6): a pure
 * description of a parsed layer tree (src/message/layers.ts) with, per layer, its kind, content type,
 * size and algorithms; per SignerInfo who signed (the certificate's CN and SubjectAltNames, draft 2.4,
 * else the sid), the SignatureType values (draft 3.1.1, N1, N2), the signed attributes present and, when
 * the grader verified the message, whether the signature verified; per RecipientInfo whom it is for (the
 * suite's certificate it names) and whether the suite opened the layer with it; the originatorInfo
 * certificates of an encrypted layer (N13). And the layers a case expects, read from its expected shape.
 *
 * The gateway under test writes most of what is described here, so nothing in it is trusted: every string
 * and list is bounded (the limits below), control characters are replaced, and a layer that cannot be
 * described says why instead of throwing, so that evidence never turns a FAIL into an ERROR.
 */
import * as x509 from '@peculiar/x509';
import * as O from '../asn1/oids.js';
import { certRef, describeIssuerAndSerial, type CertRef } from '../cms/cert-ref.js';
import { findSignerCertificate, type ParsedSignerInfo } from '../cms/signed-data.js';
import { recipientInfoMatches } from '../cms/recipient-info.js';
import { getHeader } from '../mime/index.js';
import { parseCertificate } from '../x509/certificate.js';
import { signatureTypesOf } from '../domsec/signature-type.js';
import { mlExpansionHistoryOf } from '../domsec/ml-expansion-history.js';
import { verifyLayers, type VerificationReport, type VerifyOptions } from '../domsec/verify.js';
import { layerChain, layerLabel, SIGNATURE_TYPE_SHORT_NAMES, type EnvelopeLayer, type Layer, type SignedLayer } from '../message/layers.js';
import { parseShape, tokenLabel, type LayerToken } from '../message/shape.js';
import { displayName, recipientDisplayName } from './model.js';
import type { CertName, ExpectedLayer, LayerDetail, LayerDetailKind, LayerRecipient, LayerSigner, MessageLayers, OidRef } from './model.js';

// ------------------------------------------------------------------ limits

/**
 * Layers described per message. The report draws 16 (src/report/shape.ts MAX_DRAWN_LAYERS) and real mail
 * has fewer than 8; the parser allows 128 (MAX_LAYER_DEPTH), so the rest of a deep message is counted.
 */
export const MAX_EVIDENCE_LAYERS = 32;
/** SignerInfos per layer: DOMSEC layers have one or two (draft 3.1.1 allows several); a hostile one thousands. */
export const MAX_EVIDENCE_SIGNERS = 8;
/** RecipientInfos per layer: a message is encrypted for a handful of recipients and DCAs. */
export const MAX_EVIDENCE_RECIPIENTS = 8;
/** Attributes listed per SignerInfo: real ones carry 3 to 7 (contentType, messageDigest, signingTime, signatureType ...). */
export const MAX_EVIDENCE_ATTRIBUTES = 16;
/** Entries of every other list: SubjectAltNames of one form, rids of a kari, digest algorithms, reasons, certificates. */
export const MAX_EVIDENCE_LIST = 8;
/** Characters per string: a distinguished name is rarely 200; the gateway may send megabytes of one. */
export const MAX_EVIDENCE_STRING = 256;
/**
 * Certificates of a SignedData searched for a signer's own, when the verifier has not named it: a real
 * one carries the signer's and a short chain; each candidate costs a certificate parse.
 */
export const MAX_EVIDENCE_CERTIFICATE_SEARCH = 32;

// ------------------------------------------------------------------ bounding

// C0 and C1 controls and DEL: they carry nothing a reader needs and can upset terminals and logs.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** A string from the message, bounded and without control characters. */
export function bounded(s: string, max = MAX_EVIDENCE_STRING): string {
  const clean = s.replace(CONTROLS, '\ufffd');
  if (clean.length <= max) return clean;
  let cut = clean.slice(0, max - 1);
  // Do not leave half of a surrogate pair at the cut.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A list of strings, bounded; the last entry says how many more there were. */
export function boundedList(items: readonly string[], max = MAX_EVIDENCE_LIST): string[] {
  const out = items.slice(0, max).map((s) => bounded(s));
  if (items.length > max) out.push(`… and ${items.length - max} more`);
  return out;
}

function oidRef(oid: string): OidRef {
  const name = O.OID_NAMES[oid];
  return name ? { oid: bounded(oid), name } : { oid: bounded(oid) };
}

function errorText(e: unknown): string {
  return bounded(e instanceof Error ? e.message : String(e));
}

// ------------------------------------------------------------------ certificates

/** The CN of a certificate's subject, read from the subject's own bytes. */
function commonName(subjectDer: Buffer): string | undefined {
  try {
    return new x509.Name(subjectDer).getField('CN')[0];
  } catch {
    return undefined;
  }
}

/** A certificate's names (draft 2.4: the SubjectAltName forms a domain signer or DCA is named by). */
export function certName(der: Buffer): CertName | undefined {
  try {
    const c = parseCertificate(der);
    const cn = commonName(c.subjectDer);
    return {
      subject: bounded(c.subject),
      ...(cn !== undefined ? { cn: bounded(cn) } : {}),
      sanUris: boundedList(c.sanUris),
      sanDnsNames: boundedList(c.sanDnsNames),
      sanEmails: boundedList(c.sanEmails),
    };
  } catch {
    return undefined;
  }
}

function sidText(si: ParsedSignerInfo): string {
  try {
    return bounded(si.sid.kind === 'issuerAndSerialNumber' ? describeIssuerAndSerial(si.sid.block) : `skid:${si.sid.skid.toString('hex')}`);
  } catch {
    return '(unreadable SignerIdentifier)';
  }
}

interface Known {
  der: Buffer;
  ref: CertRef;
}

function knownRefs(certs: readonly Buffer[]): Known[] {
  const out: Known[] = [];
  for (const der of certs) {
    try {
      out.push({ der, ref: certRef(der) });
    } catch {
      // A certificate that does not decode names nothing.
    }
  }
  return out;
}

// ------------------------------------------------------------------ layers

export interface DescribeOptions {
  /**
   * Certificates the suite knows (its PKI): they name the signer of a SignedData that carries no
   * certificates and the recipients of an encrypted layer.
   */
  knownCertificates?: readonly Buffer[];
  /** The verifier's report for this tree (src/domsec/verify.ts): its signers then say whether they verified. */
  verification?: VerificationReport;
}

function detailKind(layer: Layer): LayerDetailKind {
  if ((layer.kind === 'signedData' || layer.kind === 'multipartSigned') && layer.sd.signerInfos.length === 0) return 'emptySignature';
  return layer.kind;
}

function signerDetail(layer: SignedLayer, si: ParsedSignerInfo, depth: number, known: Known[], opts: DescribeOptions): LayerSigner {
  const sid = sidText(si);
  // LayerReport.position is the layer's index in layerChain, SignerReport.index the SignerInfo's.
  const checked = opts.verification?.layers.find((l) => l.position === depth)?.signers.find((r) => r.index === si.index);
  const certDer = checked?.certDer ?? findSignerCertificate(si, [...layer.sd.certificates.slice(0, MAX_EVIDENCE_CERTIFICATE_SEARCH), ...known.map((k) => k.der)])?.der;
  const certificate = certDer ? certName(certDer) : undefined;
  const attrs = si.signedAttrs ?? [];
  const unsigned = si.unsignedAttrs ?? [];
  const omitted = Math.max(0, attrs.length - MAX_EVIDENCE_ATTRIBUTES) + Math.max(0, unsigned.length - MAX_EVIDENCE_ATTRIBUTES);
  const st = signatureTypesOf(si);
  const ml = mlExpansionHistoryOf(si);
  const s: LayerSigner = {
    name: certificate ? displayName(certificate) : sid,
    sid,
    ...(certificate ? { certificate } : {}),
    digestAlgorithm: oidRef(si.digestAlgorithm),
    signatureAlgorithm: oidRef(si.signatureAlgorithm),
    signatureTypes: st.values.slice(0, MAX_EVIDENCE_LIST).map(oidRef),
    signedAttributes: attrs.slice(0, MAX_EVIDENCE_ATTRIBUTES).map((a) => oidRef(a.type)),
    unsignedAttributes: unsigned.slice(0, MAX_EVIDENCE_ATTRIBUTES).map((a) => oidRef(a.type)),
    ...(omitted ? { attributesOmitted: omitted } : {}),
    ...(ml.present ? { mlExpansionHistoryEntries: ml.entries } : {}),
  };
  if (checked) {
    s.valid = checked.signature.ok;
    s.verdict = checked.verdict;
    s.reasons = boundedList(checked.reasons);
  }
  return s;
}

function recipientDetails(layer: EnvelopeLayer, known: Known[]): Pick<LayerDetail, 'recipients' | 'recipientsOmitted'> {
  const infos = layer.env.recipientInfos;
  const recipients = infos.slice(0, MAX_EVIDENCE_RECIPIENTS).map((ri, i): LayerRecipient => {
    const summary = layer.env.recipients[i];
    const names: CertName[] = [];
    for (const k of known) {
      if (names.length >= MAX_EVIDENCE_LIST) break;
      let match = false;
      try {
        match = recipientInfoMatches(ri, k.ref);
      } catch {
        // A RecipientInfo too broken to compare matches no certificate.
      }
      const n = match ? certName(k.der) : undefined;
      if (n) names.push(n);
    }
    return {
      type: summary?.kind ?? 'ori',
      rids: boundedList(summary?.recipients ?? []),
      keyEncryptionAlgorithm: oidRef(summary?.keyEncryptionAlgorithm ?? '?'),
      certificates: names,
      ...(layer.opened?.recipientIndex === i ? { used: true } : {}),
    };
  });
  return { recipients, ...(infos.length > MAX_EVIDENCE_RECIPIENTS ? { recipientsOmitted: infos.length - MAX_EVIDENCE_RECIPIENTS } : {}) };
}

function layerDetail(layer: Layer, depth: number, known: Known[], opts: DescribeOptions): LayerDetail {
  const d: LayerDetail = { depth, kind: detailKind(layer), label: bounded(layerLabel(layer)), bytes: layer.raw.length };
  const mediaType = layer.entity ? getHeader(layer.entity, 'Content-Type') : undefined;
  if (mediaType !== undefined) d.mediaType = bounded(mediaType);
  switch (layer.kind) {
    case 'content':
      return d;
    case 'signedData':
    case 'multipartSigned':
      return Object.assign(d, signedDetail(layer, depth, known, opts));
    case 'envelopedData':
    case 'authEnvelopedData':
      return Object.assign(d, envelopeDetail(layer, depth, known, opts));
  }
}

function signedDetail(layer: SignedLayer, depth: number, known: Known[], opts: DescribeOptions): Partial<LayerDetail> {
  const sd = layer.sd;
  const d: Partial<LayerDetail> = {
    ...(layer.cmsNested ? { cmsNested: true } : {}),
    contentType: oidRef(sd.eContentType),
    digestAlgorithms: sd.digestAlgorithms.slice(0, MAX_EVIDENCE_LIST).map(oidRef),
    certificates: sd.certificates.length,
    signers: sd.signerInfos.slice(0, MAX_EVIDENCE_SIGNERS).map((si) => signerDetail(layer, si, depth, known, opts)),
  };
  if (sd.signerInfos.length > MAX_EVIDENCE_SIGNERS) d.signersOmitted = sd.signerInfos.length - MAX_EVIDENCE_SIGNERS;
  return d;
}

function envelopeDetail(layer: EnvelopeLayer, depth: number, known: Known[], opts: DescribeOptions): Partial<LayerDetail> {
  const env = layer.env;
  // Issue 12 item 5: CBC does not authenticate the content (EFAIL); the verifier notes it, the evidence shows it.
  const cbc = opts.verification?.layers.find((l) => l.position === depth)?.unauthenticatedEncryption;
  return {
    ...(cbc ? { unauthenticatedEncryption: { algorithm: oidRef(cbc.algorithm), coveredByOuterSignature: cbc.coveredByOuterSignature } } : {}),
    ...(layer.cmsNested ? { cmsNested: true } : {}),
    contentType: oidRef(env.contentType),
    contentEncryptionAlgorithm: oidRef(env.contentEncryptionAlgorithm.oid),
    ...recipientDetails(layer, known),
    originatorCertificates: env.originatorCertificates
      .slice(0, MAX_EVIDENCE_LIST)
      .map((c) => certName(c) ?? { subject: '(a certificate that does not decode)', sanUris: [], sanDnsNames: [], sanEmails: [] }),
    opened: !!layer.inner,
    ...(layer.inner ? {} : { notOpened: bounded(layer.openError?.message ?? 'not opened') }),
  };
}

/**
 * The layers of a parsed message, outermost first, as evidence. Never throws: a layer that cannot be
 * described carries `error`, and the layers after it are still described.
 */
export function describeLayers(root: Layer, opts: DescribeOptions = {}): MessageLayers {
  const known = knownRefs(opts.knownCertificates ?? []);
  const chain = layerChain(root);
  const layers = chain.slice(0, MAX_EVIDENCE_LAYERS).map((layer, depth): LayerDetail => {
    try {
      return layerDetail(layer, depth, known, opts);
    } catch (e) {
      return { depth, kind: detailKind(layer), label: '?', bytes: layer.raw.length, error: `this layer cannot be described: ${errorText(e)}` };
    }
  });
  return { layers, ...(chain.length > MAX_EVIDENCE_LAYERS ? { omitted: chain.length - MAX_EVIDENCE_LAYERS } : {}) };
}

/** The evidence of a message that did not parse. */
export function unparsedLayers(error: string): MessageLayers {
  return { layers: [], error: bounded(error) };
}

/**
 * The verifier's report for the evidence, or undefined when the message is too broken to verify (the
 * verifier throws only on unreadable input; the evidence then just does not say who verified).
 */
export function verifyForEvidence(root: Layer, opts: VerifyOptions): VerificationReport | undefined {
  try {
    return verifyLayers(root, opts);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ expected layers

/** The shape notation's SignatureType short names back to their OIDs. */
const SIGNATURE_TYPE_OID: Record<string, string> = Object.fromEntries(Object.entries(SIGNATURE_TYPE_SHORT_NAMES).map(([oid, short]) => [short, oid]));

function tokenKind(t: LayerToken): LayerDetailKind | undefined {
  switch (t.kind) {
    case 'S':
      return t.labels.length === 1 && t.labels[0] === 'empty' ? 'emptySignature' : 'signedData';
    case 'M':
      return 'multipartSigned';
    case 'E':
      return 'envelopedData';
    case 'A':
      return 'authEnvelopedData';
    case 'data':
      return 'content';
    default:
      return undefined;
  }
}

/** E and A match, as in grading: a gateway may choose AuthEnvelopedData. */
const sameLayer = (a: string, b: string): boolean => a.replace(/^A$/, 'E') === b.replace(/^A$/, 'E');

function keptNote(kind: LayerDetailKind): string {
  switch (kind) {
    case 'content':
      return 'the original content';
    case 'envelopedData':
    case 'authEnvelopedData':
      return 'the encrypted layer of the sent message, kept as it was (Section 5, N7)';
    default:
      return 'the signed layer of the sent message, kept byte for byte: a domain signature encapsulates the signatures below it (draft 2.3, 3.1.1)';
  }
}

function addedLayer(t: LayerToken, kind: LayerDetailKind, local: string): Omit<ExpectedLayer, 'kind' | 'label' | 'origin'> {
  if (t.kind === 'E' || t.kind === 'A') {
    return {
      note: `encrypted before it leaves the domain, the local policy (Section 5, N15); originatorInfo carries the certificate of the DCA of ${local} (N13)`,
      signers: [],
      recipients: [{ name: "the recipient, or the recipient domain's DCA (draft 4, cases c and d)" }],
    };
  }
  if (t.kind === 'data') return { note: 'the original content', signers: [], recipients: [] };
  if (kind === 'emptySignature') return { note: 'the empty signature layer: no SignerInfos, eContentType id-data, the message as eContent (draft 2.3, N12)', signers: [], recipients: [] };
  const labels = t.kind === 'S' || t.kind === 'M' ? t.labels : [];
  const signatureTypes = labels.flatMap((l): OidRef[] => (SIGNATURE_TYPE_OID[l] ? [oidRef(SIGNATURE_TYPE_OID[l]!)] : /^\d+(\.\d+)+$/.test(l) ? [oidRef(l)] : []));
  if (labels.includes('ml')) {
    return {
      note: 'the stripped outer layer, re-added over the domain signature with its remembered mlExpansionHistory and other signed attributes (Section 5, N5), signed by the domain signer (N6)',
      signers: [{ name: `the domain signer of ${local} (N6)`, signatureTypes }],
      recipients: [],
    };
  }
  if (labels.includes('domainSig')) {
    return {
      note: `a domain signature (SignatureType id-sti-domainSig, draft 3.1) by a certificate named for ${local}: SubjectAltName submit://${local} or smtp://${local}, or dNSName ${local} (draft 2.4, N10)`,
      signers: [{ name: `the domain signer of ${local}`, signatureTypes }],
      recipients: [],
    };
  }
  return { note: 'a signed layer the gateway adds', signers: [{ name: `a signer of ${local}`, signatureTypes }], recipients: [] };
}

/**
 * The layers of a case's expected shape, outermost first, each saying what it must be. The innermost
 * layers that match the sent message's are the sent layers kept (Section 5 strips and adds layers only
 * on the outside: Examples 1 to 7 keep an inner part of the input byte for byte), and carry the sent
 * layer's signers and recipients; the layers above them are those the gateway adds.
 */
export function expectedLayers(shape: string, sent: MessageLayers | undefined, local: string): ExpectedLayer[] {
  const parsed = parseShape(shape);
  if (!parsed.ok) return [];
  const tokens = parsed.chain.filter((t) => tokenKind(t) !== undefined).slice(0, MAX_EVIDENCE_LAYERS);
  const sentLayers = sent && !sent.omitted && !sent.error ? sent.layers : [];
  // Align from the inside: token i keeps sent layer j while their labels agree.
  const keeps = new Map<number, number>();
  for (let i = tokens.length - 1, j = sentLayers.length - 1; i >= 0 && j >= 0; i--, j--) {
    if (!sameLayer(tokenLabel(tokens[i]!), sentLayers[j]!.label)) break;
    keeps.set(i, j);
  }
  const safeLocal = bounded(local);
  return tokens.map((t, i): ExpectedLayer => {
    const kind = tokenKind(t)!;
    const label = bounded(tokenLabel(t));
    const j = keeps.get(i);
    const kept = j === undefined ? undefined : sentLayers[j];
    if (kept && j !== undefined) {
      return {
        kind,
        label,
        origin: 'sent',
        sentDepth: j,
        note: keptNote(kind),
        signers: (kept.signers ?? []).map((s) => ({ name: s.name, signatureTypes: s.signatureTypes })),
        recipients: (kept.recipients ?? []).map((r) => ({ name: recipientDisplayName(r) })),
      };
    }
    return { kind, label, origin: 'gateway', ...addedLayer(t, kind, safeLocal) };
  });
}
