import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse, required } from '../command.js';
import { writeOutput } from '../io.js';
import { loadProfile } from '../../harness/profile.js';
import { runSuite } from '../../harness/run.js';
import { summaryLine, writeResults } from '../../harness/results.js';
import type { CaseVerdict } from '../../harness/model.js';
import { allCases, SUITES } from '../../../suites/index.js';
import { DomsecError } from '../../errors.js';
import { suiteVersion } from '../version.js';
import { checkAgainstBaseline, readBaseline } from '../../report/baseline.js';
import { renderReport } from '../../report/html.js';
import { formatBaselineCheck, progressBar, progressLine } from '../../report/text.js';

export const run: Command = {
  name: 'run',
  summary: "run the conformance suites against a gateway over SMTP and grade it requirement by requirement",
  help: `Usage: domsec run --profile FILE [--suite NAME ...] [--out DIR] [--expect FILE] [--progress bar|lines]

Submits every case of the selected suites to the gateway the profile describes (suites/profile.schema.json),
captures what it relays or delivers, and grades each case against the draft's requirements.
Suites: ${Object.keys(SUITES).join(', ')} (default: all).
Writes DIR/results.json (format domsec-results/1, docs/results-format.md), DIR/junit.xml (one testsuite
per role) and DIR/report.html (one self-contained file) (default DIR: reports/out).

--expect FILE   An accepted baseline (format domsec-expected/1, or a results.json): the verdicts the vendor
                accepts for cases that do not PASS. Then only a deviation from it fails the exit status:
                a FAIL or ERROR the baseline does not accept. Results better than the baseline are listed
                so that it can be tightened. Write one with \`domsec report RESULTS.json --write-expect FILE\`.
--progress      bar: one line redrawn in place with counts (default on a terminal); lines: one line per
                case (default when CI is set or the output is not a terminal).

Exit status: 0 no case FAILED or ERRORED (WARN and SKIP allowed), or with --expect no deviation from the
baseline; 1 a case FAILED (a MUST-level requirement) or ERRORED (the gateway's transport failed), or with
--expect a deviation; 2 the harness could not run (bad profile or baseline, unreadable PKI, port in use).
`,
  async run(argv) {
    const { values } = parse(argv, { profile: { type: 'string' }, suite: { type: 'string', multiple: true }, out: { type: 'string' }, expect: { type: 'string' }, progress: { type: 'string' } }, 'run');
    if (values.help) return (process.stdout.write(this.help), 0);
    const profile = loadProfile(required(values.profile, '--profile', 'run'));
    for (const s of values.suite ?? []) if (!SUITES[s]) throw new DomsecError('BAD_ARGUMENT', `run: unknown suite "${s}" (suites: ${Object.keys(SUITES).join(', ')})`);
    if (values.progress !== undefined && values.progress !== 'bar' && values.progress !== 'lines') throw new DomsecError('BAD_ARGUMENT', `run: --progress is bar or lines, not "${values.progress}"`);
    // Read the baseline before the run: a bad baseline is a usage error, not something to find out after ten minutes.
    const baseline = values.expect ? readBaseline(values.expect) : undefined;
    const cases = allCases(values.suite);
    const bar = values.progress ? values.progress === 'bar' : !!process.stdout.isTTY && !process.env.CI;
    const counts: Record<CaseVerdict, number> = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, ERROR: 0 };
    const columns = () => process.stdout.columns || 100;
    if (bar) process.stdout.write(progressBar({ done: 0, total: cases.length, counts }, 'starting', columns()));
    else process.stdout.write(`running ${cases.length} case(s) against ${profile.name}\n`);
    const results = await runSuite({
      profile, cases, suiteVersion: suiteVersion(),
      onResult: (r, done, total) => {
        counts[r.verdict]++;
        const state = { done, total, counts };
        if (bar) process.stdout.write(`\r${progressBar(state, r.id, columns())}\x1b[K`);
        else process.stdout.write(`${progressLine(state, r.verdict, r.id, r.reason)}\n`);
      },
    });
    if (bar) process.stdout.write('\n');
    const out = values.out ?? 'reports/out';
    const files = writeResults(out, results);
    const check = baseline ? checkAgainstBaseline(results, baseline) : undefined;
    const html = join(out, 'report.html');
    writeOutput(html, renderReport(results, check ? { baseline: check } : {}));
    process.stdout.write(`${summaryLine(results)}\n`);
    if (check) process.stdout.write(formatBaselineCheck(check));
    process.stdout.write(`results: ${files.json}\njunit: ${files.junit}\nreport: ${html}\n`);
    return check ? check.exitCode : results.exitCode;
  },
};
