import type { Command } from '../command.js';
import { onePositional, parse } from '../command.js';
import { readInput, readKeyPairs } from '../io.js';
import { parseMessage } from '../../message/layers.js';
import { describeMessage, formatDescription } from '../../message/inspect.js';
import { EXIT } from '../exit-codes.js';

export const inspect: Command = {
  name: 'inspect',
  help: `Usage: domsec inspect FILE [--json] [--cert C --key K]...

Reads FILE (an RFC 5322 message, or a DER/BER/PEM CMS object; - for standard input) and prints its
layers from the outside in, e.g.  shape: S[domainSig](E(S[-](data)))
  S[...] signedData (SignatureType values, - none, empty = no signers, ,ml = mlExpansionHistory)
  M[...] multipart/signed   E(...) envelopedData   A(...) authEnvelopedData   data  content

Options:
  --json          print the description as JSON
  --cert, --key   a certificate and private key to open encrypted layers with (repeatable, in pairs)
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, cert: { type: 'string', multiple: true }, key: { type: 'string', multiple: true } }, 'inspect');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const file = onePositional(positionals, 'inspect');
    const keys = readKeyPairs(values.cert, values.key, 'inspect');
    const d = describeMessage(parseMessage(readInput(file, 'message'), { keys }));
    process.stdout.write(values.json ? JSON.stringify(d, null, 2) + '\n' : formatDescription(d) + '\n');
    return EXIT.OK;
  },
};
