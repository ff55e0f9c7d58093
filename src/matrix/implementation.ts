/**
 * One implementation of the matrix (issue 15): adapters/<id>/implementation.json, checked against
 * adapters/implementation.schema.json with ajv, as the adapter file is. It names the implementation,
 * its adapter file for the draft 4 client cases, the programs it needs (missing ones skip it with the
 * reason, never fail the matrix), its version command, and the reader role's verify and decrypt argv.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { DomsecError } from '../errors.js';
import { packagePath } from '../paths.js';
import { readJsonFile } from '../json-file.js';
import { loadAdapter, type Adapter } from '../adapter/config.js';
import { READER_PLACEHOLDERS, placeholdersIn } from './placeholders.js';

export interface ImplementationFile {
  id: string;
  name: string;
  packages?: string[];
  adapter: string;
  requires: string[];
  version: string[];
  prepare?: string[][];
  reader: { verify: string[]; decrypt: string[]; checks: string };
  timeouts?: { commandMs?: number };
}

export interface Implementation extends ImplementationFile {
  /** The descriptor's path, for messages. */
  source: string;
  /** Its folder: the working directory of every command, and the base of relative paths. */
  dir: string;
  adapterFile: string;
}

/** The implementations shipped with the suite: one folder per implementation under adapters/. */
export const ADAPTERS_DIR = packagePath('adapters');
const SCHEMA = join(ADAPTERS_DIR, 'implementation.schema.json');

let validator: ReturnType<Ajv2020['compile']> | undefined;

export function loadImplementation(path: string): Implementation {
  if (!validator) validator = new Ajv2020({ strict: true, allErrors: false }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  const data = readJsonFile(path, 'implementation');
  if (!validator(data)) {
    const e = validator.errors![0]!;
    const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
    throw new DomsecError('BAD_ARGUMENT', `${path}: ${e.instancePath || '(top level)'} ${e.message}${extra}`);
  }
  const f = data as ImplementationFile;
  for (const step of ['verify', 'decrypt'] as const) {
    const { unknown, used } = placeholdersIn(f.reader[step], step);
    if (unknown[0]) throw new DomsecError('BAD_ARGUMENT', `${path}: /reader/${step}/${unknown[0].index} unknown placeholder {${unknown[0].name}} (${step} takes ${READER_PLACEHOLDERS[step].map((p) => `{${p}}`).join(', ')})`);
    if (!used.has('in') || !used.has('out')) throw new DomsecError('BAD_ARGUMENT', `${path}: /reader/${step} must use {in} and {out}`);
    if (placeholdersIn([f.reader[step][0]!], step).used.size) throw new DomsecError('BAD_ARGUMENT', `${path}: /reader/${step}/0 the program cannot be a placeholder`);
  }
  const dir = dirname(resolve(path));
  return { ...f, source: path, dir, adapterFile: resolve(dir, f.adapter) };
}

/** Every adapters/<id>/implementation.json, in id order. */
export function shippedImplementations(root = ADAPTERS_DIR): Implementation[] {
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && existsSync(join(root, d, 'implementation.json')))
    .sort()
    .map((d) => loadImplementation(join(root, d, 'implementation.json')));
}

/** The adapter file of an implementation (the client cases). */
export function implementationAdapter(impl: Implementation): Adapter {
  return loadAdapter(impl.adapterFile);
}

/** Where a program is found on PATH (or undefined): to skip an implementation that is not installed. */
export function onPath(program: string, path = process.env.PATH ?? ''): string | undefined {
  if (program.includes('/')) return existsSync(program) ? program : undefined;
  for (const d of path.split(delimiter)) {
    if (!d) continue;
    const p = join(d, program);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
