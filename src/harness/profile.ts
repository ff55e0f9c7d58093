/**
 * The gateway profile (suites/profile.schema.json): how to reach a gateway and how to grade it.
 * Loaded and validated with ajv so that a bad profile is one clear line, not a crash mid-run.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomsecError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import type { SmtpEndpoint } from '../smtp/submit.js';
import type { Role } from './model.js';
import type { GradeContext } from './grade.js';
import { packagePath } from '../paths.js';

export interface Profile {
  name: string;
  domain: string;
  roles: Role[];
  submission: { outbound?: SmtpEndpoint; inbound?: SmtpEndpoint };
  capture: { host?: string; port: number; tls?: { key: string; cert: string } };
  pki: string;
  /** The gateway's own certificates for its domain (instead of the test PKI's): file paths. */
  certificates?: { trustAnchors?: string[]; intermediates?: string[]; dca?: string };
  policy: { encryptOutbound: boolean };
  /** Draft 3.2, N17: how the gateway authenticates the originator besides its S/MIME signature (default smtp-auth). */
  originatorAuthentication?: OriginatorAuthentication;
  flag?: GradeContext['flag'];
  timeouts?: { caseMs?: number; runMs?: number };
  concurrency?: number;
  features?: string[];
  /** Case (c) (draft 4, 4.1): addresses of the remote domain whose end recipients' own certificates the gateway encrypts for. */
  endRecipientCertificates?: string[];
  validationTime?: string;
}

export interface OriginatorAuthentication {
  method: 'smtp-auth' | 'trusted-address' | 'signature-only';
  trustedAddresses?: string[];
}

/** The roles that need each submission endpoint. */
const ENDPOINT_ROLES = { outbound: ['domain-signer', 'outbound-dca'], inbound: ['inbound-dca', 'inbound-verifier'] } as const;

/**
 * What the schema cannot say: a declared role needs its submission endpoint, and SMTP AUTH as the
 * originator authentication needs credentials (issue 13: a profile error, exit 2, not a run of SKIPs).
 */
export function profileProblems(p: Profile): string[] {
  const problems: string[] = [];
  for (const [direction, roles] of Object.entries(ENDPOINT_ROLES) as Array<['outbound' | 'inbound', readonly Role[]]>) {
    const declared = roles.filter((r) => p.roles.includes(r));
    if (declared.length && !p.submission[direction]) problems.push(`declares the role${declared.length > 1 ? 's' : ''} ${declared.join(', ')} but has no submission.${direction} endpoint`);
  }
  const method = p.originatorAuthentication?.method ?? 'smtp-auth';
  if (method === 'smtp-auth' && p.roles.includes('domain-signer') && p.submission.outbound && !p.submission.outbound.auth) {
    problems.push('originatorAuthentication is smtp-auth (the default) for the domain-signer role, but submission.outbound has no auth credentials');
  }
  return problems;
}

const SCHEMA = packagePath('suites/profile.schema.json');

export function validateProfile(data: unknown, where = 'profile'): Profile {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, useDefaults: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  if (!validate(data)) {
    const e = validate.errors![0]!;
    throw new DomsecError('BAD_ARGUMENT', `${where}: ${e.instancePath || '(top level)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  const problems = profileProblems(data as Profile);
  if (problems.length) throw new DomsecError('BAD_ARGUMENT', `${where}: ${problems.join('; ')}`);
  return data as Profile;
}

/** Read a profile file; its file paths (pki, certificates, TLS files) are resolved against the file's folder. */
export function loadProfile(path: string): Profile {
  const p = validateProfile(readJsonFile(path, 'profile'), path);
  const rel = (f: string): string => resolve(dirname(path), f);
  const endpoint = (e: SmtpEndpoint | undefined): SmtpEndpoint | undefined => (e && e.tlsCaFile ? { ...e, tlsCaFile: rel(e.tlsCaFile) } : e);
  const submission: Profile['submission'] = {};
  const outbound = endpoint(p.submission.outbound);
  const inbound = endpoint(p.submission.inbound);
  if (outbound) submission.outbound = outbound;
  if (inbound) submission.inbound = inbound;
  const c = p.certificates;
  return {
    ...p,
    pki: rel(p.pki),
    submission,
    capture: { ...p.capture, ...(p.capture.tls ? { tls: { key: rel(p.capture.tls.key), cert: rel(p.capture.tls.cert) } } : {}) },
    ...(c
      ? {
          certificates: {
            ...(c.trustAnchors ? { trustAnchors: c.trustAnchors.map(rel) } : {}),
            ...(c.intermediates ? { intermediates: c.intermediates.map(rel) } : {}),
            ...(c.dca ? { dca: rel(c.dca) } : {}),
          },
        }
      : {}),
  };
}
