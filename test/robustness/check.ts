/**
 * Robustness: run one (usually malformed) input through one of the engine's entry points and check the
 * outcome is a result or a typed DomsecError: no other exception, no case slower than the budget, no
 * runaway memory. Plain functions (no test framework), shared by vitest and the fuzz script.
 *
 * The entry points are those of the CLI: inspect (parse + describe), verify, decrypt (as the local DCA)
 * and sign (apply a domain signature).
 */
import { isDomsecError } from '../../src/errors.js';
import { parseMessage } from '../../src/message/layers.js';
import { describeMessage, formatDescription } from '../../src/message/inspect.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { applyDomainSignature } from '../../src/domsec/apply.js';
import { decryptMessage } from '../../src/cli/commands/decrypt.js';
import { engineOptions, type PropertyEnv } from '../property/env.js';
import { makeSynthetic, type Synthetic } from './mutate.js';

export const OPERATIONS = ['inspect', 'verify', 'decrypt', 'sign'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A self-contained case, as kept in test/fixtures/regressions: the input's bytes, or how to make them (mutate.ts). */
export type RobustnessCase = { operation: Operation } & ({ inputBase64: string } | { synthetic: Synthetic });

/**
 * Wall-clock budget for one operation on one input of at most a few MB. A conforming run takes
 * milliseconds; the budget is generous because a 2-core CI machine runs other test files alongside.
 * Exceeding it means super-linear work on hostile input (the "no hang" requirement).
 */
export const CASE_TIME_BUDGET_MS = 5_000;

/**
 * Resident memory after any case. A Node process with the engine idles near 100-300 MB (STACK-NOTES);
 * inputs here are a few MB. Above this, something allocated by a declared length rather than by the
 * bytes present (the "no unbounded memory" requirement).
 */
export const RSS_BOUND_BYTES = 1.5 * 1024 * 1024 * 1024;

export class RobustnessViolation extends Error {
  override name = 'RobustnessViolation';
}

export type Outcome = { ok: true } | { ok: false; code: string };

export function runOperation(env: PropertyEnv, op: Operation, input: Buffer): void {
  switch (op) {
    case 'inspect':
      formatDescription(describeMessage(parseMessage(input, { keys: env.allKeys })));
      return;
    case 'verify':
      verifyMessage(input, { trustAnchors: env.trustAnchors, validationTime: env.validationTime, keys: env.allKeys });
      return;
    case 'decrypt':
      decryptMessage(input, env.recipient('localDca'));
      return;
    case 'sign':
      applyDomainSignature(input, engineOptions(env, { encryptOutbound: false, reencryptAs: 'E', encryptFor: ['remoteDca'], originatorAuthenticated: false, domainSigners: ['localDomain'] }, 'robustness'));
      return;
  }
}

function describeInput(input: Buffer): string {
  const head = `${input.length} bytes`;
  return input.length <= 48 * 1024 ? `${head}, base64: ${input.toString('base64')}` : `${head} (too large to print: replay the seed)`;
}

/** Run and check one case; returns how it ended. Throws RobustnessViolation. */
export function checkInput(env: PropertyEnv, op: Operation, input: Buffer, budgetMs = CASE_TIME_BUDGET_MS): Outcome {
  const started = performance.now();
  let outcome: Outcome;
  try {
    runOperation(env, op, input);
    outcome = { ok: true };
  } catch (e) {
    if (!isDomsecError(e)) {
      throw new RobustnessViolation(`${op}: untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n  input ${describeInput(input)}\n  ${e instanceof Error ? e.stack?.split('\n').slice(1, 8).join('\n  ') : ''}`);
    }
    outcome = { ok: false, code: e.code };
  }
  const ms = performance.now() - started;
  if (ms > budgetMs) throw new RobustnessViolation(`${op}: took ${ms.toFixed(0)} ms, over the ${budgetMs} ms budget\n  input ${describeInput(input)}`);
  const rss = process.memoryUsage().rss;
  if (rss > RSS_BOUND_BYTES) throw new RobustnessViolation(`${op}: resident memory ${(rss / 2 ** 20).toFixed(0)} MiB after the case, over ${(RSS_BOUND_BYTES / 2 ** 20).toFixed(0)} MiB\n  input ${describeInput(input)}`);
  return outcome;
}

export function checkRobustnessCase(env: PropertyEnv, c: RobustnessCase, budgetMs = CASE_TIME_BUDGET_MS): Outcome {
  return checkInput(env, c.operation, 'inputBase64' in c ? Buffer.from(c.inputBase64, 'base64') : makeSynthetic(c.synthetic), budgetMs);
}
