/**
 * A model tree (tree.ts) as the message of a conformance case: the model's parties played by the case's
 * PKI and names (src/harness/context.ts), so that a Section 5 ordering (suites/section5-orderings.ts) is
 * submitted to a vendor's gateway like any other case. The layers are built by build.ts, the builder the
 * property tests use.
 *
 * Who plays whom. The model's local domain is the gateway's domain (ctx.local) and its recipient domain
 * ctx.remote:
 *   originator      alice of the local domain, the From: address (N9)
 *   other           bob of the local domain (a reviewer, or the Mail List Agent of an mlExpansionHistory)
 *   localDomain     the local domain's signer (RSA); localDomainEc its P-256 signer
 *   foreignDomain   the remote domain's signer: a domain signer named for a domain that is not the
 *                   originator's (2.4), whatever PKI the profile names
 *   localDca        the local DCA's certificate through ctx.cert(), so that a gateway with its own DCA
 *                   certificate (profile `certificates`) can open what is encrypted for it
 *   remoteDca, remoteUser, remoteUserEc   the remote domain's DCA, bob and carol (P-256)
 * An 'untrustedCert' signature uses the PKI's bad-untrusted entry (a certificate from a CA that is not a
 * trust anchor), the local domain's when the PKI has one; its name does not matter, its path does.
 */
import type { CaseContext } from '../harness/context.js';
import { CaseNotApplicable } from '../harness/context.js';
import { buildModelMessage, type ModelKey, type ModelParties } from './build.js';
import type { ModelMessage, Party, Recipient } from './tree.js';

/** The PKI entry playing each model party and recipient: which of the case's two domains, and the entry there. */
const PARTY_ENTRY: Record<Party, readonly ['local' | 'remote', string]> = {
  originator: ['local', 'user-alice'],
  other: ['local', 'user-bob'],
  localDomain: ['local', 'signer-rsa'],
  localDomainEc: ['local', 'signer-ec'],
  foreignDomain: ['remote', 'signer-rsa'],
};
const RECIPIENT_ENTRY: Record<Recipient, readonly ['local' | 'remote', string]> = {
  localDca: ['local', 'dca-rsa'],
  remoteDca: ['remote', 'dca-rsa'],
  remoteUser: ['remote', 'user-bob'],
  remoteUserEc: ['remote', 'user-carol-ec'],
};

const entryName = (ctx: CaseContext, [domain, name]: readonly ['local' | 'remote', string]): string => `${ctx[domain]}/${name}`;

/** The PKI entry an 'untrustedCert' signature is made with: its certificate does not chain to the trust anchor. */
export function untrustedEntry(ctx: CaseContext): string {
  const own = `${ctx.local}/bad-untrusted`;
  if (ctx.has(own)) return own;
  // `domsec pki` makes the certificates that break a rule for its first domain only.
  const any = Object.keys(ctx.pki.entries).sort().find((n) => n.endsWith('/bad-untrusted'));
  if (!any) throw new CaseNotApplicable('needs a signer certificate from an untrusted CA (a bad-untrusted entry of the test PKI), which this PKI has none of');
  return any;
}

/** The model's parties as this case's (see the module comment). */
export function caseParties(ctx: CaseContext): ModelParties {
  const keys = new Map<string, ModelKey>();
  const key = (entry: string): ModelKey => {
    let k = keys.get(entry);
    if (!k) keys.set(entry, (k = ctx.key(entry)));
    return k;
  };
  return {
    party: (p) => key(entryName(ctx, PARTY_ENTRY[p])),
    recipient: (r) => ({ certDer: ctx.cert(entryName(ctx, RECIPIENT_ENTRY[r])) }),
    untrusted: () => key(untrustedEntry(ctx)),
    headers: ctx.headers(`Alice <alice@${ctx.local}>`),
    signingTime: ctx.time,
  };
}

/**
 * The message a conformance case submits for a model tree. Only an Internet message can be submitted
 * over SMTP, so the tree must be 'rfc5322' with CRLF line endings (the wire form).
 */
export function buildCaseMessage(ctx: CaseContext, m: ModelMessage): Buffer {
  if (m.wrapping !== 'rfc5322' || m.lineEnding === 'lf') throw new Error(`a case message is an Internet message with CRLF line endings, not ${m.wrapping}${m.lineEnding === 'lf' ? ' with bare LF' : ''}`);
  return buildModelMessage(caseParties(ctx), m, { seed: `domsec-case:${ctx.messageId}` }).message;
}
