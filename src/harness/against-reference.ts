/**
 * Run suites against the built-in reference gateway (or one of its seeded faulty variants) on free
 * loopback ports: the suite's main job out of the box (`npm run demo`), and how the graders are proven
 * to catch faults (test/harness/mutation.test.ts).
 */
import { startGateway, type FaultName } from '../gateway/config.js';
import { CaptureSink } from '../smtp/sink.js';
import type { CaseDecl, CaseResult } from './model.js';
import type { Profile } from './profile.js';
import { DEFAULT_VALIDATION_TIME, runSuite, type RunResults } from './run.js';

export const REFERENCE_DOMAIN = 'example.org';
export const REFERENCE_REMOTE = 'example.test';
const ALICE = { user: `alice@${REFERENCE_DOMAIN}`, pass: 'alice-secret' };

export interface ReferenceRunOptions {
  pkiDir: string;
  encryptOutbound: boolean;
  cases: readonly CaseDecl[];
  faults?: FaultName[];
  suiteVersion: string;
  onResult?: (r: CaseResult, done: number, total: number) => void;
  concurrency?: number;
}

export async function runAgainstReferenceGateway(o: ReferenceRunOptions): Promise<RunResults> {
  const sink = await new CaptureSink().start();
  try {
    const gw = await startGateway({
      domain: REFERENCE_DOMAIN,
      nextHop: { host: sink.host, port: sink.port },
      pki: o.pkiDir,
      signers: [`${REFERENCE_DOMAIN}/signer-rsa`],
      dca: `${REFERENCE_DOMAIN}/dca-rsa`,
      policy: { encryptOutbound: o.encryptOutbound },
      recipientDcas: { [REFERENCE_REMOTE]: `${REFERENCE_REMOTE}/dca-rsa` },
      users: { [ALICE.user]: ALICE.pass },
      authservId: `mx.${REFERENCE_DOMAIN}`,
      validationTime: DEFAULT_VALIDATION_TIME,
      ...(o.faults?.length ? { faults: o.faults } : {}),
    });
    try {
      const profile: Profile = {
        name: o.faults?.length ? `reference gateway with fault ${o.faults.join(', ')}` : 'domsec reference gateway',
        domain: REFERENCE_DOMAIN,
        roles: ['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier'],
        submission: { outbound: { host: gw.host, port: gw.outboundPort, auth: ALICE }, inbound: { host: gw.host, port: gw.inboundPort } },
        capture: { host: sink.host, port: sink.port },
        pki: o.pkiDir,
        policy: { encryptOutbound: o.encryptOutbound },
        flag: { method: 'authentication-results', authservId: `mx.${REFERENCE_DOMAIN}` },
        timeouts: { caseMs: 5_000, runMs: 300_000 },
        concurrency: o.concurrency ?? 4,
        validationTime: DEFAULT_VALIDATION_TIME,
      };
      return await runSuite({ profile, cases: o.cases, suiteVersion: o.suiteVersion, sink, ...(o.onResult ? { onResult: o.onResult } : {}) });
    } finally {
      await gw.close();
    }
  } finally {
    await sink.stop();
  }
}
