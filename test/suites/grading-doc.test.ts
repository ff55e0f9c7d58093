/** docs/grading.md is generated from the catalogue and the cases (suites/make-grading-doc.ts): it must be current. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GRADING_DOC, gradingDoc } from '../../suites/make-grading-doc.js';
import { loadCatalogue } from '../../src/harness/catalogue.js';

describe('docs/grading.md', () => {
  it('is current (regenerate with npm run grading-doc)', () => {
    expect(readFileSync(GRADING_DOC, 'utf8')).toBe(gradingDoc());
  });

  it('has one row per catalogued requirement, saying its level, cases, acceptable outcomes and when it is NOT TESTED', () => {
    const rows = gradingDoc().split('\n').filter((l) => l.startsWith('| DOMSEC-'));
    expect(rows.map((r) => r.slice(2).split(' ')[0])).toEqual(loadCatalogue().requirements.map((r) => r.id));
    const row = (id: string) => rows.find((r) => r.startsWith(`| ${id} `))!;
    expect(row('DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED')).toMatch(/under an encrypt policy/);
    expect(row('DOMSEC-3.2-ENCAPSULATED-NOT-VERIFIED')).toMatch(/MAY: INFO.*invalid-inner-signature: not flagged as well as flagged/);
    expect(row('DOMSEC-3.2-USE-DOMAIN-SIGNATURE')).toMatch(/SHOULD: WARN/);
    expect(row('DOMSEC-7-PROTECT-KEYS')).toMatch(/always: Key protection/);
  });
});
