import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse } from '../command.js';
import { writeOutput } from '../io.js';
import { loadProfile } from '../../harness/profile.js';
import { runSuite } from '../../harness/run.js';
import { summaryLine, writeResults } from '../../harness/results.js';
import { emptyCounts, type CaseResult, type CaseVerdict } from '../../harness/model.js';
import { allCases, allClientCases, CLIENT_SUITES, SUITES } from '../../../suites/index.js';
import { loadAdapter } from '../../adapter/config.js';
import { runClientSuite } from '../../adapter/run.js';
import { DomsecError } from '../../errors.js';
import { suiteVersion } from '../version.js';
import { checkAgainstBaseline, readBaseline } from '../../report/baseline.js';
import { renderReport } from '../../report/html.js';
import { formatBaselineCheck, printable, progressBar, progressLine } from '../../report/text.js';
import { PreflightFailed } from '../../harness/preflight.js';
import { EXIT } from '../exit-codes.js';

export const run: Command = {
  name: 'run',
  help: `Usage: domsec run --profile FILE [--suite NAME ...] [--out DIR] [--expect FILE] [--progress bar|lines]
       domsec run --adapter FILE [--out DIR] [--expect FILE] [--progress bar|lines]

--profile FILE  A gateway (suites/profile.schema.json): submits every case of the selected suites over SMTP,
                captures what it relays or delivers, and grades each case against the draft's requirements.
                Suites: ${Object.keys(SUITES).join(', ')} (default: all).
--adapter FILE  A client implementation, an S/MIME library or a mail client's engine (draft 4: case (b) for
                transmission, (c) for reception, (a) both; suites/adapter.schema.json, docs/client-adapter.md):
                for each case of the client suite, writes the input files into a private folder, runs the
                implementation's encrypt or decrypt command line, and grades what it wrote.
                Client suites: ${Object.keys(CLIENT_SUITES).join(', ')} (default: all).
                Give exactly one of --profile and --adapter.
Writes DIR/results.json (format domsec-results/1, docs/results-format.md), DIR/junit.xml (one testsuite
per role) and DIR/report.html (one self-contained file) (default DIR: reports/out).

--expect FILE   An accepted baseline (format domsec-expected/1, or a results.json): the verdicts the vendor
                accepts for cases that do not PASS. Then only a deviation from it fails the exit status:
                a FAIL or ERROR the baseline does not accept. Results better than the baseline are listed
                so that it can be tightened. Write one with \`domsec report RESULTS.json --write-expect FILE\`.
--progress      bar: one line redrawn in place with counts (default on a terminal); lines: one line per
                case (default when CI is set or the output is not a terminal).

Before the first case (gateway runs), a preflight connects to each endpoint the declared roles use, reads
the banner and EHLO, checks STARTTLS and AUTH against the profile (and logs in), and checks that the
capture port answers; each problem is one line on stderr, and the run does not start.

Verdict (docs/grading.md): CONFORMANT, every case of every declared role ran and none failed (WARN allowed);
NOT CONFORMANT, a case FAILED a MUST-level requirement; INCOMPLETE, none failed but a case ERRORED, was
NOT TESTED (what it tests cannot be observed in this run) or was SKIPPED for a missing prerequisite.

Exit status: 0 CONFORMANT, or with --expect no deviation from the baseline; 1 a case FAILED or ERRORED
(the gateway's transport failed, SMTP AUTH did not happen, the run bound cut it off, or the client's
command could not be started, timed out or crashed), or with --expect a deviation (a FAIL or ERROR the
baseline does not accept, or a PASS that became SKIP or NOT TESTED); 2 the harness could not run (bad
profile, adapter or baseline, a declared role without its endpoint, unreadable PKI, port in use, a
preflight problem); 4 INCOMPLETE without a FAIL or ERROR.
`,
  async run(argv) {
    const { values } = parse(argv, { profile: { type: 'string' }, adapter: { type: 'string' }, suite: { type: 'string', multiple: true }, out: { type: 'string' }, expect: { type: 'string' }, progress: { type: 'string' } }, 'run');
    if (values.help) return (process.stdout.write(this.help), 0);
    if (values.profile !== undefined && values.adapter !== undefined) throw new DomsecError('BAD_ARGUMENT', 'run: give --profile FILE (a gateway) or --adapter FILE (a client), not both (see domsec run --help)');
    if (values.profile === undefined && values.adapter === undefined) throw new DomsecError('BAD_ARGUMENT', 'run: --profile FILE (a gateway) or --adapter FILE (a client) is required (see domsec run --help)');
    // Validate every argument before the run: a bad file is a usage error, not something to find out after ten minutes.
    const profile = values.profile !== undefined ? loadProfile(values.profile) : undefined;
    const adapter = values.adapter !== undefined ? loadAdapter(values.adapter) : undefined;
    const suites: Readonly<Record<string, unknown>> = adapter ? CLIENT_SUITES : SUITES;
    for (const s of values.suite ?? []) if (!suites[s]) throw new DomsecError('BAD_ARGUMENT', `run: unknown ${adapter ? 'client ' : ''}suite "${s}" (suites: ${Object.keys(suites).join(', ')})`);
    if (values.progress !== undefined && values.progress !== 'bar' && values.progress !== 'lines') throw new DomsecError('BAD_ARGUMENT', `run: --progress is bar or lines, not "${values.progress}"`);
    const baseline = values.expect ? readBaseline(values.expect) : undefined;
    const total = adapter ? allClientCases(values.suite).length : allCases(values.suite).length;
    const bar = values.progress ? values.progress === 'bar' : !!process.stdout.isTTY && !process.env.CI;
    const counts: Record<CaseVerdict, number> = emptyCounts();
    const columns = () => process.stdout.columns || 100;
    if (bar) process.stdout.write(progressBar({ done: 0, total, counts }, 'starting', columns()));
    else process.stdout.write(`running ${total} case(s) against ${profile?.name ?? adapter!.name}\n`);
    const onResult = (r: CaseResult, done: number, all: number): void => {
      counts[r.verdict]++;
      const state = { done, total: all, counts };
      if (bar) process.stdout.write(`\r${progressBar(state, r.id, columns())}\x1b[K`);
      else process.stdout.write(`${progressLine(state, r.verdict, r.id, r.reason)}\n`);
    };
    let results;
    try {
      results = adapter
        ? await runClientSuite({ adapter, cases: allClientCases(values.suite), suiteVersion: suiteVersion(), onResult })
        : await runSuite({ profile: profile!, cases: allCases(values.suite), suiteVersion: suiteVersion(), onResult });
    } catch (e) {
      if (!(e instanceof PreflightFailed)) throw e;
      if (bar) process.stdout.write('\n');
      // One line per problem (issue 13), then the usual exit status for a run that could not start.
      for (const p of e.problems) process.stderr.write(`domsec run: PREFLIGHT: ${printable(p)}\n`);
      return EXIT.INPUT;
    }
    if (bar) process.stdout.write('\n');
    const out = values.out ?? 'reports/out';
    const files = writeResults(out, results);
    const check = baseline ? checkAgainstBaseline(results, baseline) : undefined;
    const html = join(out, 'report.html');
    // The run's folder holds its three files: each run replaces them (as writeResults does results.json and junit.xml).
    writeOutput(html, renderReport(results, check ? { baseline: check } : {}), { force: true, option: '--out' });
    process.stdout.write(`${summaryLine(results)}\n`);
    if (check) process.stdout.write(formatBaselineCheck(check));
    process.stdout.write(`results: ${files.json}\njunit: ${files.junit}\nreport: ${html}\n`);
    return check ? check.exitCode : results.exitCode;
  },
};
