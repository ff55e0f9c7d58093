import type { Command } from '../command.js';
import { onePositional, parse, required } from '../command.js';
import { checkOutput, outputOptionsHelp, outputPolicyHelp, readInput, readKeyPair, writeOutput } from '../io.js';
import { parseMessage } from '../../message/layers.js';
import { splitOuterHeaders, type HeaderField } from '../../mime/index.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';

/**
 * Decrypt the outermost encrypted layer; the RFC 5322 header fields go back on the decrypted entity.
 *
 * The result has exactly one MIME-Version (RFC 2045 4: required once, in the message's header). The
 * decrypted entity is kept byte for byte (it may be the content a signature covers, RFC 8551 3.1), so
 * when it carries its own MIME-Version, as many senders write the inner entity (RFC 8551 3.1 lets the
 * inner MIME entity be a whole message's MIME part), none is added; otherwise one is, in the entity's
 * own line ending.
 */
export function decryptMessage(raw: Buffer, who: { certDer: Buffer; key: import('node:crypto').KeyObject }): Buffer {
  const root = parseMessage(raw, { keys: [who] });
  if (root.kind !== 'envelopedData' && root.kind !== 'authEnvelopedData') {
    throw new DomsecError('BAD_ARGUMENT', `the outermost layer is ${root.kind}, not envelopedData or authEnvelopedData`);
  }
  if (!root.inner) throw root.openError ?? new DomsecError('NO_MATCHING_RECIPIENT', 'the layer could not be decrypted');
  if (!root.entity) return root.inner.raw;
  const outer: HeaderField[] = splitOuterHeaders(root.entity).outer;
  const innerEntity = root.inner.entity;
  const hasMimeVersion = innerEntity?.headers.some((h) => h.name.toLowerCase() === 'mime-version') ?? false;
  const mimeVersion = innerEntity && !hasMimeVersion ? [Buffer.from(`MIME-Version: 1.0${innerEntity.eol}`, 'latin1')] : [];
  return Buffer.concat([...outer.map((h) => h.raw), ...mimeVersion, root.inner.raw]);
}

export const decrypt: Command = {
  name: 'decrypt',
  help: `Usage: domsec decrypt FILE --cert CERT --key KEY [--out OUT [--force]]

Finds the RecipientInfo that matches CERT (issuerAndSerialNumber or subjectKeyIdentifier), recovers
the content key with KEY and decrypts. A recipient's DCA does this for its domain in cases (b) and (d)
(draft 4.2); the end recipient in cases (a) and (c). The message's header fields are kept, with one
MIME-Version. FILE is - for standard input (at most 512 MiB).

Options:
  --cert FILE, --key FILE   the recipient's (or DCA's) certificate and private key
${outputOptionsHelp('the decrypted message', 26)}
${outputPolicyHelp(true)}
Exit status: 0 decrypted; 2 bad input (no matching recipient, wrong key, output refused).
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { cert: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } }, 'decrypt');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const file = onePositional(positionals, 'decrypt');
    const cert = required(values.cert, '--cert', 'decrypt');
    const key = required(values.key, '--key', 'decrypt');
    // Decrypted content is written 0600: it was encrypted because it is not for everyone (issue 12, item 8).
    const output = { force: !!values.force, mode: 0o600, inputs: [file, cert, key] };
    checkOutput(values.out, output);
    const who = readKeyPair(cert, key);
    writeOutput(values.out, decryptMessage(readInput(file, 'message'), who), output);
    return EXIT.OK;
  },
};
