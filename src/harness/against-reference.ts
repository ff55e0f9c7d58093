/**
 * Run suites against the built-in reference gateway (or one of its seeded faulty variants) on free
 * loopback ports: the suite's main job out of the box (`npm run demo`), and how the graders are proven
 * to catch faults (test/harness/mutation.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type FaultName, type GatewayConfig } from '../gateway/config.js';
import { CaptureSink } from '../smtp/sink.js';
import { selfSignedTlsCredentials } from '../smtp/tls.js';
import type { CaseDecl, CaseResult } from './model.js';
import type { Profile } from './profile.js';
import { DEFAULT_VALIDATION_TIME, runSuite, type RunOptions, type RunResults } from './run.js';

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
  /**
   * STARTTLS on every leg: the gateway's listeners (AUTH only after STARTTLS), and its relay to a sink that
   * offers STARTTLS; each side trusts the other's throwaway self-signed certificate and requires TLS.
   */
  tls?: boolean;
  /** Changes to the gateway's configuration (e.g. its own certificates in another PKI folder). */
  gateway?: Partial<GatewayConfig>;
  /** Changes to the profile the suite runs with (e.g. `certificates`), or a function of the profile. */
  profile?: Partial<Profile> | ((p: Profile) => Profile);
  /** Passed to runSuite (src/harness/run.ts). */
  skipPreflight?: boolean;
  grader?: RunOptions['grader'];
}

export async function runAgainstReferenceGateway(o: ReferenceRunOptions): Promise<RunResults> {
  // TLS credentials are files for the gateway's config, in a private folder removed afterwards.
  const tlsDir = o.tls ? mkdtempSync(join(tmpdir(), 'domsec-tls-')) : undefined;
  try {
    return await run(o, tlsDir);
  } finally {
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  }
}

async function run(o: ReferenceRunOptions, tlsDir: string | undefined): Promise<RunResults> {
  let tls: { gatewayKey: string; gatewayCert: string; sinkCert: string; gatewayCertPem: string } | undefined;
  let sinkTls;
  if (tlsDir) {
    const [gwCreds, sinkCreds] = await Promise.all([selfSignedTlsCredentials(), selfSignedTlsCredentials()]);
    tls = { gatewayKey: join(tlsDir, 'gateway.key'), gatewayCert: join(tlsDir, 'gateway.crt'), sinkCert: join(tlsDir, 'sink.crt'), gatewayCertPem: gwCreds.cert };
    writeFileSync(tls.gatewayKey, gwCreds.key, { mode: 0o600 });
    writeFileSync(tls.gatewayCert, gwCreds.cert);
    writeFileSync(tls.sinkCert, sinkCreds.cert);
    sinkTls = sinkCreds;
  }
  const sink = await new CaptureSink(sinkTls ? { tls: sinkTls } : {}).start();
  try {
    const gw = await startGateway({
      domain: REFERENCE_DOMAIN,
      nextHop: { host: sink.host, port: sink.port, ...(tls ? { requireTls: true, tlsCaFile: tls.sinkCert } : {}) },
      ...(tls ? { tls: { key: tls.gatewayKey, cert: tls.gatewayCert } } : {}),
      pki: o.pkiDir,
      // Two algorithms (RSA and EC), so that the dual-algorithm-signing case observes draft 3.1.1's same SignatureType.
      signers: [`${REFERENCE_DOMAIN}/signer-rsa`, `${REFERENCE_DOMAIN}/signer-ec`],
      dca: `${REFERENCE_DOMAIN}/dca-rsa`,
      policy: { encryptOutbound: o.encryptOutbound },
      recipientDcas: { [REFERENCE_REMOTE]: `${REFERENCE_REMOTE}/dca-rsa` },
      // Case (c): bob's own certificate, as the profile's endRecipientCertificates declares (draft 4.1).
      recipientCertificates: { [`bob@${REFERENCE_REMOTE}`]: `${REFERENCE_REMOTE}/user-bob` },
      users: { [ALICE.user]: ALICE.pass },
      authservId: `mx.${REFERENCE_DOMAIN}`,
      validationTime: DEFAULT_VALIDATION_TIME,
      ...(o.faults?.length ? { faults: o.faults } : {}),
      ...o.gateway,
    });
    try {
      const base: Profile = {
        name: o.faults?.length ? `reference gateway with fault ${o.faults.join(', ')}` : 'domsec reference gateway',
        domain: REFERENCE_DOMAIN,
        roles: ['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier'],
        submission: {
          outbound: { host: gw.host, port: gw.outboundPort, auth: ALICE, ...(tls ? { requireTls: true, tlsCa: tls.gatewayCertPem } : {}) },
          inbound: { host: gw.host, port: gw.inboundPort, ...(tls ? { requireTls: true, tlsCa: tls.gatewayCertPem } : {}) },
        },
        capture: { host: sink.host, port: sink.port },
        pki: o.pkiDir,
        policy: { encryptOutbound: o.encryptOutbound },
        flag: { method: 'authentication-results', authservId: `mx.${REFERENCE_DOMAIN}` },
        timeouts: { caseMs: 5_000, runMs: 300_000 },
        concurrency: o.concurrency ?? 4,
        validationTime: DEFAULT_VALIDATION_TIME,
        features: ['dual-algorithm-signing', 'smime-identifier'],
        endRecipientCertificates: [`bob@${REFERENCE_REMOTE}`],
      };
      const profile = typeof o.profile === 'function' ? o.profile(base) : { ...base, ...o.profile };
      return await runSuite({ profile, cases: o.cases, suiteVersion: o.suiteVersion, sink, ...(o.onResult ? { onResult: o.onResult } : {}), ...(o.skipPreflight ? { skipPreflight: true } : {}), ...(o.grader ? { grader: o.grader } : {}) });
    } finally {
      await gw.close();
    }
  } finally {
    await sink.stop();
  }
}
