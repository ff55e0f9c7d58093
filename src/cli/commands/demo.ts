import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse } from '../command.js';
import { writeOutput } from '../io.js';
import { runAgainstReferenceGateway } from '../../harness/against-reference.js';
import { summaryLine, writeResults } from '../../harness/results.js';
import { emptyCounts, type CaseVerdict } from '../../harness/model.js';
import { renderReport } from '../../report/html.js';
import { progressBar, progressLine } from '../../report/text.js';
import { allCases } from '../../../suites/index.js';
import { suiteVersion } from '../version.js';
import { DomsecError } from '../../errors.js';
import { packagePath } from '../../paths.js';

const PINNED_PKI = packagePath('vectors/keys');

export const demo: Command = {
  name: 'demo',
  help: `Usage: domsec demo [--out DIR] [--policy encrypt|no-encrypt] [--progress bar|lines]

Starts the built-in reference gateway (domain example.org, the pinned test PKI of vectors/keys) on free
loopback ports with a capture sink as its next hop, runs every conformance suite against it over SMTP
(STARTTLS on every leg with throwaway self-signed certificates, SMTP AUTH only over TLS), and writes DIR/results.json, DIR/junit.xml and DIR/report.html (default DIR: reports/out).
--policy chooses the gateway's local policy (default encrypt: every role is exercised).

Exit status (as domsec run): 0 CONFORMANT; 1 a case FAILED or ERRORED; 2 the harness could not run;
4 INCOMPLETE (a case NOT TESTED or skipped for a missing prerequisite, none failed).
`,
  async run(argv) {
    const { values } = parse(argv, { out: { type: 'string' }, policy: { type: 'string' }, progress: { type: 'string' } }, 'demo');
    if (values.help) return (process.stdout.write(this.help), 0);
    const policy = values.policy ?? 'encrypt';
    if (policy !== 'encrypt' && policy !== 'no-encrypt') throw new DomsecError('BAD_ARGUMENT', `demo: --policy is encrypt or no-encrypt, not "${policy}"`);
    const out = values.out ?? 'reports/out';
    const cases = allCases();
    const bar = values.progress ? values.progress === 'bar' : !!process.stdout.isTTY && !process.env.CI;
    const counts: Record<CaseVerdict, number> = emptyCounts();
    process.stdout.write(`domsec demo: starting the reference gateway (example.org, policy ${policy}) and running ${cases.length} cases over SMTP on loopback, STARTTLS on every leg\n`);
    const results = await runAgainstReferenceGateway({
      pkiDir: PINNED_PKI,
      encryptOutbound: policy === 'encrypt',
      // As a vendor's deployment would: STARTTLS to the gateway, AUTH only over TLS, TLS to the next hop.
      tls: true,
      cases,
      suiteVersion: suiteVersion(),
      onResult: (r, done, total) => {
        counts[r.verdict]++;
        const state = { done, total, counts };
        if (bar) process.stdout.write(`\r${progressBar(state, r.id, process.stdout.columns || 100)}\x1b[K`);
        else process.stdout.write(`${progressLine(state, r.verdict, r.id, r.reason)}\n`);
      },
    });
    if (bar) process.stdout.write('\n');
    const files = writeResults(out, results);
    const html = join(out, 'report.html');
    // The run's folder holds its three files: each run replaces them (as writeResults does results.json and junit.xml).
    writeOutput(html, renderReport(results), { force: true, option: '--out' });
    process.stdout.write(`${summaryLine(results)}\nresults: ${files.json}\njunit: ${files.junit}\nreport: ${html}\n`);
    return results.exitCode;
  },
};
