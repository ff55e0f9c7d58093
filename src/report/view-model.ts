/**
 * The HTML report's view model: a plain function from a run's results (and the requirement catalogue,
 * and optionally a baseline check) to the exact values the templates print. Every decision (verdicts per
 * role, coverage, which requirement a check speaks to, layer drawings, CSS classes, anchors) is made
 * here and tested here; the templates (reports/templates) only place these values, and Handlebars escapes
 * every one of them.
 *
 * Strings from results.json are untrusted (gateway replies, case and requirement ids in a file someone
 * hands you): they are only ever printed as text. CSS classes and anchors are chosen from fixed tables or
 * built from indexes, never from the input.
 */
import { outcomeOf, renderCheck } from '../harness/checks/messages.js';
import { runVerdict } from '../harness/verdict.js';
import type { CaseResult, CaseVerdict, CertName, Check, CommandRun, ExpectedLayer, LayerDetail, LayerSigner, MessageLayers, OidRef } from '../harness/model.js';
import { displayName, recipientDisplayName, ROLES, type LayerDetailKind } from '../harness/model.js';
import { commandEnd, reportedRoles } from '../harness/results.js';
import type { RunResults } from '../harness/run.js';
import { itemText, type BaselineCheck, type BaselineItem } from './baseline.js';
import type { Catalogue, CatalogueRequirement } from './catalogue.js';
import { sectionUrl, specUrl } from './catalogue.js';
import { countVerdicts, VERDICTS } from './results-file.js';
import { boundStrings, detailedCases, priority, REPORT_CASES_PER_REQUIREMENT, REPORT_DETAILED_CASES } from './bounds.js';
import { diffChains, layoutShape, parseShape, tokenLabel, type BoxLine, type LayerToken, type ShapeDrawing } from './shape.js';

// ------------------------------------------------------------------ view types

export interface VerdictBadge {
  label: string;
  /** One of the fixed classes v-pass, v-fail, v-warn, v-error, v-skip, v-none. */
  cls: string;
}

export interface MetaRow {
  label: string;
  value: string;
}

export interface CountView extends VerdictBadge {
  verdict: string;
  count: number;
  /** Share of all cases, "12%". */
  share: string;
}

export interface RoleView {
  role: string;
  verdict: VerdictBadge;
  explanation: string;
  counts: string;
}

export interface BarSegment {
  x: number;
  w: number;
  cls: string;
  label: string;
}

export interface CoverageView {
  level: string;
  description: string;
  total: number;
  untestable: number;
  testable: number;
  passed: number;
  warned: number;
  failed: number;
  errored: number;
  notRun: number;
  /** "7 of 20 testable requirements passed". */
  summary: string;
  bar: BarSegment[];
}

export interface MatrixCaseView extends VerdictBadge {
  id: string;
  anchor: string;
  /** Set when the case's own verdict differs from what it shows for this requirement. */
  note: string;
}

export interface RequirementView {
  id: string;
  anchor: string;
  section: string;
  sectionUrl: string;
  hasSectionUrl: boolean;
  level: string;
  levelCls: string;
  text: string;
  roles: string;
  status: VerdictBadge;
  cases: MatrixCaseView[];
  hasCases: boolean;
  /** How many more cases test it than the row links (bounds.ts REPORT_CASES_PER_REQUIREMENT); '' when none. */
  moreCases: string;
  /** Why no case tests it (untestable over SMTP, or no case in this run). */
  noCases: string;
  untestable: boolean;
}

export interface ShapePanelView {
  heading: string;
  shape: string;
  drawn: boolean;
  svg: ShapeDrawing;
  error: string;
  /** Some layer differs from the other side. */
  differs: boolean;
}

export interface FailedCheckView {
  requirement: string;
  anchor: string;
  known: boolean;
  strength: string;
  strengthCls: string;
  message: string;
  hasExpected: boolean;
  expected: string;
  found: string;
  quote: string;
  section: string;
  sectionUrl: string;
  hasSectionUrl: boolean;
}

export interface PassedCheckView {
  requirement: string;
  message: string;
}

/** A labelled value; `cls` is one of the fixed classes ok, bad, warn or empty. */
export interface DetailRow {
  label: string;
  value: string;
  cls: string;
}

export interface DetailGroup {
  heading: string;
  rows: DetailRow[];
}

/** One layer in the "Layers in detail" section: its ASN.1 fields, then one group per signer or recipient. */
export interface LayerDetailView {
  heading: string;
  rows: DetailRow[];
  groups: DetailGroup[];
}

export interface MessageDetailView {
  heading: string;
  note: string;
  hasNote: boolean;
  layers: LayerDetailView[];
}

/** One command the adapter ran (client role). */
export interface CommandView {
  step: string;
  argv: string;
  status: string;
  statusCls: string;
  duration: string;
  stdout: string;
  stderr: string;
  hasStdout: boolean;
  hasStderr: boolean;
}

export interface ReceivedView {
  n: number;
  bytes: number;
  shape: string;
  rcptTo: string;
  authenticationResults: string;
  hasError: boolean;
  error: string;
}

export interface CaseView {
  n: number;
  anchor: string;
  id: string;
  title: string;
  suite: string;
  role: string;
  strength: string;
  /** The verdict for filtering (data-verdict): one of VERDICTS, or OTHER. */
  verdict: string;
  badge: VerdictBadge;
  reason: string;
  duration: string;
  requirements: Array<{ id: string; anchor: string; known: boolean }>;
  hasSent: boolean;
  sent: MetaRow[];
  hasSmtp: boolean;
  smtp: MetaRow[];
  transcript: string;
  hasCommands: boolean;
  commands: CommandView[];
  hasReceived: boolean;
  received: ReceivedView[];
  receivedNote: string;
  hasShapes: boolean;
  shapes: ShapePanelView[];
  /** Sent, expected and received messages layer by layer: OIDs with names, algorithms, attributes, sizes. */
  hasDetails: boolean;
  details: MessageDetailView[];
  /** Why the drawings and details are left out (a large run: bounds.ts REPORT_DETAILED_CASES); '' when shown. */
  detailNote: string;
  failedChecks: FailedCheckView[];
  hasFailedChecks: boolean;
  passedChecks: PassedCheckView[];
  hasPassedChecks: boolean;
  hasBaseline: boolean;
  baseline: string;
  baselineCls: string;
}

export interface BaselineView {
  source: string;
  verdict: VerdictBadge;
  summary: string;
  groups: Array<{ heading: string; cls: string; items: Array<{ id: string; anchor: string; line: string }>; hasItems: boolean }>;
}

export interface ReportView {
  title: string;
  gateway: string;
  /** What was tested, in words (the report's subtitle). */
  subject: string;
  spec: string;
  specUrl: string;
  generatedAt: string;
  meta: MetaRow[];
  overall: VerdictBadge;
  overallExplanation: string;
  total: number;
  counts: CountView[];
  roles: RoleView[];
  coverage: CoverageView[];
  hasBaseline: boolean;
  baseline: BaselineView | null;
  requirements: RequirementView[];
  hasUncatalogued: boolean;
  uncatalogued: RequirementView[];
  cases: CaseView[];
  filters: Array<{ verdict: string; label: string; count: number; cls: string }>;
}

// ------------------------------------------------------------------ helpers

const BADGE: Record<string, VerdictBadge> = {
  PASS: { label: 'PASS', cls: 'v-pass' },
  FAIL: { label: 'FAIL', cls: 'v-fail' },
  WARN: { label: 'WARN', cls: 'v-warn' },
  ERROR: { label: 'ERROR', cls: 'v-error' },
  'NOT TESTED': { label: 'NOT TESTED', cls: 'v-none' },
  SKIP: { label: 'SKIP', cls: 'v-skip' },
};

/** The badge of a verdict; anything else (a hand-edited file) is shown as it is, with a neutral class. */
export function badge(verdict: string): VerdictBadge {
  return BADGE[verdict] ?? { label: verdict, cls: 'v-none' };
}

const LEVEL_CLASS: Record<string, string> = {
  MUST: 'l-must',
  'MUST NOT': 'l-must',
  SHOULD: 'l-should',
  'SHOULD NOT': 'l-should',
  MAY: 'l-may',
  RULE: 'l-rule',
  EXAMPLE: 'l-rule',
};

/** Worst first: a requirement's status is the worst of what its cases show for it. */
const SEVERITY: CaseVerdict[] = ['FAIL', 'ERROR', 'WARN', 'PASS', 'NOT TESTED', 'SKIP'];

/** Anchor for a requirement id: characters outside [A-Za-z0-9._-] become "_" (catalogue ids are unchanged). */
export function requirementAnchor(id: string): string {
  return `req-${id.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
export const caseAnchor = (index: number): string => `case-${index + 1}`;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function runDuration(startedAt: string, finishedAt: string): string {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? duration(ms) : '';
}

/** Does this case test the requirement: declared, or a check speaks to it (as in src/harness/coverage.ts)? */
export function caseTests(c: CaseResult, requirement: string): boolean {
  return c.requirements.includes(requirement) || c.checks.some((k) => k.requirement === requirement);
}

/**
 * What a case shows for one requirement: its checks that name the requirement when there are any (a case
 * that FAILED on another requirement still PASSES this one), else the case's verdict.
 */
export function verdictFor(c: CaseResult, requirement: string): CaseVerdict {
  if (c.verdict === 'SKIP' || c.verdict === 'ERROR' || c.verdict === 'NOT TESTED') return c.verdict;
  const named = c.checks.filter((k) => k.requirement === requirement);
  if (named.length === 0) return c.verdict;
  const failed = named.filter((k) => outcomeOf(k) === 'fail');
  if (failed.some((k) => k.strength === 'MUST')) return 'FAIL';
  if (failed.some((k) => k.strength === 'SHOULD')) return 'WARN';
  // Only not-tested checks name it: the run could not observe this requirement in this case (N16).
  if (named.every((k) => outcomeOf(k) === 'not-tested')) return 'NOT TESTED';
  return 'PASS';
}

function worst(verdicts: CaseVerdict[]): CaseVerdict | undefined {
  return SEVERITY.find((v) => verdicts.includes(v));
}

// ------------------------------------------------------------------ summary

/** Conformance verdict for one role, from its cases. */
export function roleVerdict(cases: readonly CaseResult[]): { verdict: VerdictBadge; explanation: string } {
  const n = countVerdicts(cases);
  const ran = cases.length - n.SKIP - (n['NOT TESTED'] ?? 0);
  if (cases.length === 0) return { verdict: { label: 'NOT TESTED', cls: 'v-skip' }, explanation: 'no case of this role was selected for the run' };
  if (ran === 0) return { verdict: { label: 'NOT TESTED', cls: 'v-skip' }, explanation: `${cases.length === 1 ? 'its one case was' : `all ${cases.length} cases were`} skipped (see why)` };
  const skipped = n.SKIP ? `; ${plural(n.SKIP, 'case')} skipped` : '';
  if (n.FAIL) return { verdict: { label: 'NOT CONFORMANT', cls: 'v-fail' }, explanation: `${plural(n.FAIL, 'case')} failed a MUST-level requirement${skipped}` };
  if (n.ERROR) return { verdict: { label: 'INCONCLUSIVE', cls: 'v-error' }, explanation: `${plural(n.ERROR, 'case')} could not be completed (transport or harness error)${skipped}` };
  if (n.WARN) return { verdict: { label: 'CONFORMANT WITH WARNINGS', cls: 'v-warn' }, explanation: `every MUST holds; ${plural(n.WARN, 'case')} missed a SHOULD${skipped}` };
  return { verdict: { label: 'CONFORMANT', cls: 'v-pass' }, explanation: `every case passed${skipped}` };
}

function countsLine(cases: readonly CaseResult[]): string {
  const n = countVerdicts(cases);
  return VERDICTS.filter((v) => n[v] > 0).map((v) => `${n[v]} ${v}`).join(', ') || 'no cases';
}

const COVERAGE_GROUPS: Array<{ level: string; levels: string[]; description: string }> = [
  { level: 'MUST', levels: ['MUST', 'MUST NOT'], description: 'MUST and MUST NOT statements' },
  { level: 'SHOULD', levels: ['SHOULD', 'SHOULD NOT'], description: 'SHOULD and SHOULD NOT statements' },
  { level: 'MAY', levels: ['MAY'], description: 'MAY statements' },
  { level: 'Section 5', levels: ['RULE', 'EXAMPLE'], description: 'Section 5 processing rules and the 5.1 examples' },
];

type ReqStatus = CaseVerdict | 'NONE' | 'UNTESTABLE';

function requirementStatus(req: CatalogueRequirement, cases: readonly CaseResult[]): ReqStatus {
  if (req.untestable) return 'UNTESTABLE';
  return worst(cases.map((c) => verdictFor(c, req.id))) ?? 'NONE';
}

const BAR_WIDTH = 300;

function coverageBar(parts: Array<[number, string, string]>, total: number): BarSegment[] {
  const out: BarSegment[] = [];
  let x = 0;
  for (const [n, cls, label] of parts) {
    if (n <= 0 || total <= 0) continue;
    const w = Math.round((n / total) * BAR_WIDTH * 10) / 10;
    out.push({ x: Math.round(x * 10) / 10, w, cls, label: `${label}: ${n}` });
    x += w;
  }
  return out;
}

export function coverage(catalogue: Catalogue, statuses: Map<string, ReqStatus>): CoverageView[] {
  return COVERAGE_GROUPS.map((g) => {
    const reqs = catalogue.requirements.filter((r) => g.levels.includes(r.level));
    const s = reqs.map((r) => statuses.get(r.id) ?? 'NONE');
    const count = (...k: ReqStatus[]) => s.filter((x) => k.includes(x)).length;
    const untestable = count('UNTESTABLE');
    const testable = reqs.length - untestable;
    const v = { passed: count('PASS'), warned: count('WARN'), failed: count('FAIL'), errored: count('ERROR'), notRun: count('SKIP', 'NONE', 'NOT TESTED') };
    return {
      level: g.level,
      description: g.description,
      total: reqs.length,
      untestable,
      testable,
      ...v,
      summary: `${v.passed} of ${plural(testable, 'testable requirement')} passed${v.failed ? `, ${v.failed} failed` : ''}${v.warned ? `, ${v.warned} warned` : ''}${v.errored ? `, ${v.errored} inconclusive` : ''}${v.notRun ? `, ${v.notRun} not tested in this run` : ''}${untestable ? `; ${untestable} untestable over SMTP` : ''}`,
      bar: coverageBar(
        [
          [v.passed, 'v-pass', 'passed'],
          [v.warned, 'v-warn', 'warned'],
          [v.failed, 'v-fail', 'failed'],
          [v.errored, 'v-error', 'inconclusive'],
          [v.notRun, 'v-skip', 'not tested'],
          [untestable, 'v-none', 'untestable'],
        ],
        reqs.length,
      ),
    };
  });
}

// ------------------------------------------------------------------ cases

// ------------------------------------------------------------------ layers: drawing and details

const oidText = (o: OidRef): string => (o.name ? `${o.name} (${o.oid})` : o.oid);
const oidList = (l: readonly OidRef[] | undefined, none = 'none'): string => (l?.length ? l.map(oidText).join(', ') : none);
/** SignatureType values as the shapes name them: id-sti-domainSig -> domainSig. */
const typeShort = (o: OidRef): string => (o.name ? o.name.replace(/^id-sti-/, '') : o.oid);

function sanText(c: CertName): string {
  const all = [...c.sanUris.map((u) => `URI:${u}`), ...c.sanDnsNames.map((d) => `DNS:${d}`), ...c.sanEmails.map((e) => `email:${e}`)];
  return all.length ? all.join(', ') : 'none';
}

/** Lines per box: more go to the layer details below the drawing. */
const MAX_BOX_SIGNERS = 3;
const MAX_BOX_RECIPIENTS = 3;

/** How a signer verified (src/domsec/verify.ts verdicts): a mark, a tone (the class ok, bad, warn or none) and words. */
function signerStatus(s: LayerSigner): { mark: string; tone: string; words: string } {
  const why = s.reasons?.length ? `: ${s.reasons.join(', ')}` : '';
  if (s.verdict === 'pass') return { mark: '✓', tone: 'ok', words: 'verifies' };
  if (s.verdict === 'policy') return { mark: '!', tone: 'warn', words: `verifies, but flagged${why}` };
  if (s.verdict === 'fail') return { mark: '✗', tone: 'bad', words: `${s.valid === false ? 'signature does not verify' : 'signature verifies, the signer does not'}${why}` };
  return { mark: '·', tone: '', words: 'not verified' };
}

const lineClass = (tone: string): string => (tone ? `line-${tone}` : 'line-plain');

function more(n: number | undefined, what: string): BoxLine[] {
  return n && n > 0 ? [{ text: `+ ${n} more ${what}`, tooltip: `${n} more ${what}: see the layers in detail`, cls: 'line-plain' }] : [];
}

/** The box lines of a layer of a message: its signers (name, SignatureType, verified or not) and recipients. */
export function layerLines(l: LayerDetail): BoxLine[] {
  if (l.error) return [{ text: 'not described', tooltip: l.error, cls: 'line-bad' }];
  const signers = l.signers ?? [];
  const recipients = l.recipients ?? [];
  const out: BoxLine[] = signers.slice(0, MAX_BOX_SIGNERS).map((s) => {
    const st = signerStatus(s);
    // The box's detail line already says when a signer has no SignatureType.
    const types = s.signatureTypes.map(typeShort).join(', ');
    return { text: `${st.mark} ${s.name}${types ? ` · ${types}` : ''}`, tooltip: `signer ${s.name} (${s.sid}), SignatureType ${types || 'absent'}: ${st.words}`, cls: lineClass(st.tone) };
  });
  out.push(...more(Math.max(0, signers.length - MAX_BOX_SIGNERS) + (l.signersOmitted ?? 0), 'signers'));
  for (const r of recipients.slice(0, MAX_BOX_RECIPIENTS)) {
    const name = recipientDisplayName(r);
    out.push({ text: `→ ${name}${r.used ? ' (opened)' : ''}`, tooltip: `RecipientInfo (${r.type}) for ${name}${r.rids.length ? `, ${r.rids.join('; ')}` : ''}${r.used ? ': the suite opened the layer with it' : ''}`, cls: 'line-plain' });
  }
  out.push(...more(Math.max(0, recipients.length - MAX_BOX_RECIPIENTS) + (l.recipientsOmitted ?? 0), 'recipients'));
  return out;
}

/** The box lines of an expected layer: who must sign it, for whom it must be encrypted. */
function expectedLines(l: ExpectedLayer): BoxLine[] {
  const out: BoxLine[] = l.signers.slice(0, MAX_BOX_SIGNERS).map((s) => {
    const types = s.signatureTypes.map(typeShort).join(', ');
    return { text: `${s.name}${types ? ` · ${types}` : ''}`, tooltip: `signer: ${s.name}, SignatureType ${types || 'absent'}`, cls: 'line-plain' };
  });
  out.push(...more(l.signers.length - MAX_BOX_SIGNERS, 'signers'));
  for (const r of l.recipients.slice(0, MAX_BOX_RECIPIENTS)) out.push({ text: `→ ${r.name}`, tooltip: `encrypted for ${r.name}`, cls: 'line-plain' });
  out.push(...more(l.recipients.length - MAX_BOX_RECIPIENTS, 'recipients'));
  return out;
}

/**
 * Per token of a drawn chain, the details that belong to it: layer i of the evidence describes token i
 * (both come from the same layer chain), as long as their labels agree; a hand-edited file whose
 * layers do not match its shape gets no lines rather than wrong ones.
 */
function alignLayers<T extends { label: string }>(chain: readonly LayerToken[], layers: readonly T[] | undefined): Array<T | undefined> {
  return chain.map((t, i) => {
    const l = layers?.[i];
    return l && l.label === tokenLabel(t) ? l : undefined;
  });
}

interface Side {
  heading: string;
  shape: string | undefined;
  lines: (chain: readonly LayerToken[]) => Array<BoxLine[] | undefined>;
  tooltips: (chain: readonly LayerToken[]) => Array<string | undefined>;
}

function shapePanels(c: CaseResult): ShapePanelView[] {
  const e = c.evidence;
  const actual = e.foundShape ?? e.received?.[0]?.shape;
  const none = () => [];
  const ofLayers = (layers: MessageLayers | undefined) => (chain: readonly LayerToken[]) => alignLayers(chain, layers?.layers).map((l) => (l ? layerLines(l) : undefined));
  const sides: Side[] = [
    { heading: 'Sent', shape: e.sent?.shape, lines: ofLayers(e.sentLayers), tooltips: none },
    {
      heading: 'Expected output',
      shape: e.expectedShape,
      lines: (chain) => alignLayers(chain, e.expectedLayers).map((l) => (l ? expectedLines(l) : undefined)),
      tooltips: (chain) => alignLayers(chain, e.expectedLayers).map((l) => (l ? `${l.origin === 'sent' ? 'Kept from the sent message' : 'Added by the gateway'}: ${l.note}` : undefined)),
    },
    { heading: 'Actual output', shape: actual, lines: ofLayers(e.received?.[0]?.layers), tooltips: none },
  ];
  const parsed = sides.map((side) => ({ side, p: side.shape === undefined ? undefined : parseShape(side.shape) }));
  const expected = parsed[1]!.p;
  const actualP = parsed[2]!.p;
  // Expected and actual are drawn against each other; the sent message stands alone.
  const marks = expected?.ok && actualP?.ok ? diffChains(expected.chain, actualP.chain) : undefined;
  return parsed
    .filter((s) => s.side.shape !== undefined)
    .map(({ side, p }) => {
      const heading = side.heading;
      if (!p || !p.ok) return { heading, shape: side.shape!, drawn: false, svg: { width: 0, height: 0, boxes: [] }, error: p && !p.ok ? p.error : '', differs: false };
      const differs = heading === 'Expected output' ? marks?.[0] : heading === 'Actual output' ? marks?.[1] : undefined;
      const svg = layoutShape(p.chain, differs, side.lines(p.chain), side.tooltips(p.chain));
      return { heading, shape: side.shape!, drawn: true, svg, error: '', differs: !!differs?.some(Boolean) };
    });
}

const KIND_TITLE: Record<LayerDetailKind, string> = {
  signedData: 'SignedData',
  multipartSigned: 'multipart/signed (detached SignedData)',
  emptySignature: 'SignedData without signers: the empty signature layer (N12)',
  envelopedData: 'EnvelopedData',
  authEnvelopedData: 'AuthEnvelopedData',
  content: 'content',
};

const row = (label: string, value: string, cls = ''): DetailRow => ({ label, value, cls });

function signerGroup(s: LayerSigner, i: number): DetailGroup {
  const st = signerStatus(s);
  const rows: DetailRow[] = [row('Verification', s.verdict ? `${s.verdict}: ${st.words}` : st.words, st.tone)];
  if (s.valid !== undefined) rows.push(row('Signature value', s.valid ? 'verifies (RFC 5652 5.6)' : 'does not verify (RFC 5652 5.6)', s.valid ? 'ok' : 'bad'));
  rows.push(row('SignatureType', oidList(s.signatureTypes, 'absent')));
  rows.push(row('Signer identifier', s.sid));
  if (s.certificate) {
    rows.push(row('Certificate subject', s.certificate.subject));
    rows.push(row('SubjectAltName', sanText(s.certificate)));
  } else rows.push(row('Certificate', 'not in the message, nor in the suite\'s PKI'));
  rows.push(row('Signature algorithm', oidText(s.signatureAlgorithm)));
  rows.push(row('Digest algorithm', oidText(s.digestAlgorithm)));
  rows.push(row('Signed attributes', oidList(s.signedAttributes)));
  if (s.unsignedAttributes.length) rows.push(row('Unsigned attributes', oidList(s.unsignedAttributes)));
  if (s.attributesOmitted) rows.push(row('Attributes not listed', String(s.attributesOmitted)));
  if (s.mlExpansionHistoryEntries !== undefined) rows.push(row('mlExpansionHistory', plural(s.mlExpansionHistoryEntries, 'entry', 'entries')));
  return { heading: `SignerInfo ${i + 1}: ${s.name}`, rows };
}

function layerDetailView(l: LayerDetail, i: number): LayerDetailView {
  const rows: DetailRow[] = [row('Size', plural(l.bytes, 'byte'))];
  if (l.mediaType !== undefined) rows.push(row('MIME type', l.mediaType));
  if (l.contentType) rows.push(row(l.kind === 'envelopedData' || l.kind === 'authEnvelopedData' ? 'Encrypted content type' : 'eContentType', oidText(l.contentType)));
  if (l.cmsNested) rows.push(row('Nesting', 'plain CMS, no MIME between the layers (RFC 5652 5.2)'));
  if (l.digestAlgorithms) rows.push(row('Digest algorithms', oidList(l.digestAlgorithms)));
  if (l.certificates !== undefined) rows.push(row('Certificates carried', String(l.certificates)));
  if (l.contentEncryptionAlgorithm) rows.push(row('Content encryption', oidText(l.contentEncryptionAlgorithm)));
  if (l.originatorCertificates) rows.push(row('OriginatorInfo certificates (N13)', l.originatorCertificates.length ? l.originatorCertificates.map((c) => `${displayName(c)} [${sanText(c)}]`).join('; ') : 'none'));
  if (l.opened !== undefined) rows.push(row('Opened by the suite', l.opened ? 'yes' : `no: ${l.notOpened ?? 'no key'}`, l.opened ? '' : 'warn'));
  if (l.unauthenticatedEncryption) rows.push(row('Unauthenticated encryption', `${l.unauthenticatedEncryption.algorithm.name ?? l.unauthenticatedEncryption.algorithm.oid} does not authenticate the content (ENCRYPTION_NOT_AUTHENTICATED, EFAIL): ${l.unauthenticatedEncryption.coveredByOuterSignature ? 'a valid signature outside covers the ciphertext' : 'only what a valid signature inside covers is integrity-protected'}`, l.unauthenticatedEncryption.coveredByOuterSignature ? '' : 'warn'));
  if (l.signers && l.signers.length === 0 && !l.signersOmitted) rows.push(row('SignerInfos', 'none'));
  if (l.signersOmitted) rows.push(row('SignerInfos not described', String(l.signersOmitted)));
  if (l.recipientsOmitted) rows.push(row('RecipientInfos not described', String(l.recipientsOmitted)));
  if (l.error) rows.push(row('Not described', l.error, 'bad'));
  const groups = [
    ...(l.signers ?? []).map(signerGroup),
    ...(l.recipients ?? []).map((r, k): DetailGroup => ({
      heading: `RecipientInfo ${k + 1} (${r.type}): ${recipientDisplayName(r)}`,
      rows: [
        row('Recipient identifier', r.rids.join('; ') || 'none'),
        row('Key encryption', oidText(r.keyEncryptionAlgorithm)),
        row('Certificate', r.certificates.length ? r.certificates.map((c) => `${c.subject} [${sanText(c)}]`).join('; ') : 'none of the suite\'s certificates'),
        ...(r.used ? [row('Opened with it', 'yes', 'ok')] : []),
      ],
    })),
  ];
  return { heading: `${i + 1}. ${KIND_TITLE[l.kind] ?? l.kind} ${l.label}`, rows, groups };
}

function messageDetails(heading: string, m: MessageLayers): MessageDetailView {
  const notes = [m.error ? `Not described: ${m.error}` : '', m.omitted ? `${plural(m.omitted, 'inner layer')} not described.` : ''].filter(Boolean);
  return { heading, note: notes.join(' '), hasNote: notes.length > 0, layers: m.layers.map(layerDetailView) };
}

function expectedDetails(layers: readonly ExpectedLayer[]): MessageDetailView {
  return {
    heading: 'Expected output',
    note: 'What a conforming gateway relays for this case, layer by layer.',
    hasNote: true,
    layers: layers.map((l, i) => ({
      heading: `${i + 1}. ${KIND_TITLE[l.kind] ?? l.kind} ${l.label}`,
      rows: [
        row('Origin', l.origin === 'sent' ? `kept from the sent message (its layer ${(l.sentDepth ?? 0) + 1})` : 'added by the gateway'),
        row('Must be', l.note),
        ...l.signers.map((s) => row('Signer', `${s.name}; SignatureType ${oidList(s.signatureTypes, 'absent')}`)),
        ...l.recipients.map((r) => row('Encrypted for', r.name)),
      ],
      groups: [],
    })),
  };
}

function caseDetails(c: CaseResult): MessageDetailView[] {
  const e = c.evidence;
  return [
    ...(e.sentLayers ? [messageDetails('Sent', e.sentLayers)] : []),
    ...(e.expectedLayers?.length ? [expectedDetails(e.expectedLayers)] : []),
    ...(e.received ?? []).flatMap((m, i) => (m.layers ? [messageDetails(`Came back: message ${i + 1}`, m.layers)] : [])),
  ];
}

/** An argument as a POSIX shell would need it quoted, so that the command line can be copied and re-run. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function commandView(r: CommandRun): CommandView {
  // A command that exited passes or warns by its status; one that timed out, was killed or never started is an error.
  const status = { status: commandEnd(r), statusCls: r.timedOut || r.signal || r.exitCode === null ? 'v-error' : r.exitCode === 0 ? 'v-pass' : 'v-warn' };
  return {
    step: r.step,
    argv: r.argv.map(shellQuote).join(' '),
    ...status,
    duration: duration(r.durationMs),
    stdout: r.stdoutTail,
    stderr: r.stderrTail,
    hasStdout: r.stdoutTail.length > 0,
    hasStderr: r.stderrTail.length > 0,
  };
}

function failedCheck(k: Check, catalogue: Map<string, CatalogueRequirement>, spec: string): FailedCheckView {
  const req = catalogue.get(k.requirement);
  const url = req ? sectionUrl(spec, req.section) : undefined;
  return {
    requirement: k.requirement,
    anchor: requirementAnchor(k.requirement),
    known: !!req,
    strength: k.strength,
    strengthCls: LEVEL_CLASS[k.strength] ?? 'l-rule',
    message: `${k.strength === 'MAY' ? 'INFO (MAY): ' : ''}${renderCheck(k)}`,
    hasExpected: k.expected !== undefined || k.found !== undefined,
    expected: k.expected ?? '',
    found: k.found ?? '',
    quote: req?.text ?? '',
    section: req?.section ?? '',
    sectionUrl: url ?? '',
    hasSectionUrl: !!url,
  };
}

function baselineNote(item: BaselineItem | undefined, kind: string): { text: string; cls: string } {
  if (!item) return { text: '', cls: '' };
  const why = item.why ? ` (${item.why})` : '';
  switch (kind) {
    case 'deviation':
      return { text: `Deviation from the accepted baseline: ${itemText(item)}`, cls: 'v-fail' };
    case 'accepted':
      return { text: `Accepted in the baseline as ${item.expected}${why}`, cls: 'v-skip' };
    case 'improved':
      return { text: `Better than the baseline (accepted ${item.expected}): tighten it${why}`, cls: 'v-pass' };
    default:
      return { text: `Changed against the baseline: ${itemText(item)}`, cls: 'v-warn' };
  }
}

function caseView(c: CaseResult, index: number, catalogue: Map<string, CatalogueRequirement>, spec: string, baseline: Map<string, { item: BaselineItem; kind: string }>, detailed = true): CaseView {
  const e = c.evidence;
  const shapes = detailed ? shapePanels(c) : [];
  const details = detailed ? caseDetails(c) : [];
  const commands = (e.command ?? []).map(commandView);
  const failed = c.checks.filter((k) => outcomeOf(k) === 'fail');
  const passed = c.checks.filter((k) => outcomeOf(k) !== 'fail');
  const b = baseline.get(c.id);
  const note = baselineNote(b?.item, b?.kind ?? '');
  const received = (e.received ?? []).map((m, i) => ({
    n: i + 1,
    bytes: m.bytes,
    shape: m.shape,
    rcptTo: m.rcptTo.join(', '),
    authenticationResults: m.authenticationResults?.length ? m.authenticationResults.map((r) => `smime=${r}`).join(', ') : '(none)',
    hasError: m.error !== undefined,
    error: m.error ?? '',
  }));
  let receivedNote = '';
  if (!received.length && c.verdict !== 'SKIP') receivedNote = e.smtp ? 'Nothing was relayed or delivered for this case.' : commands.length ? 'The implementation wrote no output for this case.' : 'The case did not reach the gateway.';
  return {
    n: index + 1,
    anchor: caseAnchor(index),
    id: c.id,
    title: c.title,
    suite: c.suite,
    role: c.role,
    strength: c.strength,
    verdict: (VERDICTS as readonly string[]).includes(c.verdict) ? c.verdict : 'OTHER',
    badge: badge(c.verdict),
    reason: c.reason,
    duration: duration(c.durationMs),
    requirements: c.requirements.map((id) => ({ id, anchor: requirementAnchor(id), known: catalogue.has(id) })),
    hasSent: !!e.sent,
    sent: e.sent
      ? [
          { label: 'Shape', value: e.sent.shape },
          { label: 'Size', value: `${e.sent.bytes} bytes` },
          { label: 'Message-ID', value: e.sent.messageId },
          { label: 'MAIL FROM', value: e.sent.mailFrom },
          { label: 'RCPT TO', value: e.sent.rcptTo.join(', ') },
        ]
      : [],
    hasSmtp: !!e.smtp,
    smtp: e.smtp
      ? [
          { label: 'Accepted', value: e.smtp.accepted ? 'yes' : 'no' },
          { label: 'Final reply', value: e.smtp.response },
          { label: 'Attempts', value: String(e.smtp.attempts) },
          ...(e.smtp.failure ? [{ label: 'Failure', value: e.smtp.failure }] : []),
        ]
      : [],
    transcript: detailed ? (e.smtp?.transcript ?? []).join('\n') : '',
    hasCommands: commands.length > 0,
    commands,
    hasReceived: received.length > 0,
    received,
    receivedNote,
    hasShapes: shapes.length > 0,
    shapes,
    hasDetails: details.length > 0,
    details,
    detailNote: detailed
      ? ''
      : `Drawings, layers in detail and the SMTP transcript are shown for ${REPORT_DETAILED_CASES} cases of a run at most, those that need reading first; results.json holds this case's in full.`,
    failedChecks: failed.map((k) => failedCheck(k, catalogue, spec)),
    hasFailedChecks: failed.length > 0,
    // The text of a typed check is rendered from its kind (src/harness/checks/messages.ts); acceptable and not-tested say so.
    passedChecks: passed.map((k) => ({ requirement: k.requirement, message: `${outcomeOf(k) === 'acceptable' ? 'ACCEPTABLE: ' : outcomeOf(k) === 'not-tested' ? 'NOT TESTED: ' : ''}${renderCheck(k)}` })),
    hasPassedChecks: passed.length > 0,
    hasBaseline: !!note.text,
    baseline: note.text,
    baselineCls: note.cls,
  };
}

// ------------------------------------------------------------------ matrix

function requirementRow(id: string, req: CatalogueRequirement | undefined, results: RunResults, spec: string, anchors: Map<CaseResult, string>, status: ReqStatus): RequirementView {
  const cases = results.cases.filter((c) => caseTests(c, id));
  // The non-passing cases first, in run order otherwise; bounded so that a row stays readable in a large run.
  const linked =
    cases.length <= REPORT_CASES_PER_REQUIREMENT
      ? cases
      : cases
          .map((c, i) => ({ c, i, p: priority(verdictFor(c, id)) }))
          .sort((a, b) => a.p - b.p || a.i - b.i)
          .slice(0, REPORT_CASES_PER_REQUIREMENT)
          .sort((a, b) => a.i - b.i)
          .map((x) => x.c);
  const url = req ? sectionUrl(spec, req.section) : undefined;
  const statusBadge: VerdictBadge =
    status === 'UNTESTABLE' ? { label: 'UNTESTABLE', cls: 'v-none' } : status === 'NONE' ? { label: 'NOT TESTED', cls: 'v-none' } : status === 'SKIP' ? { label: 'NOT TESTED', cls: 'v-skip' } : badge(status);
  return {
    id,
    anchor: requirementAnchor(id),
    section: req?.section ?? '',
    sectionUrl: url ?? '',
    hasSectionUrl: !!url,
    level: req?.level ?? '?',
    levelCls: (req && LEVEL_CLASS[req.level]) ?? 'l-rule',
    text: req?.text ?? 'Not in the requirement catalogue of this suite version.',
    roles: req?.roles.join(', ') ?? '',
    status: statusBadge,
    cases: linked.map((c) => {
      const v = verdictFor(c, id);
      return { id: c.id, anchor: anchors.get(c)!, ...badge(v), note: v !== c.verdict ? `case verdict ${c.verdict}` : '' };
    }),
    hasCases: cases.length > 0,
    moreCases: cases.length > linked.length ? `and ${cases.length - linked.length} more cases (the row links ${linked.length}, those that need reading first)` : '',
    noCases: req?.untestable ? `Untestable over SMTP: ${req.untestable}` : cases.length ? '' : 'No case of this run tests it.',
    untestable: !!req?.untestable,
  };
}

// ------------------------------------------------------------------ the report

export interface ViewOptions {
  catalogue: Catalogue;
  baseline?: BaselineCheck;
  /** When the report was rendered (ISO); default now. */
  generatedAt?: string;
}

export function buildReportView(fullResults: RunResults, opts: ViewOptions): ReportView {
  const { catalogue } = opts;
  // Every string the page shows, bounded (bounds.ts); the counts and verdicts are unchanged by it.
  const results = boundStrings(fullResults);
  const detailed = detailedCases(results.cases);
  const spec = catalogue.spec;
  const byId = new Map(catalogue.requirements.map((r) => [r.id, r]));
  const m = results.meta;
  const counts = countVerdicts(results.cases);
  const total = results.cases.length;
  const anchors = new Map(results.cases.map((c, i) => [c, caseAnchor(i)]));

  const statuses = new Map<string, ReqStatus>();
  for (const r of catalogue.requirements) statuses.set(r.id, requirementStatus(r, results.cases.filter((c) => caseTests(c, r.id))));
  const requirements = catalogue.requirements.map((r) => requirementRow(r.id, r, results, spec, anchors, statuses.get(r.id)!));
  const unknownIds = [...new Set(results.cases.flatMap((c) => [...c.requirements, ...c.checks.map((k) => k.requirement)]))].filter((id) => !byId.has(id));
  const uncatalogued = unknownIds.map((id) => {
    const cases = results.cases.filter((c) => caseTests(c, id));
    return requirementRow(id, undefined, results, spec, anchors, worst(cases.map((c) => verdictFor(c, id))) ?? 'NONE');
  });

  // The roles the JUnit output has (src/harness/results.ts reportedRoles), then any role of a hand-edited file that ran.
  const present = new Set<string>(results.cases.map((c) => c.role));
  const roleNames = [...reportedRoles(results.cases), ...[...present].filter((r) => !(ROLES as readonly string[]).includes(r))];
  const roles = roleNames.map((role) => {
    const cases = results.cases.filter((c) => c.role === role);
    return { role, ...roleVerdict(cases), counts: countsLine(cases) };
  });

  const baselineIndex = new Map<string, { item: BaselineItem; kind: string }>();
  let baseline: BaselineView | null = null;
  if (opts.baseline) {
    const b = opts.baseline;
    for (const [kind, items] of [['deviation', b.deviations], ['accepted', b.accepted], ['improved', b.improved], ['changed', b.changed]] as const) for (const item of items) baselineIndex.set(item.id, { item, kind });
    const caseIndex = new Map(results.cases.map((c, i) => [c.id, caseAnchor(i)]));
    const group = (heading: string, cls: string, items: BaselineItem[]) => ({
      heading: `${heading} (${items.length})`,
      cls,
      items: items.map((i) => ({ id: i.id, anchor: caseIndex.get(i.id) ?? '', line: itemText(i) })),
      hasItems: items.length > 0,
    });
    baseline = {
      source: b.source,
      verdict: b.exitCode ? { label: 'DEVIATES FROM THE BASELINE', cls: 'v-fail' } : { label: 'MATCHES THE BASELINE', cls: 'v-pass' },
      summary: `${plural(b.deviations.length, 'deviation')}, ${b.accepted.length} accepted, ${b.improved.length} improved, ${b.changed.length} other change(s), ${b.notRun.length} baseline case(s) not run`,
      groups: [
        group('Deviations: fail the exit code', 'v-fail', b.deviations),
        group('Better than the baseline: tighten it', 'v-pass', b.improved),
        group('Other changes', 'v-warn', b.changed),
        group('Accepted as in the baseline', 'v-skip', b.accepted),
        { heading: `In the baseline, not run (${b.notRun.length})`, cls: 'v-none', items: b.notRun.map((id) => ({ id, anchor: '', line: '' })), hasItems: b.notRun.length > 0 },
      ],
    };
  }

  const client = m.implementation === 'client';
  // The run's verdict (src/harness/verdict.ts), from its cases: the same rule the run applied, and results
  // written before it was recorded get one too.
  const rv = runVerdict(results.cases);
  const VERDICT_CLASS: Record<string, string> = { CONFORMANT: 'v-pass', 'NOT CONFORMANT': 'v-fail', INCOMPLETE: 'v-error' };
  const overall: VerdictBadge = rv.verdict === 'CONFORMANT' && counts.WARN ? { label: 'CONFORMANT WITH WARNINGS', cls: 'v-warn' } : { label: rv.verdict, cls: VERDICT_CLASS[rv.verdict] ?? 'v-none' };
  const overallExplanation = `${rv.explanation}: exit status ${rv.exitCode}${(results.diagnoses ?? []).map((d) => `. Note: ${d}`).join('')}`;

  return {
    title: `DOMSEC conformance report: ${m.gateway}`,
    gateway: m.gateway,
    subject: client ? 'an S/MIME client implementation (draft 4 client requirements, driven through its command line)' : 'an S/MIME domain security gateway',
    spec,
    specUrl: specUrl(spec) ?? '',
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    meta: [
      { label: client ? 'Client' : 'Gateway', value: m.gateway },
      { label: client ? 'Adapter file' : 'Profile', value: m.profile },
      { label: 'Domain', value: m.domain },
      // A client has no domain encryption policy (draft 4: that is a DCA's); its run records none worth showing.
      ...(client ? [] : [{ label: 'Local policy', value: m.policy === 'encrypt' ? 'encrypt outbound mail' : 'do not encrypt outbound mail' }]),
      { label: 'Suite version', value: m.suiteVersion },
      { label: 'Started', value: m.startedAt },
      { label: 'Finished', value: m.finishedAt },
      { label: 'Duration', value: runDuration(m.startedAt, m.finishedAt) },
      { label: 'Machine', value: `${m.machine.hostname} (${m.machine.platform}, ${m.machine.cpus} CPUs, Node.js ${m.machine.node})` },
      { label: 'Run id', value: m.runId },
    ],
    overall,
    overallExplanation,
    total,
    counts: VERDICTS.map((v) => ({ verdict: v, count: counts[v], share: total ? `${Math.round((counts[v] / total) * 100)}%` : '0%', ...badge(v) })),
    roles,
    coverage: coverage(catalogue, statuses),
    hasBaseline: !!baseline,
    baseline,
    requirements,
    hasUncatalogued: uncatalogued.length > 0,
    uncatalogued,
    cases: results.cases.map((c, i) => caseView(c, i, byId, spec, baselineIndex, detailed.has(i))),
    filters: VERDICTS.map((v) => ({ verdict: v, label: v, count: counts[v], cls: badge(v).cls })),
  };
}
