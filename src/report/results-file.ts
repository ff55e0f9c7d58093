/**
 * Reading results.json (format domsec-results/1, src/report/schema/domsec-results-1.schema.json) back:
 * checked against its schema, so that a report or a comparison is never built from a file that only
 * looks like results. Every problem is one BAD_ARGUMENT / FILE_UNREADABLE line.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomsecError } from '../errors.js';
import { RESULTS_FORMAT } from '../harness/results.js';
import type { RunResults } from '../harness/run.js';
import { emptyCounts, type CaseResult, type CaseVerdict } from '../harness/model.js';
import { packagePath } from '../paths.js';

/** Every verdict, in the order reports list them. */
export const VERDICTS: readonly CaseVerdict[] = ['PASS', 'FAIL', 'WARN', 'ERROR', 'NOT TESTED', 'SKIP'];

export function countVerdicts(cases: readonly Pick<CaseResult, 'verdict'>[]): Record<CaseVerdict, number> {
  const counts = emptyCounts();
  for (const c of cases) if (c.verdict in counts) counts[c.verdict]++;
  return counts;
}

export const RESULTS_SCHEMA = packagePath('src/report/schema/domsec-results-1.schema.json');
export const EXPECTED_SCHEMA = packagePath('src/report/schema/domsec-expected-1.schema.json');

const validators = new Map<string, ValidateFunction>();
export function schemaValidator(file: string): ValidateFunction {
  let v = validators.get(file);
  if (!v) {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    v = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    validators.set(file, v);
  }
  return v;
}

/** One line for the first schema error. */
export function firstSchemaError(v: ValidateFunction): string {
  const e = v.errors?.[0];
  if (!e) return 'invalid';
  const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${e.instancePath || '(top level)'} ${e.message ?? 'invalid'}${extra}`;
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DomsecError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DomsecError('BAD_ARGUMENT', `${path}: not JSON (${(e as Error).message})`);
  }
}

/** Validate parsed results (format domsec-results/1); case ids must be unique. */
export function validateResults(data: unknown, where: string): RunResults {
  const format = data && typeof data === 'object' ? (data as { format?: unknown }).format : undefined;
  if (format !== RESULTS_FORMAT) {
    throw new DomsecError('BAD_ARGUMENT', `${where}: not ${RESULTS_FORMAT} results (format ${typeof format === 'string' ? JSON.stringify(format) : 'missing'})`);
  }
  const v = schemaValidator(RESULTS_SCHEMA);
  if (!v(data)) throw new DomsecError('BAD_ARGUMENT', `${where}: ${firstSchemaError(v)} (schema ${RESULTS_FORMAT})`);
  const r = data as RunResults & { format: string };
  const seen = new Set<string>();
  for (const c of r.cases) {
    if (seen.has(c.id)) throw new DomsecError('BAD_ARGUMENT', `${where}: case id ${JSON.stringify(c.id)} appears twice`);
    seen.add(c.id);
  }
  const recount = countVerdicts(r.cases);
  // Results written before NOT TESTED existed have no count for it: read as 0.
  const counts = { ...r.counts, 'NOT TESTED': r.counts['NOT TESTED'] ?? 0 };
  for (const k of VERDICTS) {
    if (recount[k] !== counts[k]) throw new DomsecError('BAD_ARGUMENT', `${where}: counts.${k} is ${r.counts[k]} but ${recount[k]} case(s) have that verdict`);
  }
  r.counts = counts;
  const { format: _format, ...results } = r;
  void _format;
  return results;
}

export function readResults(path: string): RunResults {
  return validateResults(readJsonFile(path, 'results'), path);
}
