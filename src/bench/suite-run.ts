/**
 * The full conformance suite (allCases(), every role) over SMTP against the reference gateway, started
 * in this process on free loopback ports with the capture sink as its next hop: the row "full suite" of
 * the benchmark (wall time, messages per second), and the vector regeneration row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startGateway } from '../gateway/config.js';
import { CaptureSink } from '../smtp/sink.js';
import { DEFAULT_CONCURRENCY } from '../smtp/limits.js';
import { DEFAULT_VALIDATION_TIME, runSuite } from '../harness/run.js';
import { GATEWAY_ROLES, type CaseVerdict } from '../harness/model.js';
import type { Profile } from '../harness/profile.js';
import { generateVectors } from '../vectors/generate.js';
import { allCases } from '../../suites/index.js';

const DOMAIN = 'example.org';
const REMOTE = 'example.test';
const ALICE = { user: `alice@${DOMAIN}`, pass: 'alice-secret' };

export interface SuiteRunResult {
  policy: 'encrypt' | 'noEncrypt';
  cases: number;
  /** Cases that submitted a message (all but SKIP). */
  submitted: number;
  /** Messages the gateway relayed or delivered to the sink. */
  relayed: number;
  counts: Record<CaseVerdict, number>;
  concurrency: number;
  wallMs: number;
  messagesPerSecond: number;
  /** Gateway and sink start-up, not in wallMs. */
  setupMs: number;
}

export async function runFullSuite(keysDir: string, encryptOutbound: boolean, limit?: number): Promise<SuiteRunResult> {
  const pki = resolve(keysDir);
  const t0 = performance.now();
  const sink = await new CaptureSink().start();
  try {
    const gw = await startGateway({
      domain: DOMAIN,
      nextHop: { host: sink.host, port: sink.port },
      pki,
      signers: [`${DOMAIN}/signer-rsa`],
      dca: `${DOMAIN}/dca-rsa`,
      policy: { encryptOutbound },
      recipientDcas: { [REMOTE]: `${REMOTE}/dca-rsa` },
      users: { [ALICE.user]: ALICE.pass },
      authservId: `mx.${DOMAIN}`,
      validationTime: DEFAULT_VALIDATION_TIME,
    });
    try {
      const profile: Profile = {
        name: 'domsec reference gateway (benchmark)',
        domain: DOMAIN,
        roles: [...GATEWAY_ROLES],
        submission: { outbound: { host: gw.host, port: gw.outboundPort, auth: ALICE }, inbound: { host: gw.host, port: gw.inboundPort } },
        capture: { host: sink.host, port: sink.port },
        pki,
        policy: { encryptOutbound },
        flag: { method: 'authentication-results', authservId: `mx.${DOMAIN}` },
        validationTime: DEFAULT_VALIDATION_TIME,
      };
      const cases = allCases().slice(0, limit ?? Infinity);
      const setupMs = performance.now() - t0;
      const t1 = performance.now();
      const r = await runSuite({ profile, cases, suiteVersion: 'bench', sink });
      const wallMs = performance.now() - t1;
      const submitted = r.cases.filter((c) => c.verdict !== 'SKIP').length;
      return {
        policy: encryptOutbound ? 'encrypt' : 'noEncrypt',
        cases: cases.length,
        submitted,
        relayed: sink.messages.length,
        counts: r.counts,
        concurrency: profile.concurrency ?? DEFAULT_CONCURRENCY,
        wallMs,
        messagesPerSecond: submitted / (wallMs / 1000),
        setupMs,
      };
    } finally {
      await gw.close();
    }
  } finally {
    await sink.stop();
  }
}

export interface VectorsRunResult {
  /** First generateVectors call in a fresh process (modules loaded, nothing warm). */
  firstMs: number;
  /** Further calls. */
  againMs: number[];
}

export async function timeVectorRegeneration(keysDir: string, again: number): Promise<VectorsRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'domsec-bench-vectors-'));
  try {
    const once = async (): Promise<number> => {
      const t0 = performance.now();
      await generateVectors(join(dir, 'out'), resolve(keysDir));
      const ms = performance.now() - t0;
      rmSync(join(dir, 'out'), { recursive: true, force: true });
      return ms;
    };
    const firstMs = await once();
    const againMs: number[] = [];
    for (let i = 0; i < again; i++) againMs.push(await once());
    return { firstMs, againMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
