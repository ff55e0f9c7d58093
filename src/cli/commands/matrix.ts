import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse } from '../command.js';
import { writeOutput } from '../io.js';
import { allClientCases } from '../../../suites/index.js';
import { verifierGrading } from '../../../suites/inbound.js';
import { readerCases } from '../../matrix/reader.js';
import { DomsecError } from '../../errors.js';
import { suiteVersion } from '../version.js';
import { shippedImplementations } from '../../matrix/implementation.js';
import { runMatrix } from '../../matrix/run.js';
import { renderIndex } from '../../matrix/index-page.js';
import { checkSnapshotTarget, writeSnapshot } from '../../matrix/snapshot.js';

/** The receiving requirements the inbound-verifier suite grades a vector on (suites/inbound.ts), for the reader role. */
function receivingRequirements(vectorId: string): string[] | undefined {
  try {
    return verifierGrading(vectorId).requirements;
  } catch {
    return undefined;
  }
}

export const matrix: Command = {
  name: 'matrix',
  help: `Usage: domsec matrix [--implementations LIST] [--out DIR] [--snapshot FILE]

Grades the S/MIME engines people already use (adapters/: OpenSSL openssl cms, GnuPG gpgsm, NSS cmsutil,
Bouncy Castle) on the draft 4 client cases, through each one's adapter file (as domsec run --adapter), and
on the reader role: each is given the receiving golden vectors (vectors/manifest.json) to verify and
decrypt layer by layer, and its verdict and the content it shows are compared with the manifest's
expectation. An implementation whose programs are not installed is skipped with the reason.

--implementations LIST  comma-separated ids (default: every folder of adapters/ with an implementation.json)
--out DIR               where to write (default reports/matrix): DIR/<id>/results.json, junit.xml and
                        report.html per implementation, DIR/matrix.json and DIR/index.html (implementations
                        down the side, cases and requirements across, each cell linking to its evidence)
--snapshot FILE         also rewrite the generated part of FILE (between its matrix markers; a new file is
                        created), e.g. docs/implementations.md

Exit status: 0 the matrix was written (whatever the implementations' verdicts: the matrix reports them, it
does not judge the run); 2 bad arguments or a bad implementation file; 3 internal error.
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { implementations: { type: 'string' }, out: { type: 'string' }, snapshot: { type: 'string' } }, 'matrix');
    if (values.help) return (process.stdout.write(this.help), 0);
    if (positionals.length) throw new DomsecError('BAD_ARGUMENT', `matrix: unexpected argument "${positionals[0]}" (see domsec matrix --help)`);
    const all = shippedImplementations();
    let chosen = all;
    if (values.implementations !== undefined) {
      const ids = values.implementations.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = ids.filter((id) => !all.some((i) => i.id === id));
      if (!ids.length || unknown.length) throw new DomsecError('BAD_ARGUMENT', `matrix: unknown implementation(s) ${unknown.join(', ') || '(none given)'} (known: ${all.map((i) => i.id).join(', ')})`);
      chosen = all.filter((i) => ids.includes(i.id));
    }
    if (values.snapshot) checkSnapshotTarget(values.snapshot);
    const out = values.out ?? 'reports/matrix';
    const { matrix: m } = await runMatrix({ implementations: chosen, clientCases: allClientCases(), readerCases: readerCases(undefined, receivingRequirements), suiteVersion: suiteVersion(), out, onProgress: (line) => process.stdout.write(`${line}\n`) });
    const index = join(out, 'index.html');
    writeOutput(index, renderIndex(m), { force: true });
    if (values.snapshot) writeSnapshot(values.snapshot, m);
    for (const r of m.implementations) process.stdout.write(`${r.id}: ${r.status === 'ran' ? Object.entries(r.counts ?? {}).filter(([, n]) => n).map(([v, n]) => `${n} ${v}`).join(', ') : `skipped: ${r.reason}`}\n`);
    process.stdout.write(`matrix: ${join(out, 'matrix.json')}\nindex: ${index}\n${values.snapshot ? `snapshot: ${values.snapshot}\n` : ''}`);
    return 0;
  },
};
