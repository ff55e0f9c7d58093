/**
 * The adapter file (suites/adapter.schema.json, docs/client-adapter.md): how to run a client
 * implementation's commands. Validated with ajv like a gateway profile, plus the placeholder rules the
 * schema cannot say, so that a bad file is one clear line naming the problem, never a crash mid-run.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomsecError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import { CLIENT_STEPS, type ClientFeature, type ClientStep } from './model.js';
import { PLACEHOLDERS, REQUIRED_PLACEHOLDERS, placeholdersOf } from './placeholders.js';
import { DEFAULT_CLIENT_CONCURRENCY, DEFAULT_CLIENT_RUN_MS, DEFAULT_COMMAND_TIMEOUT_MS } from './limits.js';
import { packagePath } from '../paths.js';

/** The file as written (paths relative to it). */
export interface AdapterFile {
  name: string;
  commands: Record<ClientStep, string[]>;
  cwd?: string;
  env?: Record<string, string>;
  pki?: string;
  domain?: string;
  features?: ClientFeature[];
  timeouts?: { commandMs?: number; runMs?: number };
  concurrency?: number;
  validationTime?: string;
}

/** The adapter ready to run: paths absolute, defaults filled in. */
export interface Adapter {
  name: string;
  /** Where it was read from, for messages. */
  source: string;
  commands: Record<ClientStep, string[]>;
  cwd: string;
  env: Record<string, string>;
  pki: string;
  domain: string;
  features: ClientFeature[];
  commandMs: number;
  runMs: number;
  concurrency: number;
  validationTime?: string;
}

const SCHEMA = packagePath('suites/adapter.schema.json');
/** The pinned test PKI the golden vectors are made with. */
export const DEFAULT_ADAPTER_PKI = packagePath('vectors/keys');
export const DEFAULT_CLIENT_DOMAIN = 'example.org';

let validator: ReturnType<Ajv2020['compile']> | undefined;

export function validateAdapter(data: unknown, where = 'adapter'): AdapterFile {
  if (!validator) {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, useDefaults: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  }
  if (!validator(data)) {
    const e = validator.errors![0]!;
    // A bad environment variable name is reported by propertyNames: say which name.
    const name = (e as { propertyName?: string }).propertyName;
    const extra = name !== undefined ? ` (${name})` : e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
    throw new DomsecError('BAD_ARGUMENT', `${where}: ${e.instancePath || '(top level)'} ${e.message}${extra}`);
  }
  const file = data as AdapterFile;
  for (const step of CLIENT_STEPS) {
    const argv = file.commands[step];
    const { used, unknown } = placeholdersOf(argv, step);
    const bad = unknown[0];
    if (bad) throw new DomsecError('BAD_ARGUMENT', `${where}: /commands/${step}/${bad.index} unknown placeholder {${bad.name}} (${step} takes ${PLACEHOLDERS[step].map((p) => `{${p}}`).join(', ')})`);
    for (const group of REQUIRED_PLACEHOLDERS[step]) {
      if (!group.some((p) => used.has(p))) throw new DomsecError('BAD_ARGUMENT', `${where}: /commands/${step} must use ${group.map((p) => `{${p}}`).join(' or ')}`);
    }
    if (argv[0] === '') throw new DomsecError('BAD_ARGUMENT', `${where}: /commands/${step}/0 the program is empty`);
    // The program itself is never a placeholder: the suite runs the vendor's tool, not a file it wrote.
    if (placeholdersOf([argv[0]!], step).used.size > 0) throw new DomsecError('BAD_ARGUMENT', `${where}: /commands/${step}/0 the program cannot be a placeholder`);
  }
  return file;
}

/** Read an adapter file; `cwd` and `pki` are resolved against the file's folder. */
export function loadAdapter(path: string): Adapter {
  const f = validateAdapter(readJsonFile(path, 'adapter'), path);
  const base = dirname(resolve(path));
  const cwd = resolve(base, f.cwd ?? '.');
  // A missing working directory would make every spawn fail with ENOENT, read as "command not found".
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) throw new DomsecError('BAD_ARGUMENT', `${path}: /cwd ${cwd} is not a directory`);
  return {
    name: f.name,
    source: path,
    commands: f.commands,
    cwd,
    env: f.env ?? {},
    pki: f.pki === undefined ? DEFAULT_ADAPTER_PKI : resolve(base, f.pki),
    domain: f.domain ?? DEFAULT_CLIENT_DOMAIN,
    features: f.features ?? [],
    commandMs: f.timeouts?.commandMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    runMs: f.timeouts?.runMs ?? DEFAULT_CLIENT_RUN_MS,
    concurrency: f.concurrency ?? DEFAULT_CLIENT_CONCURRENCY,
    ...(f.validationTime ? { validationTime: f.validationTime } : {}),
  };
}
