import type { Command } from '../command.js';
import { onePositional, parse, required } from '../command.js';
import { parseDate, readCertificates, readInput, readKeyPairs } from '../io.js';
import { verifyMessage, type VerificationReport } from '../../domsec/verify.js';
import { REASONS } from '../../domsec/reasons.js';
import { EXIT } from '../exit-codes.js';
import { DomsecError } from '../../errors.js';
import type { NamingRole } from '../../domsec/naming.js';

export const verify: Command = {
  name: 'verify',
  help: `Usage: domsec verify FILE --trust CA.crt [--trust ...] [options]

Verifies every signature in every layer (signature, messageDigest, contentType, certificate path at the
validation time), the SignatureType and mlExpansionHistory rules and, for domain signatures, the naming
convention of draft 2.4 against the From: domain. Prints the report and an RFC 8601
Authentication-Results value with the RFC 7281 smime method (N14).

Options:
  --trust FILE         trust anchor certificate(s), PEM bundle or DER (repeatable; required)
  --cert, --key        certificate and key to open encrypted layers (repeatable, in pairs)
  --extra-certs FILE   certificates not carried in the message (intermediates, signers)
  --at TIME            validation time, ISO 8601 (default: now)
  --role msa|mta|any   which SubjectAltName forms count for domain signers (default any)
  --authserv-id ID     authserv-id of the Authentication-Results value (default domsec.invalid)
  --json               print the full report as JSON

Exit status: 0 pass; 1 flagged (fail, policy, none or neutral); 2 bad input.
`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        trust: { type: 'string', multiple: true }, cert: { type: 'string', multiple: true }, key: { type: 'string', multiple: true },
        'extra-certs': { type: 'string', multiple: true }, at: { type: 'string' }, role: { type: 'string' }, 'authserv-id': { type: 'string' }, json: { type: 'boolean' },
      },
      'verify',
    );
    if (values.help) return (process.stdout.write(this.help), EXIT.OK);
    const file = onePositional(positionals, 'verify');
    const role = values.role ?? 'any';
    if (!['msa', 'mta', 'any'].includes(role)) throw new DomsecError('BAD_ARGUMENT', `verify: --role must be msa, mta or any, not "${role}"`);
    const validationTime = parseDate(values.at, '--at');
    const report = verifyMessage(readInput(file, 'message'), {
      trustAnchors: readCertificates(required(values.trust, '--trust', 'verify'), 'trust anchor'),
      keys: readKeyPairs(values.cert, values.key, 'verify'),
      extraCertificates: readCertificates(values['extra-certs'] ?? [], 'certificate'),
      namingRole: role as NamingRole,
      ...(validationTime ? { validationTime } : {}),
      ...(values['authserv-id'] ? { authservId: values['authserv-id'] } : {}),
    });
    process.stdout.write(values.json ? JSON.stringify(report, jsonReplacer, 2) + '\n' : formatReport(report) + '\n');
    return report.verdict === 'pass' ? EXIT.OK : EXIT.FLAGGED;
  },
};

/** Buffers (certificates) as base64 in JSON output. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return Buffer.from((v as { data: number[] }).data).toString('base64');
  }
  return v;
}

/** Text from certificates and headers is sender-controlled: no control characters reach the terminal. */
const clean = (v: string): string => v.replace(/[\u0000-\u001f\u007f]+/g, ' ');

export function formatReport(r: VerificationReport): string {
  const lines = [`shape: ${r.shape}`, `verdict: ${r.verdict}`];
  const o = r.originator;
  lines.push(`originator: ${clean(o.identity ?? '(unknown)')} (identified by ${o.identifiedBy})${o.from ? `, From: ${clean(o.from)}` : ''}`);
  for (const l of r.layers) {
    if (l.kind === 'content') continue;
    lines.push(`layer ${l.position} ${l.label}: ${l.verdict}${l.reasons.length ? ` [${l.reasons.join(', ')}]` : ''}${l.opened === false ? ' (not opened)' : ''}`);
    for (const s of l.signers) {
      lines.push(`  signer ${s.index}: ${s.verdict}${s.domainSignature ? ' domain signature' : ''} ${clean(s.subject ?? (s.certDer ? '(certificate does not parse)' : '(certificate not found)'))}`);
      for (const reason of s.reasons) lines.push(`    ${reason}: ${REASONS[reason].title} (${REASONS[reason].ref})`);
    }
  }
  for (const n of r.notes ?? []) lines.push(`note ${n}: ${REASONS[n].title} (${REASONS[n].ref})`);
  lines.push(`Authentication-Results: ${r.authenticationResults}`);
  return lines.join('\n');
}
