/**
 * Grading a client case: a pure function of what the suite wrote, how the command ended and what it
 * wrote back. No I/O here (the runner, src/adapter/run.ts, does it), so every rule is tested directly.
 *
 * The rules (draft 4, N3: a client MUST support case (b) for transmission, case (c) for reception and
 * case (a) both ways; "The process of encryption and decryption is documented in CMS [RFC5652]"):
 *  - a command that could not be started, did not finish within its bound, or was killed by a signal
 *    gives ERROR: the suite could not observe an answer (as a failed SMTP transport does);
 *  - transmission: exit 0, an output that parses, envelopedData or authEnvelopedData with a
 *    RecipientInfo for the certificate it was given (the end recipient's in case a, the recipient's
 *    DCA's in case b, draft 4.1), which that certificate's key opens to the input's content;
 *  - reception: exit 0, an output that parses and is the entity the sender encrypted (after removing the
 *    message header fields); in case (c) the domain signature inside (draft 4: applied before the
 *    encryption) survives and verifies;
 *  - a message the client cannot decrypt (not addressed to it, or altered): exit status other than 0
 *    (MUST: never report success with garbage), and no output file (SHOULD: nothing half-written).
 */
import { parseEntity, splitOuterHeaders } from '../mime/index.js';
import { shapeOf, type EnvelopeLayer } from '../message/layers.js';
import { verifyLayers } from '../domsec/verify.js';
import { certRef } from '../cms/cert-ref.js';
import { recipientInfoMatches, type RecipientKey } from '../cms/recipient-info.js';
import { layerEvidence, parsed, verdictOf, type Graded } from '../harness/grade.js';
import type { Check, Evidence, Strength } from '../harness/model.js';
import { strengthOf } from '../harness/catalogue.js';
import type { RequirementId } from '../harness/requirement-ids.js';
import type { ClientCaseDecl, ClientInput } from './model.js';
import type { CommandOutcome } from './spawn.js';

export interface ClientGradeContext {
  trustAnchors: Buffer[];
  validationTime: Date;
  /** Every key of the suite's test PKI with its entry name: to open what the client wrote and to say for whom it encrypted. */
  keys: Array<RecipientKey & { name: string }>;
}

/** What the command left at {out}: its bytes, or why the suite did not read it. Absent: nothing was written. */
export interface OutputFile {
  bytes?: Buffer;
  problem?: string;
}

export interface Written {
  input: ClientInput;
  messageId: string;
}

const REQ_RECIPIENT_INFO = 'DOMSEC-4.1-RECIPIENT-INFO';

/**
 * The MIME entity a message carries, in a canonical form to compare: the message header fields (From,
 * To, ...; RFC 8551 keeps them outside the S/MIME layer) and MIME-Version removed, CRLF line endings
 * (RFC 8551 3.1.1 canonical form; a client may write its files with LF), no trailing empty lines.
 */
export function entityContent(raw: Buffer): Buffer {
  const inner = splitOuterHeaders(parseEntity(raw)).inner;
  return Buffer.from(inner.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, ''), 'latin1');
}

/** Where two byte strings first differ, with a little of each, for the evidence. */
export function firstDifference(expected: Buffer, found: Buffer): string {
  let i = 0;
  while (i < expected.length && i < found.length && expected[i] === found[i]) i++;
  const show = (b: Buffer) => JSON.stringify(b.subarray(i, i + 32).toString('latin1'));
  return `first difference at byte ${i} of ${expected.length}: expected ${show(expected)}, found ${show(found)}`;
}

/** The last non-empty line of a stream tail: where a tool says why it failed. */
function lastLine(s: string): string {
  const lines = s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^\[\d+ earlier bytes not kept\]$/.test(l));
  const l = lines[lines.length - 1];
  return l === undefined ? '' : l.length > 200 ? `${l.slice(0, 200)}...` : l;
}

/** For whom an envelope's RecipientInfos are, by the suite's PKI entry names (or as the RecipientInfo says). */
function addressees(env: EnvelopeLayer, keys: ClientGradeContext['keys']): string[] {
  return env.env.recipientInfos.map((ri, i) => keys.find((k) => recipientInfoMatches(ri, certRef(k.certDer)))?.name ?? env.env.recipients[i]?.recipients.join(', ') ?? '?');
}

export function gradeClient(decl: Pick<ClientCaseDecl, 'requirements' | 'strength' | 'expect'>, written: Written, outcome: CommandOutcome, output: OutputFile, g: ClientGradeContext): Graded {
  const checks: Check[] = [];
  const req = decl.requirements[0]!;
  // A check is as strong as the level of the requirement it names (suites/requirements.json, N16), never stronger.
  const check = (ok: boolean, message: string, requirement: RequirementId = req, strength: Strength = strengthOf(requirement), expected?: string, found?: string): void => {
    checks.push({ requirement, strength, ok, message, ...(expected !== undefined ? { expected } : {}), ...(found !== undefined ? { found } : {}) });
  };
  const { input } = written;
  const run = outcome.run;
  const allKeys = g.keys;
  const sentParsed = parsed(input.message, allKeys);
  const out = output.bytes ? parsed(output.bytes, allKeys) : undefined;
  const evidence: Evidence = {
    command: [run],
    sent: { bytes: input.message.length, shape: sentParsed.root ? shapeOf(sentParsed.root) : '(unparseable)', messageId: written.messageId, mailFrom: input.from, rcptTo: [input.to] },
    // The same layer-by-layer evidence as a gateway case: what the client was given and what it wrote.
    sentLayers: layerEvidence(sentParsed, g),
    received: output.bytes && out ? [{ bytes: output.bytes.length, shape: out.root ? shapeOf(out.root) : '(unparseable)', rcptTo: [input.to], ...(out.error ? { error: out.error } : {}), layers: layerEvidence(out, g) }] : [],
  };
  const done = (): Graded => ({ ...verdictOf(checks), checks, evidence });

  // The command did not answer: nothing to grade (ERROR, like a failed SMTP transport).
  if (outcome.spawnError) return { verdict: 'ERROR', reason: `the command could not be started: ${outcome.spawnError}`, checks, evidence };
  if (run.timedOut) return { verdict: 'ERROR', reason: `the command did not finish within its time bound (${run.durationMs} ms); its process group was killed`, checks, evidence };
  // What a crashing process prints last is a stack frame or nothing: the evidence keeps its stderr tail.
  if (run.signal) return { verdict: 'ERROR', reason: `the command was killed by ${run.signal} (it crashed)`, checks, evidence };

  const e = decl.expect;
  if (e.kind === 'refused') {
    const wrote = output.bytes ? `, and wrote ${output.bytes.length} bytes` : output.problem ? `, and left ${output.problem}` : '';
    check(run.exitCode !== 0, run.exitCode === 0 ? `exit status 0 for a message it cannot decrypt${wrote}: success reported without the plaintext` : `refused with exit status ${run.exitCode}${lastLine(run.stderrTail) ? `: ${lastLine(run.stderrTail)}` : ''}`, req, 'MUST', 'exit status not 0', String(run.exitCode));
    if (run.exitCode !== 0) {
      const left = output.bytes !== undefined || output.problem !== undefined;
      check(!left, left ? `failed but left an output file at {out}${output.bytes ? ` (${output.bytes.length} bytes)` : ''}: a half-written result a caller may take for the message` : 'nothing written at {out}', req, 'SHOULD');
    }
    return done();
  }

  // Transmission and reception: the command must succeed and write a message.
  const why = lastLine(run.stderrTail);
  check(run.exitCode === 0, run.exitCode === 0 ? 'exit status 0' : `the command failed with exit status ${run.exitCode}${why ? `: ${why}` : ''}`, req, 'MUST', '0', String(run.exitCode));
  if (run.exitCode !== 0) return done();
  if (output.problem) {
    check(false, `the output at {out} was not read: ${output.problem}`);
    return done();
  }
  if (!output.bytes) {
    check(false, 'exit status 0, but nothing was written to {out}');
    return done();
  }
  if (!out?.root) {
    check(false, `the output does not parse as a message: ${out?.error ?? 'empty'}`);
    return done();
  }
  const root = out.root;
  evidence.foundShape = shapeOf(root);

  if (e.kind === 'encrypted-for' && input.step === 'encrypt') {
    const target = allKeys.find((k) => k.name === input.recipient);
    if (!target) throw new Error(`the suite holds no key for ${input.recipient}`);
    const encrypted = root.kind === 'envelopedData' || root.kind === 'authEnvelopedData';
    check(encrypted, encrypted ? `encrypted (${root.kind})` : `written unencrypted (${shapeOf(root)}): no envelopedData or authEnvelopedData`, req, 'MUST', 'E(...) or A(...)', shapeOf(root));
    if (!encrypted) return done();
    const forWhom = addressees(root, allKeys);
    const ref = certRef(target.certDer);
    const addressed = root.env.recipientInfos.some((ri) => recipientInfoMatches(ri, ref));
    const whose = e.encryptionCase === 'b' ? "the recipient's DCA" : 'the end recipient';
    check(addressed, addressed ? `a RecipientInfo for ${whose} (${input.recipient})` : `no RecipientInfo for ${whose} (${input.recipient}); it is encrypted for ${forWhom.join(', ') || 'nobody'}`, REQ_RECIPIENT_INFO, 'MUST', input.recipient, forWhom.join(', '));
    if (!addressed) return done();
    // Open it with that certificate's key alone: another key opening it proves nothing about this recipient.
    const opened = parsed(output.bytes, [target]).root;
    const inner = opened && (opened.kind === 'envelopedData' || opened.kind === 'authEnvelopedData') ? opened.inner : undefined;
    const openError = opened && (opened.kind === 'envelopedData' || opened.kind === 'authEnvelopedData') ? opened.openError?.message : undefined;
    check(!!inner, inner ? `the key of ${input.recipient} opens it` : `the key of ${input.recipient} does not open it: ${openError ?? 'unknown error'}`, req);
    if (!inner) return done();
    let same = false;
    let detail = '';
    try {
      const expected = entityContent(input.message);
      const found = entityContent(inner.raw);
      same = expected.equals(found);
      if (!same) detail = firstDifference(expected, found);
    } catch (err) {
      detail = `the decrypted content is not a MIME entity: ${(err as Error).message}`;
    }
    check(same, same ? "the decrypted content is the message's content" : `the decrypted content differs from the message's content: ${detail}`, req);
    return done();
  }

  if (e.kind === 'decrypted' && input.step === 'decrypt') {
    const still = root.kind === 'envelopedData' || root.kind === 'authEnvelopedData';
    check(!still, still ? `the output is still encrypted (${shapeOf(root)})` : 'the output is decrypted', req, 'MUST', e.innerShape, shapeOf(root));
    if (still) return done();
    let same = false;
    let detail = '';
    try {
      const expected = entityContent(input.plaintext);
      const found = entityContent(output.bytes);
      same = expected.equals(found);
      if (!same) detail = firstDifference(expected, found);
    } catch (err) {
      detail = `the output is not a MIME entity: ${(err as Error).message}`;
    }
    check(same, same ? 'the output is the entity the sender encrypted' : `the output is not the entity the sender encrypted: ${detail}`, req);
    evidence.expectedShape = e.innerShape;
    check(shapeOf(root) === e.innerShape, `output shape ${shapeOf(root)}${shapeOf(root) === e.innerShape ? '' : `, expected ${e.innerShape}`}`, req, 'MUST', e.innerShape, shapeOf(root));
    if (e.domainSignature) {
      // Draft 4: in case (c) the domain signature is applied before the encryption; the recipient must get it intact.
      // The originator is the From of the message the client was given: a client may write the bare entity (N9).
      const report = verifyLayers(root, { trustAnchors: g.trustAnchors, validationTime: g.validationTime, from: input.from });
      const ok = report.domainSignatures > 0 && report.verdict === 'pass';
      check(ok, ok ? "the originator's domain signature survives decryption and verifies" : `the domain signature does not verify after decryption (smime=${report.verdict}${report.reasons.length ? `: ${report.reasons.join(', ')}` : ''})`, req, 'MUST', 'smime=pass', `smime=${report.verdict}`);
    }
    return done();
  }
  throw new Error(`case expectation ${e.kind} does not fit the ${input.step} step`);
}
