/** The gateway took the message and relayed (or delivered) exactly one message that parses. */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { RequirementId } from '../requirement-ids.js';
import type { SubmitResult } from '../../smtp/submit.js';

/** Preconditions of every expectation but a refusal; a failed one ends the grading of the case. */
export function deliveryChecks(requirement: RequirementId, smtp: SubmitResult, relayed: number, parseError: string | undefined): { checks: Check[]; stop: boolean } {
  if (!smtp.accepted) return { checks: [check('accepted', requirement, false, { detail: smtp.response })], stop: true };
  if (relayed === 0) return { checks: [check('relayed', requirement, false)], stop: true };
  const checks = [check('relayed-once', requirement, relayed === 1, { expected: '1', found: String(relayed) })];
  if (parseError !== undefined) return { checks: [...checks, check('output-parses', requirement, false, { detail: parseError })], stop: true };
  return { checks, stop: false };
}
