import type { Command } from '../command.js';
import { parse } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';
import { loadGatewayConfig, startGateway, type GatewayEvent } from '../../gateway/config.js';
import { FAULTS, FAULT_NAMES, isFaultName } from '../../gateway/faults.js';
import { REPLIES } from '../../gateway/replies.js';
import { COMMAND_MAX_MS, DATA_MAX_MS, GATEWAY_MAX_MESSAGE_BYTES, MAX_CLIENTS_PER_ADDRESS, MESSAGE_PROCESSING_MAX_MS, SESSION_MAX_MS } from '../../gateway/limits.js';

function faultList(): string {
  const width = Math.max(...FAULTS.map((f) => f.name.length));
  return FAULTS.map((f) => `  ${f.name.padEnd(width)}  ${f.direction.padEnd(8)} ${f.requirement}\n  ${' '.repeat(width)}  ${f.description}\n`).join('');
}

function eventLine(e: GatewayEvent): string {
  const rcpt = e.rcptTo.join(',');
  return `${e.direction} ${e.outcome} <${e.mailFrom}> -> ${rcpt} (${e.bytes} bytes)${e.result ? ` smime=${e.result}` : ''}: ${e.reply}\n`;
}

export const gateway: Command = {
  name: 'gateway',
  help: `Usage: domsec gateway --config FILE [--fault NAME ...]
       domsec gateway --list-faults

Starts the engine as an SMTP relay (on loopback unless configured with TLS), with two listeners:
  outbound  mail from the domain's users leaving the domain: SMTP AUTH (PLAIN, LOGIN) optional; the
            originator of mail without a valid originator signature is authenticated as
            originatorAuthentication says (default: an SMTP-authenticated session; draft 3.2);
            the Section 5 rules apply the domain signature and encrypt for the recipient domains'
            DCAs when local policy or a lower envelopedData requires it; the result is relayed to the
            next hop with the same envelope. Refusals (draft 3.2) are 550 5.7.x naming the reason code; nothing is relayed.
  inbound   mail from other domains for recipients of the domain (or its subdomains; any other RCPT TO
            is refused 550 5.7.1, draft 4: the DCA decrypts for its own domain only): decrypted when it is
            for the local DCA (cases b and d), verified, flagged with "Authentication-Results:
            <authserv-id>; smime=<result>" (RFC 8601, RFC 7281, N14; every Authentication-Results claiming
            the authserv-id is removed first) and delivered to the next hop. Undecodable S/MIME is
            delivered with smime=permerror.
Each message's DOMSEC work runs in a worker thread and is refused (552 5.3.4) past ${MESSAGE_PROCESSING_MAX_MS / 1000} s; each client
gets ${COMMAND_MAX_MS / 1000} s per command line, ${DATA_MAX_MS / 1000} s per message content and ${SESSION_MAX_MS / 1000} s per session (then 421 4.4.2);
at most ${MAX_CLIENTS_PER_ADDRESS} sessions per client address; a DATA over SIZE (${GATEWAY_MAX_MESSAGE_BYTES} bytes) gets 552 and
none of it is kept (src/gateway/limits.ts).
Prints the two listening addresses, then one line per message, and runs until SIGINT or SIGTERM.

FILE is JSON (relative paths against its folder):
  domain          the local domain, e.g. "example.org"
  listen          optional { host (default 127.0.0.1; loopback only unless tls is set), outboundPort,
                  inboundPort (0 = free) }
  tls             optional { key, cert }: PEM files; both listeners offer STARTTLS (RFC 3207), and the
                  outbound one then takes AUTH only after STARTTLS (RFC 4954 4)
  nextHop         { host, port, requireTls?, tlsCaFile? }: where both directions relay / deliver; STARTTLS
                  is used when offered (requireTls: never relay without it), the certificate verified
                  against tlsCaFile (PEM) or the system's CAs
  pki             folder written by "domsec pki" (pki.json)
  signers         entry names of the domain signer(s), e.g. ["example.org/signer-rsa"]; two entries
                  (e.g. also "example.org/signer-ec") sign with both, same SignatureType (3.1.1)
  dca             the local DCA entry, e.g. "example.org/dca-rsa"
  trustAnchors    optional entry names, default ["ca"]
  policy          { "encryptOutbound": true|false } (Section 4/5 local policy)
  recipientDcas   remote domain -> its DCA certificate entry, e.g. {"example.test": "example.test/dca-rsa"}
  recipientCertificates
                  optional address -> PKI entry of an end recipient's own certificate: when the
                  message is encrypted, that recipient gets a RecipientInfo for it instead of its
                  domain's DCA (case c, draft 4.1), e.g. {"bob@example.test": "example.test/user-bob"}
  users           optional SMTP AUTH user -> password; without it any AUTH succeeds (test setups only)
  originatorAuthentication
                  optional { "method": "smtp-auth" (default) | "trusted-address" | "signature-only",
                  "trustedAddresses": [IP or CIDR, ...] (with trusted-address only) }: what authenticates
                  the originator of mail without a valid originator signature (draft 3.2): an
                  SMTP-authenticated session, a submission from a listed address, or nothing
  authservId      optional, default "mx.<domain>"
  namingRole      optional "msa" | "mta" | "any" (default)
  validationTime  optional ISO time to validate and sign at (default now)
  faults          optional seeded faults, as --fault
Example:
  {"domain": "example.org", "nextHop": {"host": "127.0.0.1", "port": 2527}, "pki": "vectors/keys",
   "signers": ["example.org/signer-rsa"], "dca": "example.org/dca-rsa", "policy": {"encryptOutbound": false},
   "recipientDcas": {"example.test": "example.test/dca-rsa"}}

Options:
  --fault NAME    add a seeded fault (repeatable): a faulty variant for testing the suite
  --list-faults   print the fault catalogue (name, direction, requirement it breaks) and exit

Replies: ${Object.values(REPLIES).map((r) => `${r.code} ${r.enhanced}`).filter((v, i, a) => a.indexOf(v) === i).join(', ')} (src/gateway/replies.ts).
Exit status: 0 after SIGINT/SIGTERM; 2 bad config or PKI, unknown fault, port in use.
`,
  async run(argv) {
    const { values } = parse(argv, { config: { type: 'string' }, fault: { type: 'string', multiple: true }, 'list-faults': { type: 'boolean' } }, 'gateway');
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    if (values['list-faults']) return (process.stdout.write(faultList()), EXIT.OK);
    if (!values.config) throw new DomsecError('BAD_ARGUMENT', 'gateway: --config is required (see domsec gateway --help)');
    const config = loadGatewayConfig(values.config);
    for (const f of values.fault ?? []) if (!isFaultName(f)) throw new DomsecError('BAD_ARGUMENT', `gateway: unknown fault "${f}" (faults: ${FAULT_NAMES.join(', ')})`);
    const faults = [...new Set([...(config.faults ?? []), ...((values.fault ?? []) as typeof FAULT_NAMES[number][])])];
    const running = await startGateway({ ...config, faults }, { onEvent: (e) => process.stdout.write(eventLine(e)) });
    process.stdout.write(
      `domsec gateway for ${config.domain}: ${faults.length ? `faulty variant (${faults.join(', ')})` : 'reference'}\n` +
        `outbound ${running.host}:${running.outboundPort}\ninbound ${running.host}:${running.inboundPort}\n` +
        `next hop ${config.nextHop.host}:${config.nextHop.port}\n`,
    );
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      const on = (s: NodeJS.Signals): void => {
        process.off('SIGINT', on);
        process.off('SIGTERM', on);
        resolve(s);
      };
      process.on('SIGINT', on);
      process.on('SIGTERM', on);
    });
    await running.close();
    process.stdout.write(`domsec gateway: ${signal}, listeners closed\n`);
    return EXIT.OK;
  },
};
