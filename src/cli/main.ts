/**
 * `domsec`: the command-line entry. Every failure ends in one line on stderr naming the problem and a
 * documented exit code (src/cli/exit-codes.ts), never a stack trace.
 */
import 'reflect-metadata';
import { isDomsecError } from '../errors.js';
import { EXIT, REFUSAL_CODES } from './exit-codes.js';
import type { Command } from './command.js';
import { inspect } from './commands/inspect.js';
import { verify } from './commands/verify.js';
import { sign } from './commands/sign.js';
import { encrypt } from './commands/encrypt.js';
import { decrypt } from './commands/decrypt.js';
import { pki } from './commands/pki.js';
import { demo } from './commands/demo.js';
import { vectors } from './commands/vectors.js';
import { run } from './commands/run.js';
import { report } from './commands/report.js';
import { gateway } from './commands/gateway.js';

export const COMMANDS: readonly Command[] = [pki, inspect, sign, verify, encrypt, decrypt, vectors, run, report, gateway, demo];

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
    return await cmd.run(rest);
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
