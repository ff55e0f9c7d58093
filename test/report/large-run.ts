/** A large run for the report's bounds (test/report/bounds.test.ts, large-browser.test.ts), made from the sample results. */
import type { RunResults } from '../../src/harness/run.js';
import type { CaseResult } from '../../src/harness/model.js';
import { sample } from './fixture.js';

/** The sample run's cases repeated to `n`, every one a PASS except `failAt` (a FAIL, placed last by default). */
export function largeRun(n: number, failAt = n - 1): RunResults {
  const r = sample();
  const pass = r.cases.find((c) => c.verdict === 'PASS')!;
  const fail = r.cases.find((c) => c.verdict === 'FAIL')!;
  const cases: CaseResult[] = [];
  for (let i = 0; i < n; i++) cases.push({ ...structuredClone(i === failAt ? fail : pass), id: `${(i === failAt ? fail : pass).id}-${i}` });
  return { ...r, cases };
}
