/**
 * Counterexamples found once by the property or robustness runs, kept as files in
 * test/fixtures/regressions/ (see its README) and checked on every run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSection5Case, type Section5Case } from './check.js';
import { propertyEnv, type PropertyEnv } from './env.js';
import { checkRobustnessCase, type RobustnessCase } from '../robustness/check.js';

const DIR = fileURLToPath(new URL('../fixtures/regressions/', import.meta.url));

interface RegressionFile {
  property: 'section5' | 'robustness';
  title: string;
  found: string;
  case?: Section5Case;
  input?: RobustnessCase;
  /** Robustness: what the case must give now (an error code, or 'ok') and in how long. */
  expect?: { outcome?: string; budgetMs?: number };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (f: string): RegressionFile => JSON.parse(readFileSync(DIR + f, 'utf8')) as RegressionFile;

let env: PropertyEnv;
beforeAll(async () => {
  env = await propertyEnv();
});

describe('regression cases (test/fixtures/regressions)', () => {
  it('the folder holds regression files, each naming its property and how it was found', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = load(f);
      expect(['section5', 'robustness'], f).toContain(r.property);
      expect(r.title && r.found, f).toBeTruthy();
      expect(r.property === 'section5' ? r.case : r.input, f).toBeDefined();
    }
  });

  for (const f of files) {
    const r = load(f);
    it(`${f}: ${r.title}`, () => {
      if (r.property === 'section5') checkSection5Case(env, r.case!);
      else {
        const o = checkRobustnessCase(env, r.input!, r.expect?.budgetMs);
        if (r.expect?.outcome) expect(o.ok ? 'ok' : o.code).toBe(r.expect.outcome);
      }
    });
  }
});
