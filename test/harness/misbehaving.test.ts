/**
 * A misbehaving gateway never hangs or crashes the run: each fault ends the case in a recorded verdict
 * with evidence, within the case timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki } from '../../src/pki/index.js';
import { CaptureSink } from '../../src/smtp/sink.js';
import { runSuite } from '../../src/harness/run.js';
import type { Profile } from '../../src/harness/profile.js';
import { domainSignerCases } from '../../suites/domain-signer.js';
import { testPki } from '../helpers/pki.js';
import { startFakeGateway, type Misbehaviour } from './fake-gateways.js';

let dir: string;
let sink: CaptureSink;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-harness-'));
  await writeTestPki(await testPki(), join(dir, 'pki'));
  sink = await new CaptureSink().start();
});
afterAll(async () => {
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

function profile(port: number): Profile {
  return {
    name: 'fake', domain: 'example.org', roles: ['domain-signer'], pki: join(dir, 'pki'), policy: { encryptOutbound: false }, originatorAuthentication: { method: 'signature-only' },
    submission: { outbound: { host: '127.0.0.1', port } }, capture: { port: sink.port }, timeouts: { caseMs: 1500, runMs: 60_000 },
  };
}

// The first domain-signer case: a valid originator-signed message the gateway must domain-sign and relay.
const CASE = domainSignerCases.filter((c) => c.id === 'domsec::signer::originator-signed');

const EXPECTED: Array<[Misbehaviour, 'ERROR' | 'FAIL', RegExp]> = [
  ['greeting-never-sent', 'ERROR', /greeting-timeout|timeout/],
  ['always-4xx', 'FAIL', /rejected the message: .*451/],
  ['always-5xx', 'FAIL', /rejected the message: .*554/],
  ['disconnect-in-data', 'ERROR', /disconnected|protocol|timeout/],
  ['nothing-relayed', 'FAIL', /nothing was relayed/],
  ['relayed-twice', 'FAIL', /relayed 2 times/],
  ['relayed-garbage', 'FAIL', /does not parse/],
  ['relayed-to-wrong-recipient', 'FAIL', /nothing was relayed/],
  ['relayed-unchanged', 'FAIL', /output shape S\[-\]\(data\), expected S\[domainSig\]/],
];

describe('misbehaving gateways are recorded, never hang the run', () => {
  it('connection refused: ERROR with the transport failure', async () => {
    const r = await runSuite({ profile: profile(1), cases: CASE, suiteVersion: 'test', sink, skipPreflight: true });
    expect(r.cases[0]!.verdict).toBe('ERROR');
    expect(r.cases[0]!.reason).toMatch(/connection-refused/);
    expect(r.exitCode).toBe(1);
  });

  for (const [kind, verdict, reason] of EXPECTED) {
    it(`${kind}: ${verdict}`, async () => {
      const gw = await startFakeGateway(kind, { host: '127.0.0.1', port: sink.port });
      try {
        const t0 = Date.now();
        const r = await runSuite({ profile: { ...profile(gw.port) }, cases: CASE, suiteVersion: 'test', sink, skipPreflight: true });
        const c = r.cases[0]!;
        expect(c.verdict, c.reason).toBe(verdict);
        expect(c.reason).toMatch(reason);
        expect(c.evidence.smtp?.transcript.length).toBeGreaterThan(0);
        expect(Date.now() - t0).toBeLessThan(30_000);
      } finally {
        await gw.close();
      }
    });
  }
});
