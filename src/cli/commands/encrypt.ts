import type { Command } from '../command.js';
import { onePositional, parse } from '../command.js';
import { checkOutput, outputOptionsHelp, outputPolicyHelp, readCertificates, readInput, writeOutput } from '../io.js';
import { envelopeLayer, type EnvelopeCipher } from '../../message/build.js';
import { parseEntity, splitOuterHeaders } from '../../mime/index.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';
import { LOOKUP_HELP, LOOKUP_OPTIONS, planAddressLookups } from '../../directory/cli.js';

const CIPHERS: readonly EnvelopeCipher[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'];

export function parseCipher(v: string | undefined): EnvelopeCipher {
  if (v === undefined) return 'aes-256-cbc';
  if (!(CIPHERS as readonly string[]).includes(v)) throw new DomsecError('BAD_ARGUMENT', `--cipher must be one of ${CIPHERS.join(', ')}, not "${v}"`);
  return v as EnvelopeCipher;
}

/** Encrypt a whole message, keeping its RFC 5322 header fields on the outside. */
export function encryptMessage(raw: Buffer, opts: Parameters<typeof envelopeLayer>[1]): Buffer {
  const entity = parseEntity(raw);
  const { outer, inner } = splitOuterHeaders(entity);
  return envelopeLayer(inner, { ...opts, headers: outer });
}

export const encrypt: Command = {
  name: 'encrypt',
  help: `Usage: domsec encrypt FILE --recip CERT [--recip CERT ...] [options] [--out OUT [--force]]
       domsec encrypt FILE --to ADDRESS [--to ADDRESS ...] --lookup ldap://HOST:PORT/BASE-DN|DIR|FILE.pem [options]

Encrypts the message (its RFC 5322 header fields stay outside) for every --recip certificate and every
certificate looked up for a --to address: RSA
certificates by key transport, EC/X25519 certificates by ECDH key agreement. The four cases of draft 4
(N3) differ only in who runs this and for whom:
  (a) the originator, --recip the end recipient          (b) the originator, --recip the recipient's DCA
  (c) the originator's DCA, --recip the end recipient    (d) the originator's DCA, --recip the recipient's DCA
When a DCA encrypts (c, d) pass its own certificate with --originator-cert (originatorInfo, N13).

Options:
  --recip FILE            recipient certificate(s) (repeatable; --recip or --to is required)
  --oaep                  RSAES-OAEP with SHA-256 instead of RSAES-PKCS1-v1_5
  --cipher NAME           ${CIPHERS.join(' | ')} (GCM and ChaCha20-Poly1305 give authEnvelopedData); default aes-256-cbc
  --originator-cert FILE  certificate(s) for originatorInfo (a DCA's own, N13)
${outputOptionsHelp('the encrypted message', 24)}
${outputPolicyHelp(false)}
${LOOKUP_HELP}`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { recip: { type: 'string', multiple: true }, oaep: { type: 'boolean' }, cipher: { type: 'string' }, 'originator-cert': { type: 'string', multiple: true }, out: { type: 'string' }, force: { type: 'boolean' }, ...LOOKUP_OPTIONS },
      'encrypt',
    );
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const file = onePositional(positionals, 'encrypt');
    const output = { force: !!values.force, inputs: [file] };
    checkOutput(values.out, output);
    const lookups = planAddressLookups('encrypt', values);
    if (!values.recip?.length && lookups.count === 0) throw new DomsecError('BAD_ARGUMENT', 'encrypt: --recip or --to is required (see domsec encrypt --help)');
    const cipher = parseCipher(values.cipher);
    const certs = [...readCertificates(values.recip ?? [], 'recipient certificate'), ...(await lookups.resolve())];
    const recipients = certs.map((certDer) => ({ certDer, keyTransport: values.oaep ? ('rsa-oaep' as const) : ('rsa-pkcs1' as const) }));
    const originatorCertificates = readCertificates(values['originator-cert'] ?? [], 'originator certificate');
    const out = encryptMessage(readInput(file, 'message'), { recipients, cipher, ...(originatorCertificates.length ? { originatorCertificates } : {}) });
    writeOutput(values.out, out, output);
    return EXIT.OK;
  },
};
