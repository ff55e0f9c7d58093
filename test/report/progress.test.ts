/** The progress display of `domsec run`: a bar redrawn in place on a terminal, plain lines in CI. */
import { describe, expect, it } from 'vitest';
import { countsText, progressBar, progressLine } from '../../src/report/text.js';

const counts = { PASS: 10, FAIL: 2, WARN: 1, 'NOT TESTED': 0, SKIP: 3, ERROR: 1 };

describe('progress', () => {
  it('the bar shows done/total and running counts, and never wraps', () => {
    const line = progressBar({ done: 17, total: 46, counts }, 'domsec::verifier::naming-lookalike-domain', 120);
    expect(line).toMatch(/^\[#{11}\.{19}\] 17\/46 10 pass 2 fail 1 warn 1 error 3 skip domsec::verifier::naming-lookalike-domain$/);
    for (const columns of [20, 40, 80, 200]) {
      const l = progressBar({ done: 46, total: 46, counts }, 'x'.repeat(300), columns);
      expect(l.length, String(columns)).toBeLessThanOrEqual(columns - 1);
      expect(l.startsWith('[#'), String(columns)).toBe(true);
    }
    expect(progressBar({ done: 0, total: 46, counts: { PASS: 0, FAIL: 0, WARN: 0, 'NOT TESTED': 0, SKIP: 0, ERROR: 0 } }, 'starting', 100)).toMatch(/^\[\.{25}\] {2}0\/46 0 pass/);
  });

  it('CI lines: one per case, the reason unless it passed', () => {
    expect(progressLine({ done: 3, total: 46, counts }, 'PASS', 'domsec::a', 'fine')).toBe(' 3/46 PASS  domsec::a');
    expect(progressLine({ done: 12, total: 46, counts }, 'FAIL', 'domsec::b', 'nothing was relayed')).toBe('12/46 FAIL  domsec::b: nothing was relayed');
    expect(countsText(counts)).toBe('10 pass 2 fail 1 warn 1 error 3 skip');
  });
});
