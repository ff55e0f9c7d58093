/**
 * The overall verdict of a run (issue 13), from its cases:
 *  - NOT CONFORMANT: a case FAILED (a MUST-level check of the draft);
 *  - INCOMPLETE: no FAIL, but a case ERRORED, was NOT TESTED, or was SKIPPED for want of a prerequisite
 *    (credentials, a certificate the gateway replaced, the PKI's domains): the run could not see
 *    everything the declared roles owe;
 *  - CONFORMANT: every case of every declared role ran and passed (WARN allowed: a missed SHOULD).
 * A case skipped because it does not apply to what the profile declares (a role it does not play, the
 * other local policy, an optional feature it does not claim, an originator authentication it does not
 * use) does not make a run incomplete.
 *
 * Exit statuses (src/cli/exit-codes.ts): 0 CONFORMANT, 1 a case FAILED or ERRORED, 4 INCOMPLETE otherwise.
 */
import type { CaseResult } from './model.js';

export type RunVerdictName = 'CONFORMANT' | 'NOT CONFORMANT' | 'INCOMPLETE';

export interface RunVerdict {
  verdict: RunVerdictName;
  /** One sentence: why. */
  explanation: string;
  exitCode: 0 | 1 | 4;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** SKIPs that make a run INCOMPLETE: a prerequisite was missing (older results without skipKind: every SKIP of a declared role is read that way only when it names no role). */
export function incompleteSkips(cases: readonly CaseResult[]): CaseResult[] {
  return cases.filter((c) => c.verdict === 'SKIP' && c.skipKind === 'prerequisite');
}

export function runVerdict(cases: readonly CaseResult[]): RunVerdict {
  const n = (v: CaseResult['verdict']) => cases.filter((c) => c.verdict === v).length;
  const failed = n('FAIL');
  const errored = n('ERROR');
  const notTested = n('NOT TESTED');
  const skipped = incompleteSkips(cases).length;
  if (failed) return { verdict: 'NOT CONFORMANT', explanation: `${plural(failed, 'case')} failed a MUST-level requirement${errored ? `; ${plural(errored, 'case')} errored` : ''}`, exitCode: 1 };
  const gaps = [errored ? `${plural(errored, 'case')} errored` : '', notTested ? `${plural(notTested, 'case')} could not observe what they test (NOT TESTED)` : '', skipped ? `${plural(skipped, 'case')} of declared roles skipped for a missing prerequisite` : ''].filter(Boolean);
  if (gaps.length) return { verdict: 'INCOMPLETE', explanation: `no case failed, but ${gaps.join(', ')}`, exitCode: errored ? 1 : 4 };
  const ran = cases.filter((c) => c.verdict !== 'SKIP').length;
  if (ran === 0) return { verdict: 'INCOMPLETE', explanation: 'no case ran', exitCode: 4 };
  const warned = n('WARN');
  return { verdict: 'CONFORMANT', explanation: `every case of the declared roles ran and passed${warned ? ` (${plural(warned, 'case')} missed a SHOULD)` : ''}`, exitCode: 0 };
}
