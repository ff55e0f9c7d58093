/** The sample results fixture (test/fixtures/report/make-sample-results.ts), read and validated. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunResults } from '../../src/harness/run.js';
import { validateResults } from '../../src/report/results-file.js';

export const SAMPLE_FILE = fileURLToPath(new URL('../fixtures/report/sample-results.json', import.meta.url));

/** A fresh deep copy each call, so that tests can change it. */
export function sample(): RunResults {
  return validateResults(JSON.parse(readFileSync(SAMPLE_FILE, 'utf8')), SAMPLE_FILE);
}
