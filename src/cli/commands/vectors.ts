import type { Command } from '../command.js';
import { parse } from '../command.js';
import { generateVectors, PINNED_KEYS_DIR } from '../../vectors/generate.js';
import { DomsecError } from '../../errors.js';
import { checkVectors } from '../../vectors/check.js';
import { EXIT } from '../exit-codes.js';

export const vectors: Command = {
  name: 'vectors',
  help: `Usage: domsec vectors [--out DIR] [--keys DIR | --fresh-keys] [--check DIR]

Writes the golden vectors to DIR (default vectors): manifest.json (documented by vectors/schema.json),
keys/ (the test PKI) and one folder per area (encryption, section5, signing, receive). The inputs are
pinned: the keys (default the package's pinned vectors/keys; --keys DIR for another pinned set), fixed
certificate serials and dates, a fixed signingTime and validation time, a seeded RNG and deterministic
signatures, so \`domsec vectors --out DIR\` reproduces the committed vectors byte for byte.

--fresh-keys makes a new random PKI instead (every signature and key then differs from the committed set).

Output folder: DIR must be new, empty, or hold an earlier vector set (manifest.json); anything else is
refused (OUTPUT_EXISTS, exit 2). In an earlier set only the files its manifest and keys/pki.json list are
replaced or removed; other files (README.md, schema.json, your own) stay. Files are staged in DIR first,
so a failure while generating leaves the earlier set as it was.

--check DIR runs the reference engine over every vector of DIR and reports any deviation.

Exit status: 0 written / all vectors hold; 1 a vector does not hold (--check); 2 bad input.
`,
  async run(argv) {
    const { values } = parse(argv, { out: { type: 'string' }, keys: { type: 'string' }, 'fresh-keys': { type: 'boolean' }, check: { type: 'string' } }, 'vectors');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    if (values.check) {
      const r = await checkVectors(values.check);
      for (const p of r.problems) process.stdout.write(`FAIL ${p.id}: ${p.problem}\n`);
      process.stdout.write(`${r.checked - new Set(r.problems.map((p) => p.id)).size} passed, ${new Set(r.problems.map((p) => p.id)).size} failed\n`);
      return r.problems.length ? EXIT.FLAGGED : EXIT.OK;
    }
    const out = values.out ?? 'vectors';
    if (values.keys && values['fresh-keys']) throw new DomsecError('BAD_ARGUMENT', 'vectors: --keys and --fresh-keys exclude each other');
    const m = await generateVectors(out, values.keys ?? PINNED_KEYS_DIR, { fresh: values['fresh-keys'] === true });
    process.stderr.write(`domsec vectors: wrote ${m.numberOfTests} vectors and ${out}/manifest.json\n`);
    return EXIT.OK;
  },
};
