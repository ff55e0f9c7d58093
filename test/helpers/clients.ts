/**
 * The client implementations the client suite is checked with: the reference (the engine's own CLI,
 * docs/client-adapter.example.json), a second correct client on the OpenSSL CLI
 * (test/fixtures/clients/openssl-client.mjs) and its seeded faulty variants (test/fixtures/clients/faults.json).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAdapter, type Adapter } from '../../src/adapter/config.js';
import type { ClientCaseDecl } from '../../src/adapter/model.js';
import type { CaseResult } from '../../src/harness/model.js';
import type { RunResults } from '../../src/harness/run.js';
import { clientCases } from '../../suites/client.js';

export const REFERENCE_CLIENT_ADAPTER = fileURLToPath(new URL('../../docs/client-adapter.example.json', import.meta.url));
export const OPENSSL_CLIENT_ADAPTER = fileURLToPath(new URL('../fixtures/clients/openssl-client.adapter.json', import.meta.url));
const FAULTS_FILE = fileURLToPath(new URL('../fixtures/clients/faults.json', import.meta.url));
const BASE_SCRIPT = 'openssl-client.mjs';

export interface ClientFault {
  name: string;
  script: string;
  description: string;
  step: 'encrypt' | 'decrypt' | 'both';
  requirement: string;
  related: string[];
  caughtAs: 'FAIL' | 'ERROR';
  cases: string[];
  commandMs?: number;
}

export const CLIENT_FAULTS: ClientFault[] = (JSON.parse(readFileSync(FAULTS_FILE, 'utf8')) as { faults: ClientFault[] }).faults;

/** The OpenSSL client's adapter with the fault's script in place of the correct one. */
export function faultyAdapter(f: ClientFault, base: Adapter = loadAdapter(OPENSSL_CLIENT_ADAPTER)): Adapter {
  const swap = (argv: string[]) => argv.map((a) => (a === BASE_SCRIPT ? f.script : a));
  if (!base.commands.encrypt.includes(BASE_SCRIPT) || !base.commands.decrypt.includes(BASE_SCRIPT)) throw new Error(`${OPENSSL_CLIENT_ADAPTER} no longer runs ${BASE_SCRIPT}`);
  return { ...base, name: `openssl-client with fault ${f.name}`, commands: { encrypt: swap(base.commands.encrypt), decrypt: swap(base.commands.decrypt) }, ...(f.commandMs ? { commandMs: f.commandMs } : {}) };
}

/** The cases of the command the fault is in: enough to catch it, and quicker than all of them. */
export function casesFor(f: ClientFault): ClientCaseDecl[] {
  return clientCases.filter((c) => f.step === 'both' || c.step === f.step);
}

/**
 * The cases that catch a fault: for a FAIL fault, FAILED cases with a failed check (or a declared
 * requirement) naming the fault's requirement or a related one; for a hang or crash, ERRORED cases.
 */
export function catching(f: ClientFault, run: RunResults): CaseResult[] {
  const names = new Set([f.requirement, ...f.related]);
  if (f.caughtAs === 'ERROR') return run.cases.filter((c) => c.verdict === 'ERROR');
  return run.cases.filter((c) => c.verdict === 'FAIL' && (c.checks.some((k) => !k.ok && names.has(k.requirement)) || c.requirements.some((r) => names.has(r))));
}
