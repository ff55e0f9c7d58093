/**
 * The reader role (issue 15): an implementation is given the receiving golden vectors (vectors/manifest.json,
 * kind "verify": domain-signed messages, the empty signature layer, BER, mlExpansionHistory layers and the
 * negative catalogue) and its verdict and the content it shows are compared with the manifest's expectation.
 *
 * A CMS tool verifies or decrypts one layer per call. The runner drives it the way a mail client drives its
 * engine: it gives the tool the message, reads what the tool wrote, and hands the next layer back to the
 * tool (verify for a signed layer, decrypt with the key the vector names for an encrypted one) until the
 * tool shows content or refuses. The suite only looks at the tool's output to pick the next command; it
 * never verifies or decrypts in the tool's place. The tool's verdict is: accepted (every layer), or
 * refused at layer k; what it showed is the content it wrote last.
 *
 * Grading (pure, gradeReader):
 *  - expected smime=pass: every layer accepted and the content shown is the message's content, else FAIL;
 *  - expected smime=fail (a signature, digest or certificate path that does not verify; generic CMS and
 *    X.509 checks every verifier makes): a layer refused, else FAIL;
 *  - expected smime=policy (draft 2.4 naming, SignatureType, mlExpansionHistory rules) or smime=none (no
 *    signature at all, N12): a CMS tool's exit status cannot say it; NOT TESTED, with what the tool did;
 *  - a command that could not start, timed out or crashed: ERROR, as in the command adapter.
 * A check is as strong as the requirement it tests (N16: MUST fails, SHOULD warns): the receiving
 * requirements the inbound-verifier suite grades the same vector on (passed in by the caller from
 * suites/inbound.ts; the vector's own list otherwise), the first MUST among them, else the first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check, CaseResult, CaseVerdict, CommandRun, Evidence, Strength } from '../harness/model.js';
import { strengthOf } from '../harness/catalogue.js';
import type { RequirementId } from '../harness/requirement-ids.js';
import { layerEvidence, parsed } from '../harness/grade.js';
import { entityContent, firstDifference } from '../adapter/grade.js';
import { layerChain, shapeOf, type Layer } from '../message/layers.js';
import type { RecipientKey } from '../cms/recipient-info.js';
import type { ManifestTest } from '../vectors/generate.js';
import { MAX_READER_STEPS } from './limits.js';
import { packagePath } from '../paths.js';

export const VECTORS_DIR = packagePath('vectors');

/** One reader case: a receiving vector as the manifest publishes it. */
export interface ReaderCase {
  id: string;
  vector: ManifestTest;
  title: string;
  requirements: string[];
  /** smime= result a conforming receiver gives (N14). */
  expected: 'pass' | 'fail' | 'policy' | 'none' | 'neutral';
  /** Other verdicts the draft leaves latitude for (manifest result "acceptable"), e.g. pass for an inner signature a receiver need not check. */
  acceptable: string[];
  reasons: string[];
  shape: string;
}

interface ManifestFile {
  tests: ManifestTest[];
}

/** The receiving requirements a vector is graded on (suites/inbound.ts verifierGrading), or undefined for the vector's own. */
export type ReceivingRequirements = (vectorId: string) => string[] | undefined;

/** domsec::receive::X -> domsec::reader::X; another area's vector keeps its area: domsec::signers::X -> domsec::reader::signers-X. */
export function readerCaseId(vectorId: string): string {
  const [, area, name] = /^domsec::([^:]+)::(.+)$/.exec(vectorId) ?? [undefined, 'vector', vectorId];
  return `domsec::reader::${area === 'receive' ? name : `${area}-${name}`}`;
}

/** The reader cases: every "verify" vector of the manifest, in manifest order. */
export function readerCases(vectorsDir = VECTORS_DIR, receiving?: ReceivingRequirements): ReaderCase[] {
  const m = JSON.parse(readFileSync(join(vectorsDir, 'manifest.json'), 'utf8')) as ManifestFile;
  return m.tests
    .filter((t) => t.kind === 'verify')
    .map((t) => {
      const e = t.expected as { verdict: ReaderCase['expected']; reasons?: string[]; shape: string; acceptable?: string[] };
      return { id: readerCaseId(t.id), vector: t, title: t.description, requirements: receiving?.(t.id) ?? t.requirements, expected: e.verdict, acceptable: e.acceptable ?? [], reasons: e.reasons ?? [], shape: e.shape };
    });
}

/** One command the runner ran for a layer, with what it wrote (when it wrote something readable). */
export interface ReaderStepResult {
  /** verify or decrypt, and the layer, e.g. "verify layer 1 (S[domainSig])". */
  kind: 'verify' | 'decrypt';
  layer: string;
  run: CommandRun;
  spawnError?: string;
  output?: Buffer;
  outputProblem?: string;
}

export interface ReaderGradeContext {
  trustAnchors: Buffer[];
  validationTime: Date;
  keys: Array<RecipientKey & { name: string }>;
  /** What the implementation's verify checks, for the reasons. */
  checks: string;
  tool: string;
}

/** Why the runner stopped walking the layers, when the tool did not refuse or show content. */
export type StopReason =
  /** The layer cannot be presented to the tool by this adapter or runner (not the tool's verdict): why. */
  | { kind: 'not-presentable'; step: number; why: string }
  | { kind: 'content' } | { kind: 'refused'; step: number } | { kind: 'no-key'; layer: string } | { kind: 'unreadable'; step: number; why: string } | { kind: 'too-deep' } | { kind: 'error'; step: number; why: string };

const lastLine = (s: string): string => {
  const l = s.split(/\r?\n/).map((x) => x.trim()).filter((x) => x && !/^\[\d+ earlier bytes not kept\]$/.test(x)).pop() ?? '';
  return l.length > 200 ? `${l.slice(0, 200)}...` : l;
};

/** The innermost content of a vector (opened with the keys the manifest names), as the shown content must be. */
export function expectedContent(root: Layer | undefined): Buffer | undefined {
  if (!root) return undefined;
  const last = layerChain(root).pop();
  return last?.kind === 'content' ? last.raw : undefined;
}

/** What the tool did, in words, for reasons and the evidence. */
export function toolVerdict(steps: readonly ReaderStepResult[], stop: StopReason): string {
  if (stop.kind === 'refused') {
    const s = steps[stop.step]!;
    const why = lastLine(s.run.stderrTail);
    return `refused ${s.layer} with exit status ${s.run.exitCode}${why ? ` (${why})` : ''}`;
  }
  if (stop.kind === 'content') return `accepted every layer (${steps.map((s) => s.layer).join(', ')}) and showed the content`;
  if (stop.kind === 'no-key') return `accepted the layers before ${stop.layer}, which is encrypted for a key the vector does not give`;
  if (stop.kind === 'unreadable') return `exit status 0 for ${steps[stop.step]!.layer}, but ${stop.why}`;
  if (stop.kind === 'not-presentable') return stop.why;
  if (stop.kind === 'too-deep') return `more than ${MAX_READER_STEPS} layers`;
  return stop.why;
}

/** The requirement a reader case's check names, and its strength (N16), from the catalogue. */
export function gradedOn(c: Pick<ReaderCase, 'requirements'>): { requirement: string; strength: Strength } {
  const graded = c.requirements.map((r) => ({ requirement: r, strength: strengthOrShould(r) }));
  return graded.find((g) => g.strength === 'MUST') ?? graded[0] ?? { requirement: 'DOMSEC-3.2-USE-DOMAIN-SIGNATURE', strength: 'SHOULD' };
}
function strengthOrShould(id: string): Strength {
  try {
    return strengthOf(id as RequirementId);
  } catch {
    return 'SHOULD';
  }
}

/** Grade one reader case: a pure function of the case, the commands' outcomes and the vector as parsed by the suite. */
export function gradeReader(c: ReaderCase, steps: readonly ReaderStepResult[], stop: StopReason, vector: Buffer, g: ReaderGradeContext): { verdict: CaseVerdict; reason: string; checks: Check[]; evidence: Evidence } {
  const { requirement: req, strength } = gradedOn(c);
  const sent = parsed(vector, g.keys);
  const shown = stop.kind === 'content' ? steps[steps.length - 1]?.output : undefined;
  const shownParsed = shown ? parsed(shown, []) : undefined;
  const evidence: Evidence = {
    command: steps.map((s) => s.run),
    sent: { bytes: vector.length, shape: sent.root ? shapeOf(sent.root) : '(unparseable)', messageId: c.vector.id, mailFrom: '', rcptTo: [] },
    sentLayers: layerEvidence(sent, g),
    received: shown && shownParsed ? [{ bytes: shown.length, shape: shownParsed.root ? shapeOf(shownParsed.root) : '(unparseable)', rcptTo: [], ...(shownParsed.error ? { error: shownParsed.error } : {}), layers: layerEvidence(shownParsed, g) }] : [],
    expectedShape: c.shape,
  };
  const checks: Check[] = [];
  const did = toolVerdict(steps, stop);
  if (stop.kind === 'not-presentable') return { verdict: 'NOT TESTED', reason: `cannot be graded: ${stop.why}; the tool gave no verdict on it${stop.step > 0 ? ` (it accepted ${steps.slice(0, stop.step).map((s) => s.layer).join(', ')})` : ''}`, checks, evidence };
  if (stop.kind === 'error') return { verdict: 'ERROR', reason: `${stop.why} (${steps[stop.step]?.layer ?? 'first layer'})`, checks, evidence };

  if (c.expected === 'policy' || c.expected === 'none' || c.expected === 'neutral') {
    const what = c.expected === 'none' ? 'smime=none: the message carries no signature (N12: an empty signature layer identifies no originator)' : `smime=${c.expected}${c.reasons.length ? ` (${c.reasons.join(', ')})` : ''}: a DOMSEC rule (${c.requirements.join(', ')})`;
    return { verdict: 'NOT TESTED', reason: `cannot be graded: the expected verdict is ${what}, which ${g.tool}'s verify cannot express (it checks ${g.checks}); it ${did}`, checks, evidence };
  }

  if (c.expected === 'fail') {
    const refused = stop.kind === 'refused';
    // The manifest's "acceptable" class: accepting is also conforming (e.g. a receiver need not verify an inner signature).
    const latitude = !refused && stop.kind === 'content' && c.acceptable.includes('pass');
    checks.push({ requirement: req, strength, ok: refused || latitude, outcome: refused ? 'pass' : latitude ? 'acceptable' : 'fail', message: refused ? `${did}: the message is not accepted as signed` : latitude ? `${did}; acceptable: the vector's expected verdict is smime=fail (${c.reasons.join(', ')}), and the manifest also accepts smime=pass` : `${did}, though ${c.reasons.join(', ') || 'a signature'} makes it smime=fail`, expected: 'a layer refused', found: refused ? 'refused' : 'accepted' });
  } else {
    const accepted = stop.kind === 'content';
    checks.push({ requirement: req, strength, ok: accepted, outcome: accepted ? 'pass' : 'fail', message: accepted ? did : `${did}; a conforming receiver accepts it (smime=pass)`, expected: 'every layer accepted', found: accepted ? 'accepted' : 'refused' });
    if (accepted) {
      const want = expectedContent(sent.root);
      let same = false;
      let detail = 'the suite could not read the vector';
      if (want && shown) {
        try {
          same = entityContent(want).equals(entityContent(shown));
          if (!same) detail = firstDifference(entityContent(want), entityContent(shown));
        } catch (e) {
          detail = `what it showed is not a MIME entity: ${(e as Error).message}`;
        }
      }
      evidence.foundShape = shownParsed?.root ? shapeOf(shownParsed.root) : '(unparseable)';
      checks.push({ requirement: req, strength, ok: same, outcome: same ? 'pass' : 'fail', message: same ? 'it shows the content the originator signed' : `the content it shows is not the message's content: ${detail}` });
    }
  }
  const failed = checks.filter((k) => !k.ok);
  const verdict: CaseVerdict = failed.some((k) => k.strength === 'MUST') ? 'FAIL' : failed.length ? (failed.some((k) => k.strength === 'SHOULD') ? 'WARN' : 'PASS') : 'PASS';
  return { verdict, reason: failed.length ? failed.map((k) => k.message).join('; ') : checks.map((k) => k.message).join('; '), checks, evidence };
}

/** The CaseResult of a reader case (role reader, suite reader). */
export function readerResult(c: ReaderCase, graded: ReturnType<typeof gradeReader>, durationMs: number): CaseResult {
  return { id: c.id, suite: 'reader', role: 'reader', title: c.title, requirements: c.requirements, strength: gradedOn(c).strength === 'MUST' ? 'MUST' : 'SHOULD', verdict: graded.verdict, reason: graded.reason, checks: graded.checks, evidence: graded.evidence, durationMs };
}
