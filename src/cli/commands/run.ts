import type { Command } from '../command.js';
import { parse, required } from '../command.js';
import { loadProfile } from '../../harness/profile.js';
import { runSuite } from '../../harness/run.js';
import { summaryLine, writeResults } from '../../harness/results.js';
import { allCases, SUITES } from '../../../suites/index.js';
import { DomsecError } from '../../errors.js';
import { suiteVersion } from '../version.js';

export const run: Command = {
  name: 'run',
  summary: "run the conformance suites against a gateway over SMTP and grade it requirement by requirement",
  help: `Usage: domsec run --profile FILE [--suite NAME ...] [--out DIR]

Submits every case of the selected suites to the gateway the profile describes (suites/profile.schema.json),
captures what it relays or delivers, and grades each case against the draft's requirements.
Suites: ${Object.keys(SUITES).join(', ')} (default: all).
Writes DIR/results.json and DIR/junit.xml (default DIR: reports/out).

Exit status: 0 no case FAILED or ERRORED (WARN and SKIP allowed); 1 a case FAILED (a MUST-level
requirement) or ERRORED (the gateway's transport failed); 2 the harness could not run (bad profile,
unreadable PKI, port in use).
`,
  async run(argv) {
    const { values } = parse(argv, { profile: { type: 'string' }, suite: { type: 'string', multiple: true }, out: { type: 'string' } }, 'run');
    if (values.help) return (process.stdout.write(this.help), 0);
    const profile = loadProfile(required(values.profile, '--profile', 'run'));
    for (const s of values.suite ?? []) if (!SUITES[s]) throw new DomsecError('BAD_ARGUMENT', `run: unknown suite "${s}" (suites: ${Object.keys(SUITES).join(', ')})`);
    const cases = allCases(values.suite);
    const tty = process.stdout.isTTY && !process.env.CI;
    const results = await runSuite({
      profile, cases, suiteVersion: suiteVersion(),
      onResult: (r, done, total) => {
        if (tty) process.stdout.write(`\r[${'#'.repeat(Math.round((done / total) * 30)).padEnd(30)}] ${done}/${total} ${r.verdict.padEnd(5)} ${r.id.slice(0, 60).padEnd(60)}`);
        else process.stdout.write(`${String(done).padStart(3)}/${total} ${r.verdict.padEnd(5)} ${r.id}${r.verdict === 'PASS' ? '' : `: ${r.reason}`}\n`);
      },
    });
    if (tty) process.stdout.write('\n');
    const out = values.out ?? 'reports/out';
    const files = writeResults(out, results);
    process.stdout.write(`${summaryLine(results)}\nresults: ${files.json}\njunit: ${files.junit}\n`);
    return results.exitCode;
  },
};
