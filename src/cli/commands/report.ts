import type { Command } from '../command.js';
import { parse } from '../command.js';
import { checkOutput, writeOutput } from '../io.js';
import { DomsecError } from '../../errors.js';
import { readResults } from '../../report/results-file.js';
import { renderReport } from '../../report/html.js';
import { compareResults } from '../../report/compare.js';
import { baselineFromResults, checkAgainstBaseline, readBaseline } from '../../report/baseline.js';
import { formatComparison } from '../../report/text.js';

export const report: Command = {
  name: 'report',
  help: `Usage: domsec report RESULTS.json --html OUT.html [--expect FILE] [--force]
       domsec report --compare OLD.json NEW.json [--json]
       domsec report RESULTS.json --write-expect FILE [--why TEXT] [--force]

--html OUT       Render the run (results.json, format domsec-results/1) as one self-contained HTML file:
                 summary, requirement matrix, and per case the evidence. With --expect FILE the report
                 also shows the run against that accepted baseline.
--compare OLD NEW
                 Compare two runs case by case: newly failing, newly passing, other changes, cases that
                 appeared or disappeared. --json prints the comparison as JSON.
--write-expect FILE
                 Write an accepted baseline (format domsec-expected/1) that accepts this run as it is:
                 every case that did not PASS with its verdict, and --why as the reason. Edit it, keep it
                 with your pipeline and pass it to \`domsec run --expect FILE\`.

--force          Replace an existing --html or --write-expect file (without it an existing file is refused);
                 the results file or baseline read is never written over.

Results files are checked against src/report/schema/domsec-results-1.schema.json (docs/results-format.md).

Exit status: 0 done (--compare: nothing newly fails); 1 --compare: a case newly FAILS or ERRORS;
2 bad input (unreadable or invalid results file, bad usage).
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { html: { type: 'string' }, compare: { type: 'boolean' }, json: { type: 'boolean' }, expect: { type: 'string' }, 'write-expect': { type: 'string' }, why: { type: 'string' }, force: { type: 'boolean' } }, 'report');
    if (values.help) return (process.stdout.write(this.help), 0);
    if (values.compare) {
      if (positionals.length !== 2) throw new DomsecError('BAD_ARGUMENT', `report: --compare needs two results files, OLD and NEW (got ${positionals.length})`);
      if (values.html || values['write-expect'] || values.expect) throw new DomsecError('BAD_ARGUMENT', 'report: --compare takes no --html, --expect or --write-expect');
      const c = compareResults(readResults(positionals[0]!), readResults(positionals[1]!));
      process.stdout.write(values.json ? `${JSON.stringify(c, null, 2)}\n` : formatComparison(c));
      return c.exitCode;
    }
    if (positionals.length !== 1) throw new DomsecError('BAD_ARGUMENT', `report: expected one results file, got ${positionals.length} (see domsec report --help)`);
    if (!values.html && !values['write-expect']) throw new DomsecError('BAD_ARGUMENT', 'report: say what to do: --html OUT, --write-expect FILE or --compare OLD NEW (see domsec report --help)');
    if (values.json) throw new DomsecError('BAD_ARGUMENT', 'report: --json goes with --compare');
    // Outputs checked before any work (cli-io's output policy): no overwrite without --force, never an input.
    const inputs = [positionals[0]!, ...(values.expect ? [values.expect] : [])];
    const htmlOpts = { force: !!values.force, inputs, option: '--html' };
    const expectOpts = { force: !!values.force, inputs, option: '--write-expect' };
    if (values.html) checkOutput(values.html, htmlOpts);
    if (values['write-expect']) checkOutput(values['write-expect'], expectOpts);
    const results = readResults(positionals[0]!);
    if (values.html) {
      const baseline = values.expect ? checkAgainstBaseline(results, readBaseline(values.expect)) : undefined;
      writeOutput(values.html, renderReport(results, baseline ? { baseline } : {}), htmlOpts);
      process.stdout.write(`report: ${values.html}\n`);
    }
    if (values['write-expect']) {
      const b = baselineFromResults(results, values.why);
      writeOutput(values['write-expect'], `${JSON.stringify({ $schema: 'https://domsec-suite.invalid/schema/domsec-expected-1.schema.json', ...b }, null, 2)}\n`, expectOpts);
      process.stdout.write(`baseline: ${values['write-expect']} (${Object.keys(b.cases).length} accepted non-PASS case(s))\n`);
    }
    return 0;
  },
};
