/**
 * The Section 5 property: build a model message with the engine, apply the domain signature with the
 * engine and with the model, and compare. Plain functions that throw on a violation (no test framework),
 * so that vitest (quick profile) and the fuzz script (long profile) run exactly the same checks.
 */
import { isDomsecError, type DomsecError } from '../../src/errors.js';
import * as O from '../../src/asn1/oids.js';
import { applyDomainSignature, type ApplyResult } from '../../src/domsec/apply.js';
import { verifyLayers } from '../../src/domsec/verify.js';
import { children, readBer, rawOf } from '../../src/cms/der.js';
import { layerChain, parseMessage, shapeOf, signedLabel, type Layer, type SignedLayer } from '../../src/message/layers.js';
import {
  applyModel, chainOf, isSigned, named, shape,
  type ModelMessage, type ModelOptions, type ModelOutcome, type ModelSuccess,
} from '../../src/model/index.js';
import { buildModelMessage, type BuiltMessage } from '../../src/model/build.js';
import { engineOptions, type PropertyEnv } from './env.js';

/** One generated case: an input message and the domain's options. JSON-serialisable (regression files). */
export interface Section5Case {
  message: ModelMessage;
  options: ModelOptions;
}

/** What a case did, for statistics (which branches and refusals the run reached). */
export interface CaseOutcome {
  outcome: string;
  reapply: string;
  depth: number;
}

export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

function fail(what: string, c: Section5Case, details: string[]): never {
  throw new PropertyViolation([what, `  input   ${named(c.message.root)}  ${shape(c.message.root)}  (${c.message.wrapping})`, `  options ${JSON.stringify(c.options)}`, ...details.map((d) => `  ${d}`)].join('\n'));
}

const isSignedLayer = (l: Layer): l is SignedLayer => l.kind === 'signedData' || l.kind === 'multipartSigned';
const isEnvelopeLayer = (l: Layer): boolean => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData';

/** The SignedData/EnvelopedData element of a layer's DER, whether it was a ContentInfo or plain CMS nesting (RFC 5652 5.2). */
function contentElement(der: Buffer): Buffer {
  const root = readBer(der, { what: 'layer DER' });
  const first = children(root)[0];
  if (first && first.idBlock.tagClass === 1 && first.idBlock.tagNumber === 6) return rawOf(children(children(root)[1]!)[0]!);
  return der;
}

function engineApply(env: PropertyEnv, bytes: Buffer, o: ModelOptions, seed: string): { result?: ApplyResult; error?: DomsecError } {
  try {
    return { result: applyDomainSignature(bytes, engineOptions(env, o, seed)) };
  } catch (e) {
    if (isDomsecError(e)) return { error: e };
    throw new PropertyViolation(`the engine threw an untyped error: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

function describe(m: ModelOutcome): string {
  return m.ok ? `model: ${m.branch} -> ${shape(m.output.root)}  ${named(m.output.root)}` : `model: refuses ${m.refusals.join(', ')}`;
}

function compareOutcome(what: string, c: Section5Case, model: ModelOutcome, engine: { result?: ApplyResult; error?: DomsecError }): void {
  const details = [describe(model), engine.result ? `engine: ${engine.result.branch} -> ${engine.result.outputShape}` : `engine: ${engine.error!.code}: ${engine.error!.message}`, `model steps: ${model.steps.join('; ')}`];
  if (engine.result) details.push(`engine steps: ${engine.result.steps.join('; ')}`);
  if (!model.ok) {
    if (!engine.error) fail(`${what}: the model refuses (${model.refusal}), the engine produced a message`, c, details);
    if (engine.error.code !== model.refusal) fail(`${what}: refused for different reasons: model ${model.refusal}, engine ${engine.error.code}`, c, details);
    return;
  }
  if (!engine.result) fail(`${what}: the engine refused (${engine.error!.code}), the model produces ${shape(model.output.root)}`, c, details);
  if (engine.result.outputShape !== shape(model.output.root)) fail(`${what}: output shapes differ`, c, details);
  if (engine.result.branch !== model.branch) fail(`${what}: Section 5 branches differ`, c, details);
}

/** Signed layers whose signers carry SignatureType domainSig. */
const domainSigLayers = (chain: Layer[]): number => chain.filter((l) => isSignedLayer(l) && signedLabel(l.sd).split(',').includes('domainSig')).length;

/** Every check of one case. Throws PropertyViolation on the first violation. */
export function checkSection5Case(env: PropertyEnv, c: Section5Case): CaseOutcome {
  const built = buildModelMessage(env, c.message);
  // The builder builds what the tree says (otherwise everything below compares the wrong thing).
  let inRoot: Layer;
  try {
    inRoot = parseMessage(built.message, { keys: env.allKeys });
  } catch (e) {
    fail(`the input built cannot be read: ${isDomsecError(e) ? `${e.code}: ${e.message}` : String(e)}`, c, []);
  }
  if (shapeOf(inRoot) !== shape(c.message.root)) fail('builder: the message built does not have the shape of the tree', c, [`built ${shapeOf(inRoot)}`]);

  const model = applyModel(c.message, c.options);
  const engine = engineApply(env, built.message, c.options, 'first');
  compareOutcome('first application', c, model, engine);

  const chainIn = chainOf(c.message.root);
  // 3.2 MUST NOT, independently of the model: nothing is produced when any signature is invalid.
  if (chainIn.some((l) => isSigned(l) && l.signers.some((s) => s.validity !== 'valid')) && engine.result) {
    fail('a signature is invalid and a domain signature was produced anyway', c, [engine.result.outputShape]);
  }
  const depth = chainIn.length - 1;
  if (!model.ok) return { outcome: `refused:${model.refusal}`, reapply: 'n/a', depth };

  const result = engine.result!;
  const domainSignatures = checkOutput(env, c, model, built, inRoot, result);
  const reapply = checkReapply(env, c, model, result, domainSignatures);
  return { outcome: model.branch, reapply, depth };
}

/** Parse a message the engine produced; an error here is the engine's fault, reported as a violation. */
function readBack(env: PropertyEnv, c: Section5Case, bytes: Buffer, what: string): Layer {
  try {
    return parseMessage(bytes, { keys: env.allKeys });
  } catch (e) {
    fail(`${what} cannot be read back: ${isDomsecError(e) ? `${e.code}: ${e.message}` : String(e)}`, c, []);
  }
}

/** Returns the number of domain signature layers in the output. */
function checkOutput(env: PropertyEnv, c: Section5Case, model: ModelSuccess, built: BuiltMessage, inRoot: Layer, result: ApplyResult): number {
  const outRoot = readBack(env, c, result.message, `the output ${result.outputShape}`);
  const out = layerChain(outRoot);
  const expected = chainOf(model.output.root);
  const details = [describe(model), `engine: ${result.outputShape}`, `parsed: ${shapeOf(outRoot)}`];
  if (shapeOf(outRoot) !== shape(model.output.root)) fail('the output read back does not have the shape the model gives', c, details);
  if (out.length !== expected.length) fail('output depth differs from the model', c, details);

  // Kept layers: the CMS bytes of every input layer the model keeps are in the output, unchanged, where the model puts them
  // (the originator's signature among them); so is the content.
  const inChain = layerChain(inRoot);
  const inputIndex = new Map(chainOf(c.message.root).map((n, k) => [n, k] as const));
  expected.forEach((node, k) => {
    if (model.created.has(node)) return;
    const o = out[k]!;
    const b = built.layers.get(node)!;
    if (node.kind === 'data') {
      const original = inChain[inputIndex.get(node)!]!;
      if (inputIndex.get(node)! > 0 && !o.raw.equals(original.raw)) fail(`content changed (output layer ${k})`, c, details);
      return;
    }
    if (o.kind === 'content') fail(`kept layer ${node.name} missing at output layer ${k}`, c, details);
    if (!contentElement(o.der).equals(contentElement(b.der!))) fail(`kept layer ${node.name} (output layer ${k}) changed: its CMS bytes differ`, c, details);
    const signedNow = isSignedLayer(o) ? o.content : undefined;
    if (signedNow && b.signedContent && !signedNow.equals(b.signedContent)) fail(`kept layer ${node.name} (output layer ${k}): the signed content changed`, c, details);
  });

  // Exactly one new domain signature, where the rules put it, and valid.
  const dPos = expected.indexOf(model.domainSignature);
  const keptDomain = expected.filter((n) => !model.created.has(n) && isSigned(n) && n.signatureType === 'domainSig' && n.signers.length > 0).length;
  if (domainSigLayers(out) !== keptDomain + 1) fail(`expected ${keptDomain + 1} domain signature layer(s) in the output, found ${domainSigLayers(out)}`, c, details);
  const report = verifyLayers(outRoot, { trustAnchors: env.trustAnchors, validationTime: env.validationTime });
  const dReport = report.layers[dPos]!;
  if (!dReport.signers.length || !dReport.signers.every((s) => s.domainSignature && s.signature.ok && s.verdict === 'pass')) {
    fail(`the new domain signature (output layer ${dPos}) does not verify as a domain signature`, c, [...details, JSON.stringify(dReport.signers.map((s) => s.reasons))]);
  }
  if (report.verdict === 'fail') fail(`the receiving side finds a failure in the output: ${report.reasons.join(', ')}`, c, details);

  // An envelopedData below the domain signature means an envelopedData above it (Section 5 A, N7).
  if (out.slice(dPos + 1).some(isEnvelopeLayer) && !out.slice(0, dPos).some(isEnvelopeLayer)) fail('an envelopedData lies below the domain signature and none above it', c, details);

  // N5: the re-added outer layer carries the remembered signed attributes (all but contentType and messageDigest).
  if (model.rememberedFrom) {
    const from = inChain[inputIndex.get(model.rememberedFrom)!] as SignedLayer;
    const mlSigner = from.sd.signerInfos.find((si) => (si.signedAttrs ?? []).some((a) => a.type === O.id_aa_mlExpandHistory))!;
    const carried = (attrs: SignedLayer['sd']['signerInfos'][number]['signedAttrs']) =>
      (attrs ?? []).filter((a) => a.type !== O.id_contentType && a.type !== O.id_messageDigest).map((a) => a.raw.toString('hex')).sort().join(',');
    const outer = out[0] as SignedLayer;
    for (const si of outer.sd.signerInfos) {
      if (carried(si.signedAttrs) !== carried(mlSigner.signedAttrs)) fail('the re-added outer signedData does not carry the remembered signed attributes (N5)', c, details);
    }
  }
  return domainSigLayers(out);
}

/**
 * Applying the domain signature to the output again (draft 3.2: "one or more 'domain signature'
 * signatures"): engine and model agree, and the count of domain signatures goes up by exactly one, less
 * any earlier domain signature the rules strip. The rules do strip one when it lies above a layer with
 * mlExpansionHistory: the envelopedData branch can produce S_dom(S_ml(...)) (the search stops at the
 * envelope and never sees the mlExpansionHistory inside it), and the next application then finds S_ml as
 * the "outer" signedData and strips everything above it, as an MLA would (ESS 4.2). Counted in the tally.
 */
function checkReapply(env: PropertyEnv, c: Section5Case, first: ModelSuccess, result: ApplyResult, before: number): string {
  const model = applyModel(first.output, c.options);
  const engine = engineApply(env, result.message, c.options, 'second');
  compareOutcome('second application (to the first output)', { message: first.output, options: c.options }, model, engine);
  if (!model.ok) return `refused:${model.refusal}`;
  const stripped = model.removed.filter((n) => isSigned(n) && n.signatureType === 'domainSig' && n.signers.length > 0).length;
  const after = domainSigLayers(layerChain(readBack(env, c, engine.result!.message, `the second output ${engine.result!.outputShape}`)));
  if (after !== before + 1 - stripped) {
    fail(`applying again went from ${before} to ${after} domain signature layers, expected ${before + 1 - stripped} (one more${stripped ? `, ${stripped} stripped` : ''})`, c, [engine.result!.outputShape]);
  }
  return stripped ? `${model.branch} (stripped an earlier domain signature)` : model.branch;
}

/** For test names and reports. */
export function caseTitle(c: Section5Case): string {
  return `${named(c.message.root)} ${shape(c.message.root)}`;
}
