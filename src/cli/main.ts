/**
 * `domsec`: the command-line entry. Every failure ends in one line on stderr naming the problem and a
 * documented exit code (src/cli/exit-codes.ts), never a stack trace.
 */
import 'reflect-metadata';
import { isDomsecError } from '../errors.js';
import { EXIT, REFUSAL_CODES } from './exit-codes.js';
import type { Command } from './command.js';

/**
 * The commands, each imported only when it is called: loading all of them (the SMTP harness, the report
 * renderer, smtp-server, nodemailer, handlebars) cost about 1.1 s per call, which every `domsec` call
 * paid, and a client run through the command adapter calls `domsec` several times per case.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line, for `domsec --help`. */
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'pki', summary: 'generate a test PKI: CA, domain signers, DCAs, users, and certificates that break the naming rule', load: async () => (await import('./commands/pki.js')).pki },
  { name: 'inspect', summary: 'show the layer shape of a message, its signers, attributes and recipients', load: async () => (await import('./commands/inspect.js')).inspect },
  { name: 'sign', summary: 'apply a domain signature by the rules of draft Section 5', load: async () => (await import('./commands/sign.js')).sign },
  { name: 'verify', summary: 'verify every signature and the DOMSEC rules; print the report and Authentication-Results', load: async () => (await import('./commands/verify.js')).verify },
  { name: 'encrypt', summary: 'encrypt a message for recipients and/or DCAs (cases a-d)', load: async () => (await import('./commands/encrypt.js')).encrypt },
  { name: 'decrypt', summary: 'decrypt the outermost envelopedData/authEnvelopedData (as recipient or DCA)', load: async () => (await import('./commands/decrypt.js')).decrypt },
  { name: 'vectors', summary: 'generate the golden vectors (reproducibly) or check a vectors folder with the engine', load: async () => (await import('./commands/vectors.js')).vectors },
  { name: 'run', summary: 'grade a gateway over SMTP (--profile) or a client through its command line (--adapter), requirement by requirement', load: async () => (await import('./commands/run.js')).run },
  { name: 'report', summary: 'render a run as one HTML file, compare two runs, or write an accepted baseline', load: async () => (await import('./commands/report.js')).report },
  { name: 'gateway', summary: 'run the reference DOMSEC gateway (or a faulty variant) as an SMTP relay (loopback by default)', load: async () => (await import('./commands/gateway.js')).gateway },
  { name: 'demo', summary: 'the main job: start the reference gateway on loopback, run every suite against it, write the report', load: async () => (await import('./commands/demo.js')).demo },
  { name: 'matrix', summary: 'grade the S/MIME engines of adapters/ (openssl, gpgsm, NSS, Bouncy Castle) on the client cases and the receiving vectors', load: async () => (await import('./commands/matrix.js')).matrix },
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: domsec <command> [options]   (domsec <command> --help for details)',
    '',
    'S/MIME domain security (draft-melnikov-smime-msa-to-mda-02) conformance suite.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit status: 0 success; 1 DOMSEC outcome (verification flagged, signing refused, demo case failed);',
    '2 bad input or usage; 3 internal error.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? EXIT.OK : EXIT.INPUT;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`domsec: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return EXIT.INPUT;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (e) {
    if (isDomsecError(e)) {
      process.stderr.write(`domsec ${cmd.name}: ${e.code}: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return REFUSAL_CODES.has(e.code) ? EXIT.FLAGGED : EXIT.INPUT;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`domsec ${cmd.name}: internal error: ${msg.split('\n')[0]} (please report this with the input)\n`);
    if (process.env.DOMSEC_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT.INTERNAL;
  }
}

// Run when executed directly (tsx src/cli/main.ts), not when imported by tests.
if (process.argv[1] && /cli[\\/]main\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`domsec: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT.INTERNAL;
    },
  );
}
