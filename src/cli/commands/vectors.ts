import type { Command } from '../command.js';
import { parse } from '../command.js';
import { generateVectors } from '../../vectors/generate.js';
import { checkVectors } from '../../vectors/check.js';
import { EXIT } from '../exit-codes.js';
import { join } from 'node:path';

export const vectors: Command = {
  name: 'vectors',
  help: `Usage: domsec vectors [--out DIR] [--keys DIR] [--check DIR]

Writes the golden vectors to DIR (default vectors): manifest.json (documented by vectors/schema.json)
and one folder per area (encryption, section5, signing, receive). The inputs are pinned: the keys in
--keys (default DIR/keys; generated once when missing), fixed certificate serials and dates, a fixed
signingTime and validation time, and a seeded RNG, so regenerating changes no byte.

--check DIR runs the reference engine over every vector of DIR and reports any deviation.

Exit status: 0 written / all vectors hold; 1 a vector does not hold (--check); 2 bad input.
`,
  async run(argv) {
    const { values } = parse(argv, { out: { type: 'string' }, keys: { type: 'string' }, check: { type: 'string' } }, 'vectors');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    if (values.check) {
      const r = await checkVectors(values.check);
      for (const p of r.problems) process.stdout.write(`FAIL ${p.id}: ${p.problem}\n`);
      process.stdout.write(`${r.checked - new Set(r.problems.map((p) => p.id)).size} passed, ${new Set(r.problems.map((p) => p.id)).size} failed\n`);
      return r.problems.length ? EXIT.FLAGGED : EXIT.OK;
    }
    const out = values.out ?? 'vectors';
    const m = await generateVectors(out, values.keys ?? join(out, 'keys'));
    process.stderr.write(`domsec vectors: wrote ${m.numberOfTests} vectors and ${out}/manifest.json\n`);
    return EXIT.OK;
  },
};
