/**
 * The reference gateway with a real MTA in the loop (issue 5):
 *
 *   suite -> Postfix (submission / inbound smtpd) -> gateway -> Postfix (re-injection smtpd) -> sink
 *
 * and the same gateway driven directly (suite -> gateway -> sink), with one gateway configuration for
 * both, so that the two runs' grades can be compared case by case. The Postfix instance is private
 * (src/mta/postfix.ts) and everything started here is stopped before this returns, whatever happened.
 */
import { startGateway, type GatewayConfig } from '../gateway/config.js';
import { REFERENCE_DOMAIN, REFERENCE_REMOTE } from '../harness/against-reference.js';
import type { CaseDecl, CaseResult } from '../harness/model.js';
import type { Profile } from '../harness/profile.js';
import { DEFAULT_VALIDATION_TIME, runSuite, type RunResults } from '../harness/run.js';
import { CaptureSink, type CapturedMessage } from '../smtp/sink.js';
import { freePort } from '../local-server.js';
import { startPostfix, type RunningPostfix } from './postfix.js';

/** The domain's user (gateway SMTP AUTH, and Postfix's SASL user in the loop). */
export const LOOP_USER = { user: `alice@${REFERENCE_DOMAIN}`, pass: 'alice-secret' };
const AUTHSERV_ID = `mx.${REFERENCE_DOMAIN}`;

export interface LoopRunOptions {
  pkiDir: string;
  encryptOutbound: boolean;
  cases: readonly CaseDecl[];
  suiteVersion: string;
  /** 'postfix': suite -> Postfix -> gateway -> Postfix -> sink; 'direct': suite -> gateway -> sink. */
  via: 'postfix' | 'direct';
  onResult?: (r: CaseResult, done: number, total: number) => void;
  /** Default 4. */
  concurrency?: number;
  /** Per-case wait for the relay; default 5000 ms (as the reference run). */
  caseMs?: number;
  /** Called with the running Postfix before the suite runs (diagnostics, extra checks). */
  onPostfix?: (p: RunningPostfix) => void | Promise<void>;
}

export interface LoopRun {
  results: RunResults;
  /** Everything the sink received, correlated or not (Postfix's bounces land here, addressed to the sender). */
  captured: CapturedMessage[];
  /** Postfix's log and queue at the end of the run ('' when direct). */
  postfixLog: string;
  postfixQueue: string;
  /** Wall-clock time of the run itself (servers up to results), ms. */
  durationMs: number;
}

/** The reference gateway's configuration, shared by both paths (as src/harness/against-reference.ts). */
export function loopGatewayConfig(pkiDir: string, encryptOutbound: boolean, nextHop: { host: string; port: number }): GatewayConfig {
  return {
    domain: REFERENCE_DOMAIN,
    nextHop,
    pki: pkiDir,
    signers: [`${REFERENCE_DOMAIN}/signer-rsa`],
    dca: `${REFERENCE_DOMAIN}/dca-rsa`,
    policy: { encryptOutbound },
    recipientDcas: { [REFERENCE_REMOTE]: `${REFERENCE_REMOTE}/dca-rsa` },
    users: { [LOOP_USER.user]: LOOP_USER.pass },
    authservId: AUTHSERV_ID,
    validationTime: DEFAULT_VALIDATION_TIME,
  };
}

export async function runReferenceLoop(o: LoopRunOptions): Promise<LoopRun> {
  const t0 = Date.now();
  const sink = await new CaptureSink().start();
  let postfix: RunningPostfix | undefined;
  let gw: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    // The gateway's next hop is Postfix's re-injection port, Postfix's filters are the gateway's listeners:
    // the re-injection port is chosen first, the gateway binds its own, then Postfix starts with both.
    const reinject = o.via === 'postfix' ? await freePort() : undefined;
    gw = await startGateway(loopGatewayConfig(o.pkiDir, o.encryptOutbound, reinject ? { host: '127.0.0.1', port: reinject } : { host: sink.host, port: sink.port }));
    if (o.via === 'postfix') {
      postfix = await startPostfix({
        relayDomains: [REFERENCE_DOMAIN, REFERENCE_REMOTE],
        deliverTo: { host: sink.host, port: sink.port },
        filters: { submission: { host: gw.host, port: gw.outboundPort }, inbound: { host: gw.host, port: gw.inboundPort } },
        users: { [LOOP_USER.user]: LOOP_USER.pass },
        ports: { reinject: reinject! },
      });
      await o.onPostfix?.(postfix);
    }
    const entry = postfix
      ? { host: postfix.host, outbound: postfix.submissionPort, inbound: postfix.inboundPort }
      : { host: gw.host, outbound: gw.outboundPort, inbound: gw.inboundPort };
    const profile: Profile = {
      name: postfix ? 'domsec reference gateway behind Postfix' : 'domsec reference gateway',
      domain: REFERENCE_DOMAIN,
      roles: ['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier'],
      submission: { outbound: { host: entry.host, port: entry.outbound, auth: LOOP_USER }, inbound: { host: entry.host, port: entry.inbound } },
      capture: { host: sink.host, port: sink.port },
      pki: o.pkiDir,
      policy: { encryptOutbound: o.encryptOutbound },
      flag: { method: 'authentication-results', authservId: AUTHSERV_ID },
      timeouts: { caseMs: o.caseMs ?? 5_000, runMs: 300_000 },
      concurrency: o.concurrency ?? 4,
      validationTime: DEFAULT_VALIDATION_TIME,
    };
    const results = await runSuite({ profile, cases: o.cases, suiteVersion: o.suiteVersion, sink, ...(o.onResult ? { onResult: o.onResult } : {}) });
    return {
      results,
      captured: [...sink.messages],
      postfixLog: postfix ? postfix.log(4_000_000) : '',
      postfixQueue: postfix ? await postfix.queue() : '',
      durationMs: Date.now() - t0,
    };
  } finally {
    await postfix?.stop();
    await gw?.close();
    await sink.stop();
  }
}
