/**
 * The gateway profile (suites/profile.schema.json): how to reach a gateway and how to grade it.
 * Loaded and validated with ajv so that a bad profile is one clear line, not a crash mid-run.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomsecError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import type { SmtpEndpoint } from '../smtp/submit.js';
import type { Role } from './model.js';
import type { GradeContext } from './grade.js';

export interface Profile {
  name: string;
  domain: string;
  roles: Role[];
  submission: { outbound?: SmtpEndpoint; inbound?: SmtpEndpoint };
  capture: { host?: string; port: number };
  pki: string;
  policy: { encryptOutbound: boolean };
  flag?: GradeContext['flag'];
  timeouts?: { caseMs?: number; runMs?: number };
  concurrency?: number;
  features?: string[];
  validationTime?: string;
}

const SCHEMA = fileURLToPath(new URL('../../suites/profile.schema.json', import.meta.url));

export function validateProfile(data: unknown, where = 'profile'): Profile {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, useDefaults: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  if (!validate(data)) {
    const e = validate.errors![0]!;
    throw new DomsecError('BAD_ARGUMENT', `${where}: ${e.instancePath || '(top level)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  return data as Profile;
}

/** Read a profile file; its `pki` path is resolved against the file's folder. */
export function loadProfile(path: string): Profile {
  const p = validateProfile(readJsonFile(path, 'profile'), path);
  return { ...p, pki: resolve(dirname(path), p.pki) };
}
