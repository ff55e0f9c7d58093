/**
 * The words of every check kind, in one catalogue (in the manner of arethetypeswrong's problem kinds): a
 * check is data (kind, requirement, strength, outcome, expected, found, detail) and its text is rendered
 * from here, by the grader for the case's one-line reason and by the report for its tables.
 * Placeholders: {expected}, {found}, {detail}.
 */
import type { Check, CheckOutcome } from '../model.js';

interface KindText {
  /** What the check looks at, for the docs table and the report's heading. */
  title: string;
  pass: string;
  fail: string;
  acceptable?: string;
  notTested?: string;
}

export const CHECK_KINDS = {
  transport: { title: 'SMTP transport', pass: 'the message was submitted', fail: "the gateway's SMTP transport failed ({detail})" },
  'refusal': {
    title: 'no domain signature where the draft forbids one (3.2)',
    pass: 'no domain signature was generated: {detail}',
    fail: 'a domain signature was generated although the draft forbids it ({detail})',
  },
  'accepted': { title: 'the gateway accepts the message', pass: 'accepted: {detail}', fail: 'the gateway rejected the message: {detail}' },
  'relayed': { title: 'the message is relayed or delivered', pass: 'relayed or delivered', fail: 'nothing was relayed or delivered within the case timeout' },
  'relayed-once': { title: 'relayed exactly once', pass: 'relayed once', fail: 'relayed {found} times' },
  'output-parses': { title: 'what was relayed parses', pass: 'what the gateway relayed parses', fail: 'what the gateway relayed does not parse: {detail}' },
  'verdict-header': { title: 'a verdict header (N14)', pass: 'verdict smime={found}', fail: 'no verdict header (Authentication-Results smime, N14)' },
  'verdict': {
    title: 'flagged or not, as the draft requires',
    pass: '{detail}',
    fail: '{detail}',
    acceptable: '{detail}',
  },
  'originator-identifier': {
    title: "the originator identified by its certificate's name (3.2, RFC 7281 smime-identifier)",
    pass: 'Authentication-Results smime-identifier={found}, the name in the originator\'s certificate',
    fail: 'Authentication-Results smime-identifier is {found}, not the name in the originator\'s certificate ({expected})',
    notTested: 'not observable: {detail}',
  },
  'decrypted': { title: 'decrypted for the domain (cases b and d)', pass: 'decrypted for the domain', fail: 'delivered still encrypted: the DCA did not decrypt for its domain' },
  'output-verifies': { title: 'every signature of the output verifies', pass: 'every signature in the output verifies', fail: 'the output does not verify: {detail}' },
  'encrypted': { title: 'relayed encrypted', pass: 'relayed encrypted', fail: 'relayed unencrypted ({found})' },
  'recipient-info': { title: "a RecipientInfo for the recipient's DCA", pass: "a RecipientInfo for the recipient's DCA", fail: "no RecipientInfo for the recipient's DCA" },
  'end-recipient-info': {
    title: "a RecipientInfo for the end recipient's certificate (case c)",
    pass: "a RecipientInfo for the end recipient's own certificate ({detail})",
    fail: "no RecipientInfo for the end recipient's own certificate ({detail})",
    notTested: 'not observable: {detail}',
  },
  'originator-info': {
    title: "originatorInfo names this domain's DCA (N13)",
    pass: "{detail}: originatorInfo carries the DCA's certificate, named by the convention",
    fail: "{detail}: no originatorInfo naming the local DCA by the naming convention (N13)",
  },
  'sign-before-encrypt': { title: 'domain-signed before encryption', pass: 'domain signature applied before encryption', fail: 'no domain signature under the encryption' },
  'shape': {
    title: 'the layers Section 5 prescribes',
    pass: 'output shape {found}',
    fail: 'output shape {found}, expected {expected}',
    acceptable: 'output shape {found}; {detail}',
  },
  'signature-type-present': { title: 'a domain signature (SignatureType id-sti-domainSig)', pass: 'a domain signature (SignatureType id-sti-domainSig) is present', fail: 'no domain signature: SignatureType id-sti-domainSig missing' },
  'signer-naming': { title: "the domain signer's certificate follows 2.4", pass: 'domain signer certificate follows the naming convention', fail: 'domain signer certificate breaks the naming convention: {detail}' },
  'signature-type-rules': { title: 'SignatureType well formed (3.1.1)', pass: 'SignatureType well formed', fail: 'SignatureType rules broken: {detail}' },
  'same-signature-type': {
    title: 'the same SignatureType in every SignerInfo (3.1.1)',
    pass: 'the same SignatureType content in every SignerInfo ({detail})',
    fail: 'the SignerInfos carry different SignatureType contents ({detail})',
    notTested: 'not observable: the domain-signed layer has {detail}; the rule needs several',
  },
  'signature-type-signed': { title: 'SignatureType is a signed attribute', pass: 'SignatureType, where present, is signed', fail: 'SignatureType is carried as an unsigned attribute' },
  'encapsulates': { title: 'the domain signature encapsulates a signature', pass: 'the domain signature encapsulates a signature', fail: 'the domain signature encapsulates no signature (no empty layer, N12)' },
  'originator-kept': { title: "the originator's signature kept byte for byte", pass: "the originator's signature is kept byte for byte", fail: "the originator's signature was altered or dropped" },
  'empty-layer': { title: 'an empty signature layer with id-data (2.3)', pass: 'an empty signature layer with id-data', fail: 'no empty signature layer with id-data under the domain signature' },
  'ml-attributes': {
    title: 'the remembered signed attributes carried (N5)',
    pass: 'the outer layer carries the remembered signed attributes (N5){detail}',
    fail: 'the re-added outer layer lacks remembered signed attributes: {detail}',
    acceptable: 'the outer layer carries the remembered signed attributes (N5){detail}',
  },
  'lower-envelope': {
    title: 'an envelopedData lower down forces encryption (5, N7)',
    pass: 'the domain signature is encapsulated by an envelopedData, as one lower down requires',
    fail: 'the domain signature is not encapsulated by an envelopedData although one lies lower down ({found})',
    notTested: 'not observable: the local policy encrypts every message anyway',
  },
  'smtp-auth': { title: 'the submission authenticated with SMTP AUTH', pass: 'SMTP AUTH as {detail}', fail: 'SMTP AUTH did not happen: {detail}' },
} satisfies Record<string, KindText>;

export type CheckKind = keyof typeof CHECK_KINDS;

export function isCheckKind(s: string): s is CheckKind {
  return Object.prototype.hasOwnProperty.call(CHECK_KINDS, s);
}

/** The outcome of a check, for results written before outcomes existed: ok or not. */
export function outcomeOf(c: Pick<Check, 'ok' | 'outcome'>): CheckOutcome {
  return c.outcome ?? (c.ok ? 'pass' : 'fail');
}

/** The text of a check, from its kind and values. */
export function renderCheck(c: Pick<Check, 'kind' | 'ok' | 'outcome' | 'expected' | 'found' | 'detail'> & { message?: string }): string {
  if (!c.kind || !isCheckKind(c.kind)) return c.message ?? '';
  const t: KindText = CHECK_KINDS[c.kind];
  const outcome = outcomeOf(c);
  const template = outcome === 'acceptable' ? (t.acceptable ?? t.pass) : outcome === 'not-tested' ? (t.notTested ?? 'not observable in this run') : outcome === 'pass' ? t.pass : t.fail;
  return template.replace(/\{(expected|found|detail)\}/g, (_, k: 'expected' | 'found' | 'detail') => c[k] ?? '');
}
