import type { Command } from '../command.js';
import { onePositional, parse, required } from '../command.js';
import { checkOutput, outputOptionsHelp, outputPolicyHelp, parseDate, readCertificates, readInput, readKeyPairs, writeOutput } from '../io.js';
import { applyDomainSignature } from '../../domsec/apply.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';
import type { NamingRole } from '../../domsec/naming.js';
import { parseCipher } from './encrypt.js';
import { LOOKUP_HELP, LOOKUP_OPTIONS, planAddressLookups } from '../../directory/cli.js';

export const sign: Command = {
  name: 'sign',
  help: `Usage: domsec sign FILE --cert SIGNER.crt --key SIGNER.key --trust CA.crt [options] [--out OUT [--force]]

Applies a domain signature as draft Section 5 says: finds the outer signedData (mlExpansionHistory),
the envelopedData or the original content; verifies every signature first (N8); strips and decrypts
with the local DCA key; signs (SignatureType id-sti-domainSig); re-encrypts when policy says so and
always when an envelopedData lies lower (N7); re-adds the outer signedData with the remembered
attributes (N5, N6); wraps unsigned mail in an empty signature layer first (N12). Refuses, writing
nothing, when a signature is invalid or the originator is not authenticated (draft 3.2).

Options:
  --cert, --key         domain signer certificate and key (repeat for several SignerInfos, e.g. RSA + ECDSA)
  --trust FILE          trust anchors for verifying the signatures already present (required)
  --dca-cert, --dca-key the local DCA's certificate and key, to decrypt envelopedData (Section 5)
  --encrypt             local policy: encrypt everything that leaves the domain (cases c, d; N15)
  --recip FILE          recipient certificate(s) for (re-)encryption: end recipients and/or their DCAs
  --to ADDRESS          look up a (re-)encryption certificate by address (with --lookup, below); lookups
                        are checked against --trust at --at
  --oaep                RSAES-OAEP (SHA-256) key transport instead of RSAES-PKCS1-v1_5
  --cipher NAME         aes-128-cbc | aes-256-cbc (envelopedData, default) | aes-128-gcm | aes-256-gcm (authEnvelopedData)
  --authenticated       the originator was authenticated outside S/MIME (SMTP AUTH ...), draft 3.2
  --role msa|mta|any    naming form the signer certificate must carry (default any)
  --at TIME             validation time for certificate paths (default now)
  --signing-time TIME   signingTime attribute (default now)
${outputOptionsHelp('the signed message')}
${outputPolicyHelp(true)}
Exit status: 0 signed; 1 refused under draft 3.2 (invalid signature, unauthenticated originator,
naming violation, no local DCA key, looked-up certificate refused); 2 bad input (also: certificate
not found, directory unavailable).

${LOOKUP_HELP}`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        cert: { type: 'string', multiple: true }, key: { type: 'string', multiple: true }, trust: { type: 'string', multiple: true },
        'dca-cert': { type: 'string' }, 'dca-key': { type: 'string' }, encrypt: { type: 'boolean' }, recip: { type: 'string', multiple: true },
        oaep: { type: 'boolean' }, cipher: { type: 'string' }, authenticated: { type: 'boolean' }, role: { type: 'string' },
        at: { type: 'string' }, 'signing-time': { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' },
        ...LOOKUP_OPTIONS,
      },
      'sign',
    );
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const file = onePositional(positionals, 'sign');
    // 0600: after stripping and decrypting with the local DCA key (Section 5) the output can hold plaintext
    // that came in encrypted, when local policy does not re-encrypt.
    const output = { force: !!values.force, mode: 0o600, inputs: [file] };
    checkOutput(values.out, output);
    const signers = readKeyPairs(required(values.cert, '--cert', 'sign'), values.key, 'sign');
    const role = values.role ?? 'any';
    if (!['msa', 'mta', 'any'].includes(role)) throw new DomsecError('BAD_ARGUMENT', `sign: --role must be msa, mta or any, not "${role}"`);
    if ((values['dca-cert'] === undefined) !== (values['dca-key'] === undefined)) throw new DomsecError('BAD_ARGUMENT', 'sign: give --dca-cert and --dca-key together');
    const dca = values['dca-cert'] ? readKeyPairs([values['dca-cert']], [values['dca-key']!], 'sign')[0] : undefined;
    const validationTime = parseDate(values.at, '--at');
    const signingTime = parseDate(values['signing-time'], '--signing-time');
    const trustAnchors = readCertificates(required(values.trust, '--trust', 'sign'), 'trust anchor');
    const cipher = parseCipher(values.cipher);
    const lookedUp = await planAddressLookups('sign', values, { trustAnchors, ...(validationTime ? { at: validationTime } : {}) }).resolve();
    const result = applyDomainSignature(readInput(file, 'message'), {
      signers,
      policy: { encryptOutbound: !!values.encrypt },
      trustAnchors,
      encryptFor: [...readCertificates(values.recip ?? [], 'recipient certificate'), ...lookedUp].map((certDer) => ({ certDer, keyTransport: values.oaep ? 'rsa-oaep' : 'rsa-pkcs1' })),
      cipher,
      originatorAuthenticated: !!values.authenticated,
      namingRole: role as NamingRole,
      ...(dca ? { dca } : {}),
      ...(validationTime ? { validationTime } : {}),
      ...(signingTime ? { signingTime } : {}),
    });
    writeOutput(values.out, result.message, output);
    process.stderr.write(`domsec sign: ${result.inputShape} -> ${result.outputShape} (Section 5 branch: ${result.branch})\n`);
    return EXIT.OK;
  },
};
