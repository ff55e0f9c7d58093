/**
 * Test fixture for the gateway: the test PKI written to a temp folder, one capture sink as next hop, and
 * gateways started on free loopback ports (every one closed in afterAll).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki, type TestPki } from '../../src/pki/index.js';
import { CaptureSink } from '../../src/smtp/sink.js';
import { submit, type SubmitResult } from '../../src/smtp/submit.js';
import { startGateway, type GatewayConfig, type RunningGateway } from '../../src/gateway/config.js';
import { parseMessage, shapeOf, type Layer } from '../../src/message/layers.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { getHeaders, parseEntity } from '../../src/mime/index.js';
import { testPki } from '../helpers/pki.js';

export const AT = '2026-03-01T12:00:00Z';

export interface Fixture {
  pki: TestPki;
  pkiDir: string;
  sink: CaptureSink;
  /** Start a gateway (closed by teardown) with the base config for `domain` plus overrides. */
  gateway(domain: 'example.test' | 'example.org', over?: Partial<GatewayConfig>): Promise<RunningGateway>;
  teardown(): Promise<void>;
}

export function baseConfig(domain: 'example.test' | 'example.org', pkiDir: string, sink: CaptureSink): GatewayConfig {
  const remote = domain === 'example.test' ? 'example.org' : 'example.test';
  return {
    domain,
    nextHop: { host: sink.host, port: sink.port },
    pki: pkiDir,
    signers: [`${domain}/signer-rsa`],
    dca: `${domain}/dca-rsa`,
    policy: { encryptOutbound: false },
    recipientDcas: { [remote]: `${remote}/dca-rsa` },
    users: { [`alice@${domain}`]: 'alice-secret' },
    validationTime: AT,
  };
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'domsec-gateway-'));
  const pkiDir = join(dir, 'pki');
  const pki = await testPki();
  await writeTestPki(pki, pkiDir);
  const sink = await new CaptureSink().start();
  const running: RunningGateway[] = [];
  return {
    pki, pkiDir, sink,
    async gateway(domain, over = {}) {
      const g = await startGateway({ ...baseConfig(domain, pkiDir, sink), ...over });
      running.push(g);
      return g;
    },
    async teardown() {
      await Promise.all(running.map((g) => g.close()));
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique envelope recipient in `domain`, to correlate what the sink received. */
export function rcpt(domain: string, tag: string): string {
  return `${tag}-${++counter}@${domain}`;
}

export function send(g: RunningGateway, direction: 'outbound' | 'inbound', mailFrom: string, to: string[], raw: Buffer, auth?: { user: string; pass: string }): Promise<SubmitResult> {
  const port = direction === 'outbound' ? g.outboundPort : g.inboundPort;
  return submit({ endpoint: { host: g.host, port, ...(auth ? { auth } : {}) }, mailFrom, rcptTo: to, raw, maxRetries: 0 });
}

/** Every DCA and user key of the PKI: the tests may open whatever the gateway encrypted. */
export function allKeys(pki: TestPki) {
  return Object.values(pki.entries).filter((e) => e.role === 'dca' || e.role === 'user').map((e) => ({ certDer: e.certDer, key: loadPrivateKey(e.keyPem) }));
}

export function parsed(pki: TestPki, raw: Buffer): Layer {
  return parseMessage(raw, { keys: allKeys(pki) });
}

export function shape(pki: TestPki, raw: Buffer): string {
  return shapeOf(parsed(pki, raw));
}

export function header(raw: Buffer, name: string): string[] {
  return getHeaders(parseEntity(raw), name);
}

export const ALICE_AUTH = (domain: string) => ({ user: `alice@${domain}`, pass: 'alice-secret' });
