/**
 * Executable model of draft-melnikov-smime-msa-to-mda-02 Section 5 (applying a domain signature when
 * Mail List Agents may be present) and Section 3.2 (when a domain signature may be generated at all),
 * over abstract layer trees (tree.ts). Written from the draft text and the interpretation notes (docs/interpretations.md), not
 * from the engine (src/domsec/apply.ts): the property tests compare the two.
 *
 * Refusals (3.2 "a 'domain signature' MUST NOT be generated"; nothing is produced). When several apply,
 * the model reports them all and names the first of this order as *the* reason: first what the domain
 * signer must learn about the message (it can only verify what it can decrypt, then it verifies, then it
 * knows whether the originator is authenticated), then what it must do itself (sign with a properly
 * named certificate, then encrypt for someone):
 *   NO_LOCAL_DCA_KEY              an envelope in the message does not list the local DCA, so its content
 *                                 cannot be decrypted and the signatures in it cannot be verified
 *                                 (3.2 "including those that have been encrypted", N7, N8)
 *   SIGNATURE_INVALID             a signature anywhere in the message is not valid (3.2, N8)
 *   ORIGINATOR_NOT_AUTHENTICATED  no valid signature by the originator (other than a domain signature) and
 *                                 no external authentication (3.2 first paragraph)
 *   POLICY_VIOLATION              a domain signer whose certificate does not follow 2.4 for the
 *                                 originator's domain, or no originator domain at all (no From:, N9)
 *   NO_RECIPIENTS                 the rules require encryption and no recipient was given
 *
 * Decisions where the draft is silent (each tested in test/model/section5.test.ts):
 *  - authEnvelopedData (A) is an envelopedData for every rule (search, "lower level", re-encryption);
 *    multipart/signed (M) is a signedData layer for every rule (search, encapsulation, stripping).
 *  - signedData layers above the "outer" one with mlExpansionHistory are stripped with it (Section 5
 *    second paragraph: an MLA strips "all signedData layers that encapsulate this 'outer' signedData
 *    layer", ESS 4.2). They are verified first (N8).
 *  - "an envelopedData at a lower level within the message" is any E or A anywhere inside the
 *    decrypted content (N7: Example 7 keeps E1 and must be re-encrypted).
 *  - branch B (mlExpansionHistory, no envelopedData) under an encrypt-everything policy: the domain
 *    signature is enveloped below the re-added outer layer, as in branch A: S_ml(E(S_dom(...))) (N15).
 *  - "A domain signature MUST encapsulate other signatures" (3.1.1): when the content it is about to
 *    wrap contains no signedData layer at any depth (following envelopes), an empty signature layer is
 *    added first (2.3 (1), N12). An empty layer already present counts as a signature to encapsulate
 *    (3.1.1 "could be encapsulating an empty signature").
 *  - the originator is authenticated by a valid signature, at any layer, whose signer is the From:
 *    address's owner and which is not a domain signature (3.2 "the 'originator's signature' is
 *    checked"); a domain signature never authenticates the originator to the next domain signer.
 */
import {
  chainOf, hasFrom, isEnvelope, isSigned,
  type ModelMessage, type ModelNode, type ModelSigner, type Party, type Recipient, type SignedNode, type EnvelopeNode,
} from './tree.js';

export type RefusalCode = 'NO_LOCAL_DCA_KEY' | 'SIGNATURE_INVALID' | 'ORIGINATOR_NOT_AUTHENTICATED' | 'POLICY_VIOLATION' | 'NO_RECIPIENTS';

/** The order in which refusals are reported when several apply (see the module comment). */
export const REFUSAL_ORDER: readonly RefusalCode[] = ['NO_LOCAL_DCA_KEY', 'SIGNATURE_INVALID', 'ORIGINATOR_NOT_AUTHENTICATED', 'POLICY_VIOLATION', 'NO_RECIPIENTS'];

/** Section 5's four outcomes of the search. */
export type Branch = 'mlExpansionHistory+envelopedData' | 'mlExpansionHistory' | 'envelopedData' | 'neither';

export interface ModelOptions {
  /** Local policy requires S/MIME encryption before mail leaves the domain (Section 4, 5). */
  encryptOutbound: boolean;
  /** The envelope the domain puts on: envelopedData (CBC) or authEnvelopedData (AEAD). */
  reencryptAs: 'E' | 'A';
  /** Recipients of that envelope (4.1: end recipients and/or the recipient domain's DCA). */
  encryptFor: Recipient[];
  /** 3.2: the originator was authenticated by a mechanism external to S/MIME (SMTP AUTH ...). */
  originatorAuthenticated: boolean;
  /** Who signs the domain signature (several SignerInfos, 3.1.1). At least one. */
  domainSigners: Array<Extract<Party, 'localDomain' | 'localDomainEc' | 'foreignDomain'>>;
}

/** What a new layer in the output is for. */
export type NewRole = 'domainSignature' | 'emptySignature' | 'reencryption' | 'mlOuter';

export interface ModelSuccess {
  ok: true;
  branch: Branch;
  output: ModelMessage;
  /** Layers the model created, each with its role. Every other layer of the output is an input layer, kept as it was. */
  created: Map<ModelNode, NewRole>;
  /** The new domain signature layer. */
  domainSignature: SignedNode;
  /** Branches with mlExpansionHistory: the input layer whose signed attributes the new outer layer carries (N5). */
  rememberedFrom?: SignedNode;
  /** Input layers removed (stripped or decrypted-and-replaced), outside in. */
  removed: ModelNode[];
  /** What happened, step by step, in the draft's words. */
  steps: string[];
}

export interface ModelRefusal {
  ok: false;
  /** The first applicable refusal in REFUSAL_ORDER. */
  refusal: RefusalCode;
  /** Every refusal that applies. */
  refusals: RefusalCode[];
  steps: string[];
}

export type ModelOutcome = ModelSuccess | ModelRefusal;

/** 2.4 / N9: does this domain signer's certificate name the originator's domain (example.test) or an ascendant? */
export function namedForOriginatorDomain(p: Party): boolean {
  return p === 'localDomain' || p === 'localDomainEc';
}

function containsSignature(n: ModelNode): boolean {
  return chainOf(n).some(isSigned);
}

function containsEnvelope(n: ModelNode): boolean {
  return chainOf(n).some(isEnvelope);
}

function signerIsValid(s: ModelSigner): boolean {
  return s.validity === 'valid';
}

/** Apply a domain signature to `msg` under `opts`: the output tree, or the refusal. `msg` is not changed. */
export function applyModel(msg: ModelMessage, opts: ModelOptions): ModelOutcome {
  if (opts.domainSigners.length === 0) throw new Error('applyModel: no domain signer');
  const chain = chainOf(msg.root);
  const steps: string[] = [];
  const refusals: RefusalCode[] = [];

  // 3.2, N8: every signature must be verified, including encrypted ones; that needs every envelope opened with the local DCA's key.
  const sealed = chain.filter((l): l is EnvelopeNode => isEnvelope(l) && !l.recipients.includes('localDca'));
  if (sealed.length) {
    refusals.push('NO_LOCAL_DCA_KEY');
    steps.push(`cannot decrypt ${sealed.map((l) => l.name).join(', ')}: not encrypted for the local DCA`);
  }
  const signed = chain.filter(isSigned);
  const invalid = signed.filter((l) => l.signers.some((s) => !signerIsValid(s)));
  if (invalid.length) {
    refusals.push('SIGNATURE_INVALID');
    steps.push(`invalid signature in ${invalid.map((l) => l.name).join(', ')}`);
  }
  const byOriginator = hasFrom(msg) && signed.some((l) => l.signatureType !== 'domainSig' && l.signers.some((s) => s.party === 'originator' && signerIsValid(s)));
  if (!opts.originatorAuthenticated && !byOriginator) {
    refusals.push('ORIGINATOR_NOT_AUTHENTICATED');
    steps.push('the originator is authenticated neither by its signature nor externally');
  }
  if (!hasFrom(msg) || !opts.domainSigners.every(namedForOriginatorDomain)) {
    refusals.push('POLICY_VIOLATION');
    steps.push(hasFrom(msg) ? 'a domain signer certificate does not name the originator\'s domain (2.4)' : 'no From: address, so no originator domain to name (2.4, N9)');
  }

  // Section 5: search from the outside for the "outer" signedData (mlExpansionHistory, or encapsulating an
  // envelopedData), an envelopedData, or the original content.
  let i = 0;
  for (;;) {
    const l = chain[i]!;
    if (!isSigned(l) || l.mlExpansionHistory) break;
    i++;
  }
  const found = chain[i]!;

  const created = new Map<ModelNode, NewRole>();
  const removed: ModelNode[] = [];
  let needsEncryption = false;
  let domainSignature: SignedNode | undefined;
  let rememberedFrom: SignedNode | undefined;

  const domainSign = (inner: ModelNode): SignedNode => {
    let content = inner;
    if (!containsSignature(inner)) {
      // 3.1.1 "A domain signature MUST encapsulate other signatures"; 2.3 (1), N12.
      const empty: SignedNode = { kind: 'S', name: '', signers: [], signatureType: 'none', mlExpansionHistory: false, inner };
      created.set(empty, 'emptySignature');
      steps.push('no signature to encapsulate: add an empty signature layer (2.3 (1), N12)');
      content = empty;
    }
    const d: SignedNode = {
      kind: 'S', name: '', signers: opts.domainSigners.map((party) => ({ party, validity: 'valid' })),
      signatureType: 'domainSig', mlExpansionHistory: false, inner: content,
    };
    created.set(d, 'domainSignature');
    domainSignature = d;
    steps.push('encapsulate in a domain signature');
    return d;
  };
  const envelope = (inner: ModelNode, why: string): EnvelopeNode => {
    needsEncryption = true;
    const e: EnvelopeNode = { kind: opts.reencryptAs, name: '', recipients: [...opts.encryptFor], inner };
    created.set(e, 'reencryption');
    steps.push(`encapsulate in an ${opts.reencryptAs === 'E' ? 'envelopedData' : 'authEnvelopedData'} (${why})`);
    return e;
  };
  /** Steps A / the envelopedData branch: decrypt, domain-sign, re-encrypt if policy or a lower envelope says so. */
  const fromEnvelope = (e: EnvelopeNode): ModelNode => {
    steps.push(`decrypt ${e.name} with the local DCA's key`);
    const d = domainSign(e.inner);
    if (opts.encryptOutbound) return envelope(d, 'local policy');
    if (containsEnvelope(e.inner)) return envelope(d, 'an envelopedData lies at a lower level');
    return d;
  };

  let branch: Branch;
  let root: ModelNode;
  if (isSigned(found)) {
    // An "outer" signedData with mlExpansionHistory: remember its signed attributes, strip it (and what encapsulates it).
    rememberedFrom = found;
    removed.push(...chain.slice(0, i + 1));
    steps.push(`found the "outer" signedData ${found.name} with mlExpansionHistory; remember its signed attributes and strip it`);
    let j = i + 1;
    while (isSigned(chain[j]!)) j++;
    const below = chain[j]!;
    let inner: ModelNode;
    if (isEnvelope(below)) {
      branch = 'mlExpansionHistory+envelopedData';
      removed.push(...chain.slice(i + 1, j + 1));
      if (j > i + 1) steps.push(`strip ${chain.slice(i + 1, j).map((l) => l.name).join(', ')} down to ${below.name}`);
      inner = fromEnvelope(below);
    } else {
      branch = 'mlExpansionHistory';
      inner = domainSign(chain[i + 1]!);
      if (opts.encryptOutbound) inner = envelope(inner, 'local policy (N15)');
    }
    // N5, N6: a new signedData around it, carrying the remembered signed attributes, signed by the domain signer.
    const outer: SignedNode = {
      kind: 'S', name: '', signers: opts.domainSigners.map((party) => ({ party, validity: 'valid' })),
      signatureType: found.signatureType, mlExpansionHistory: true, inner,
    };
    created.set(outer, 'mlOuter');
    steps.push(`encapsulate in a new signedData carrying the signed attributes of ${found.name} (N5, N6)`);
    root = outer;
  } else if (isEnvelope(found)) {
    branch = 'envelopedData';
    removed.push(...chain.slice(0, i + 1));
    if (i > 0) steps.push(`strip ${chain.slice(0, i).map((l) => l.name).join(', ')} down to ${found.name}`);
    root = fromEnvelope(found);
  } else {
    branch = 'neither';
    // N4: nothing is stripped; N15: enveloped when policy says so.
    root = domainSign(msg.root);
    if (opts.encryptOutbound) root = envelope(root, 'local policy (N15)');
  }

  if (needsEncryption && opts.encryptFor.length === 0) {
    refusals.push('NO_RECIPIENTS');
    steps.push('encryption is required and there is no recipient');
  }
  if (refusals.length) {
    const ordered = REFUSAL_ORDER.filter((r) => refusals.includes(r));
    return { ok: false, refusal: ordered[0]!, refusals: ordered, steps };
  }
  nameCreated(msg.root, root, created);
  const out: ModelSuccess = {
    ok: true, branch, created, domainSignature: domainSignature!, removed, steps,
    output: { wrapping: msg.wrapping === 'rfc5322' ? 'rfc5322' : 'entity', root },
  };
  if (rememberedFrom) out.rememberedFrom = rememberedFrom;
  return out;
}

/**
 * Name the new layers as the draft's examples do: each new layer takes the next number of its letter
 * after the input's highest, innermost first (empty layer, domain signature, re-added outer layer;
 * envelopes separately): S2(E1(S1(C))) with mlExpansionHistory in S2 becomes S4(E2(S3(S1(C)))).
 */
function nameCreated(inputRoot: ModelNode, outputRoot: ModelNode, created: Map<ModelNode, NewRole>): void {
  const next: Record<string, number> = {};
  for (const l of chainOf(inputRoot)) {
    const m = /^([A-Z])(\d+)$/.exec(l.name);
    if (m) next[m[1]!] = Math.max(next[m[1]!] ?? 0, Number(m[2]));
  }
  const chain = chainOf(outputRoot);
  for (let k = chain.length - 1; k >= 0; k--) {
    const l = chain[k]!;
    if (!created.has(l) || l.kind === 'data') continue;
    next[l.kind] = (next[l.kind] ?? 0) + 1;
    l.name = `${l.kind}${next[l.kind]}`;
  }
}

/** Input layers that appear unchanged in the output, outside in (everything below the first kept layer). */
export function keptLayers(result: ModelSuccess): ModelNode[] {
  return chainOf(result.output.root).filter((l) => !result.created.has(l));
}
