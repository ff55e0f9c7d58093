import 'reflect-metadata';
import type { Command } from '../command.js';
import { parse, required } from '../command.js';
import { parseDate } from '../io.js';
import { checkTestPkiTarget, generateTestPki, writeTestPki } from '../../pki/index.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';

export const pki: Command = {
  name: 'pki',
  help: `Usage: domsec pki --out DIR [--domain D ...] [--now TIME] [--organization NAME]

Writes a test PKI to DIR: ca.crt (the trust anchor), and per domain D (default example.test and
example.org) D/signer-rsa, signer-ec, signer-ec384, signer-ed25519 (SubjectAltName smtp://D, submit://D,
dNSName D; digitalSignature), D/dca-rsa and dca-ec (encryption certificates), D/user-alice and
user-bob; and for the first domain certificates that break the naming convention (bad-foreign,
bad-lookalike, bad-nosan, bad-encryption-only, bad-expired, bad-untrusted, submit-only, smtp-only,
bad-descendant, bad-single-label). pki.json lists every entry with what rule it breaks.
Private keys are written with mode 0600.

DIR must be new, empty, or a test PKI written earlier by domsec pki (it has pki.json). Nothing else is
ever deleted or overwritten: a non-empty folder without pki.json is refused (OUTPUT_EXISTS, exit 2, nothing
written); in an earlier PKI only the files its pki.json lists are replaced, a file the new PKI would write
that pki.json does not list is refused, and files of the earlier PKI the new one does not write are left.
Every file is written to a temp folder first, so a failure writes nothing; pki.json is replaced last.

Options:
  --out DIR     output folder (required)
  --domain D    a domain to issue for (repeatable)
  --now TIME    the validation time the PKI is made for (certificates valid one year before to ten after)
  --organization NAME
                the O= of every subject (default "domsec-suite test PKI"); give a second PKI its own,
                so that its CA's name differs from the suite's
`,
  async run(argv) {
    const { values } = parse(argv, { out: { type: 'string' }, domain: { type: 'string', multiple: true }, now: { type: 'string' }, organization: { type: 'string' } }, 'pki');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const out = required(values.out, '--out', 'pki');
    const now = parseDate(values.now, '--now');
    if (values.organization !== undefined && !/^[A-Za-z0-9][A-Za-z0-9 .'()-]{0,63}$/.test(values.organization)) {
      // Kept to printable-string characters without ',' '=' '+': it goes into a DN string unescaped.
      throw new DomsecError('BAD_ARGUMENT', 'pki: --organization must be 1-64 letters, digits, spaces or . \' ( ) -');
    }
    await checkTestPkiTarget(out); // refuse a folder that is not the tool's before spending seconds on keys
    const generated = await generateTestPki({ ...(values.domain ? { domains: values.domain } : {}), ...(now ? { now } : {}), ...(values.organization ? { organization: values.organization } : {}) });
    await writeTestPki(generated, out);
    process.stderr.write(`domsec pki: wrote ${Object.keys(generated.entries).length} certificates and keys to ${out} (manifest ${out}/pki.json)\n`);
    return EXIT.OK;
  },
};
