/**
 * Checking a GatewayConfig before anything listens: every problem is one BAD_ARGUMENT line naming the
 * field, so a wrong config never turns into a gateway that fails per message.
 */
import { dirname, resolve } from 'node:path';
import { isIP } from 'node:net';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { DomsecError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import { normalizeDomain } from '../domsec/naming.js';
import { FAULT_NAMES, isFaultName } from './faults.js';
import type { GatewayConfig } from './config.js';

const KEYS = new Set(['domain', 'listen', 'tls', 'nextHop', 'pki', 'signers', 'dca', 'trustAnchors', 'policy', 'recipientDcas', 'users', 'authservId', 'namingRole', 'validationTime', 'faults', 'originatorAuthentication', 'recipientCertificates', '$comment', '$schema']);
/** RFC 8601 2.2 authserv-id is a `value` (RFC 2045 token or quoted-string); the gateway takes a host-name-like token. */
const AUTHSERV_ID = /^[A-Za-z0-9][A-Za-z0-9.\-_]*$/;

/**
 * JSON Schema of the fields added for issue 13 (originator authentication, draft 3.2 / N17; end-recipient
 * certificates, draft 4.1 case (c)), checked with ajv as profiles are (src/harness/profile.ts). The older
 * fields keep their hand-written checks and messages above, which tests and users rely on.
 */
const EXTENSIONS_SCHEMA = {
  type: 'object',
  properties: {
    originatorAuthentication: {
      type: 'object',
      required: ['method'],
      additionalProperties: false,
      properties: {
        method: { enum: ['smtp-auth', 'trusted-address', 'signature-only'] },
        trustedAddresses: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      },
      if: { properties: { method: { const: 'trusted-address' } } },
      then: { required: ['method', 'trustedAddresses'] },
      else: { not: { required: ['trustedAddresses'] } },
    },
    recipientCertificates: {
      type: 'object',
      propertyNames: { pattern: '^[^@\\s]+@[^@\\s]+$' },
      additionalProperties: { type: 'string', minLength: 1 },
    },
  },
} as const;

let extensions: ValidateFunction | undefined;

function checkExtensions(data: Record<string, unknown>, where: string): void {
  extensions ??= new Ajv2020({ strict: true, strictRequired: false, allErrors: false }).compile(EXTENSIONS_SCHEMA);
  if (!extensions(data)) {
    const e = extensions.errors![0]!;
    const extra = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as string[]).join(', ')})` : e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
    const why = e.keyword === 'not' ? 'trustedAddresses is only for method "trusted-address"' : `${e.message}${extra}`;
    bad(where, `${e.instancePath.slice(1).replace(/\//g, '.') || '(top level)'} ${why}`);
  }
  const trusted = (data.originatorAuthentication as { trustedAddresses?: string[] } | undefined)?.trustedAddresses ?? [];
  for (const t of trusted) if (!isAddressOrCidr(t)) bad(where, `originatorAuthentication.trustedAddresses: "${t}" is not an IP address or CIDR range (e.g. "192.0.2.0/24", "::1")`);
}

/** An IPv4/IPv6 address, optionally with a prefix length in range. */
export function isAddressOrCidr(s: string): boolean {
  const [addr, prefix, more] = s.split('/');
  const v = isIP(addr ?? '');
  if (!v || more !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v === 4 ? 32 : 128);
}

function bad(where: string, msg: string): never {
  throw new DomsecError('BAD_ARGUMENT', `${where}: ${msg}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPort = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= 65535;

/** Without TLS the listeners speak plain SMTP and accept AUTH in clear text: loopback only. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function stringArray(v: unknown, where: string, field: string, nonEmpty: boolean): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) bad(where, `${field} must be an array of entry names`);
  if (nonEmpty && v.length === 0) bad(where, `${field} must name at least one entry`);
  return v as string[];
}

function stringMap(v: unknown, where: string, field: string): Record<string, string> {
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === 'string')) bad(where, `${field} must be an object of strings`);
  return v as Record<string, string>;
}

/** Check the shape of a config (types, ranges, known faults); PKI entries are checked when the PKI is loaded. */
export function validateGatewayConfig(data: unknown, where = 'gateway config'): GatewayConfig {
  if (!isObject(data)) bad(where, 'must be a JSON object');
  for (const k of Object.keys(data)) if (!KEYS.has(k)) bad(where, `unknown field "${k}"`);
  const c = data;
  if (typeof c.domain !== 'string' || !normalizeDomain(c.domain) || !c.domain.includes('.')) bad(where, 'domain must be a multi-label domain name, e.g. "example.test"');
  if (c.listen !== undefined) {
    if (!isObject(c.listen)) bad(where, 'listen must be an object');
    for (const k of Object.keys(c.listen)) if (!['host', 'outboundPort', 'inboundPort'].includes(k)) bad(where, `unknown field "listen.${k}"`);
    if (c.listen.host !== undefined && (typeof c.listen.host !== 'string' || !c.listen.host)) bad(where, 'listen.host must be a host name or address');
    if (c.listen.host !== undefined && c.tls === undefined && !isLoopbackHost(c.listen.host as string)) {
      bad(where, 'listen.host must be a loopback address (127.0.0.1, ::1, localhost) unless "tls" is configured: without TLS the gateway takes AUTH in clear text');
    }
    for (const p of ['outboundPort', 'inboundPort'] as const) if (c.listen[p] !== undefined && !isPort(c.listen[p], 0)) bad(where, `listen.${p} must be an integer 0..65535 (0 = a free port)`);
    if (c.listen.outboundPort && c.listen.outboundPort === c.listen.inboundPort) bad(where, 'listen.outboundPort and listen.inboundPort must differ');
  }
  if (c.tls !== undefined) {
    if (!isObject(c.tls) || typeof c.tls.key !== 'string' || !c.tls.key || typeof c.tls.cert !== 'string' || !c.tls.cert) bad(where, 'tls must be { "key": PEM file, "cert": PEM file }');
    for (const k of Object.keys(c.tls)) if (!['key', 'cert'].includes(k)) bad(where, `unknown field "tls.${k}"`);
  }
  if (!isObject(c.nextHop) || typeof c.nextHop.host !== 'string' || !c.nextHop.host || !isPort(c.nextHop.port, 1)) bad(where, 'nextHop must be { "host": string, "port": 1..65535 }');
  for (const k of Object.keys(c.nextHop)) if (!['host', 'port', 'requireTls', 'tlsCaFile'].includes(k)) bad(where, `unknown field "nextHop.${k}"`);
  if (c.nextHop.requireTls !== undefined && typeof c.nextHop.requireTls !== 'boolean') bad(where, 'nextHop.requireTls must be a boolean');
  if (c.nextHop.tlsCaFile !== undefined && (typeof c.nextHop.tlsCaFile !== 'string' || !c.nextHop.tlsCaFile)) bad(where, 'nextHop.tlsCaFile must be a PEM file path');
  if (typeof c.pki !== 'string' || !c.pki) bad(where, 'pki must be the folder of a test PKI (pki.json)');
  stringArray(c.signers, where, 'signers', true);
  if (typeof c.dca !== 'string' || !c.dca) bad(where, 'dca must name the local DCA entry, e.g. "example.test/dca-rsa"');
  if (c.trustAnchors !== undefined) stringArray(c.trustAnchors, where, 'trustAnchors', true);
  if (!isObject(c.policy) || typeof c.policy.encryptOutbound !== 'boolean') bad(where, 'policy must be { "encryptOutbound": boolean }');
  const dcas = stringMap(c.recipientDcas, where, 'recipientDcas');
  for (const d of Object.keys(dcas)) if (!normalizeDomain(d)) bad(where, `recipientDcas: "${d}" is not a domain name`);
  if (c.users !== undefined) stringMap(c.users, where, 'users');
  if (c.authservId !== undefined && (typeof c.authservId !== 'string' || !AUTHSERV_ID.test(c.authservId))) bad(where, 'authservId must be a host-name-like token (RFC 8601 2.2), e.g. "mx.example.test"');
  if (c.namingRole !== undefined && !['msa', 'mta', 'any'].includes(c.namingRole as string)) bad(where, 'namingRole must be "msa", "mta" or "any"');
  if (c.validationTime !== undefined && (typeof c.validationTime !== 'string' || Number.isNaN(new Date(c.validationTime).getTime()))) bad(where, 'validationTime must be an ISO 8601 date, e.g. "2026-03-01T12:00:00Z"');
  checkExtensions(c, where);
  if (c.faults !== undefined) {
    if (!Array.isArray(c.faults)) bad(where, 'faults must be an array of fault names');
    for (const f of c.faults) if (!isFaultName(f)) bad(where, `unknown fault ${JSON.stringify(f)} (faults: ${FAULT_NAMES.join(', ')})`);
    if (new Set(c.faults).size !== c.faults.length) bad(where, 'faults lists a fault twice');
  }
  return c as unknown as GatewayConfig;
}

/** Read a config file; its file paths (pki, tls, nextHop.tlsCaFile) are resolved against the file's folder. */
export function loadGatewayConfig(path: string): GatewayConfig {
  const c = validateGatewayConfig(readJsonFile(path, 'gateway config'), path);
  const rel = (p: string): string => resolve(dirname(path), p);
  return {
    ...c,
    pki: rel(c.pki),
    ...(c.tls ? { tls: { key: rel(c.tls.key), cert: rel(c.tls.cert) } } : {}),
    nextHop: { ...c.nextHop, ...(c.nextHop.tlsCaFile ? { tlsCaFile: rel(c.nextHop.tlsCaFile) } : {}) },
  };
}
