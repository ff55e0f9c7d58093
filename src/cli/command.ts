import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DomsecError } from '../errors.js';

export interface Command {
  name: string;
  /** Full --help text. (The one-line summary for `domsec --help` is in the registry, src/cli/main.ts.) */
  help: string;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
/** Named so that declaration emit (npm run build) can write parse's return type. */
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: { help: { type: 'boolean'; short: string } } & O; allowPositionals: true; strict: true }>>;

/** node:util parseArgs, strict, with its errors turned into one-line BAD_ARGUMENT errors. */
export function parse<O extends Options>(argv: string[], options: O, command: string): Parsed<O> {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new DomsecError('BAD_ARGUMENT', `${command}: ${(e as Error).message.split('\n')[0]} (see domsec ${command} --help)`);
  }
}

export function onePositional(positionals: string[], command: string, what = 'FILE'): string {
  if (positionals.length !== 1) throw new DomsecError('BAD_ARGUMENT', `${command}: expected one ${what}, got ${positionals.length} (see domsec ${command} --help)`);
  return positionals[0]!;
}

export function required<T>(v: T | undefined, what: string, command: string): T {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) throw new DomsecError('BAD_ARGUMENT', `${command}: ${what} is required (see domsec ${command} --help)`);
  return v;
}
