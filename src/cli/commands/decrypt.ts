import type { Command } from '../command.js';
import { onePositional, parse, required } from '../command.js';
import { readInput, readKeyPair, writeOutput } from '../io.js';
import { parseMessage } from '../../message/layers.js';
import { splitOuterHeaders, type HeaderField } from '../../mime/index.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';

/** Decrypt the outermost encrypted layer; the RFC 5322 header fields go back on the decrypted entity. */
export function decryptMessage(raw: Buffer, who: { certDer: Buffer; key: import('node:crypto').KeyObject }): Buffer {
  const root = parseMessage(raw, { keys: [who] });
  if (root.kind !== 'envelopedData' && root.kind !== 'authEnvelopedData') {
    throw new DomsecError('BAD_ARGUMENT', `the outermost layer is ${root.kind}, not envelopedData or authEnvelopedData`);
  }
  if (!root.inner) throw root.openError ?? new DomsecError('NO_MATCHING_RECIPIENT', 'the layer could not be decrypted');
  if (!root.entity) return root.inner.raw;
  const outer: HeaderField[] = splitOuterHeaders(root.entity).outer;
  // The decrypted entity carries only Content-* fields; MIME-Version belongs with the message header (RFC 2045 4).
  const mimeVersion = root.inner.entity ? [Buffer.from('MIME-Version: 1.0\r\n')] : [];
  return Buffer.concat([...outer.map((h) => h.raw), ...mimeVersion, root.inner.raw]);
}

export const decrypt: Command = {
  name: 'decrypt',
  help: `Usage: domsec decrypt FILE --cert CERT --key KEY [--out FILE]

Finds the RecipientInfo that matches CERT (issuerAndSerialNumber or subjectKeyIdentifier), recovers
the content key with KEY and decrypts. A recipient's DCA does this for its domain in cases (b) and (d)
(draft 4.2); the end recipient in cases (a) and (c). The message's header fields are kept.
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { cert: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' } }, 'decrypt');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const file = onePositional(positionals, 'decrypt');
    const who = readKeyPair(required(values.cert, '--cert', 'decrypt'), required(values.key, '--key', 'decrypt'));
    writeOutput(values.out, decryptMessage(readInput(file, 'message'), who));
    return EXIT.OK;
  },
};
