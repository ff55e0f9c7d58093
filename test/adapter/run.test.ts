/**
 * The client runner: every case ends in a recorded verdict whatever the command does; the files a
 * command gets are private (0700 folder, 0600 key) and gone after the run; undeclared features SKIP
 * with the reason; the run's time bound holds. The correct OpenSSL-based client passes every case.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAdapter, type Adapter } from '../../src/adapter/config.js';
import { runClientSuite } from '../../src/adapter/run.js';
import { clientCases } from '../../suites/client.js';
import { OPENSSL_CLIENT_ADAPTER } from '../helpers/clients.js';

const INSPECT = fileURLToPath(new URL('../fixtures/adapter/inspect-client.mjs', import.meta.url));
const TRAPS = fileURLToPath(new URL('../fixtures/adapter/leaves-traps.mjs', import.meta.url));
const byId = (id: string) => clientCases.filter((c) => c.id === `domsec::client::${id}`);

function adapterWith(over: Partial<Adapter>): Adapter {
  return { ...loadAdapter(OPENSSL_CLIENT_ADAPTER), ...over };
}

describe('runClientSuite', () => {
  it('the OpenSSL-based client passes every client case (a second implementation besides the engine)', async () => {
    const r = await runClientSuite({ adapter: loadAdapter(OPENSSL_CLIENT_ADAPTER), cases: clientCases, suiteVersion: 'test' });
    expect(r.cases.filter((c) => c.verdict !== 'PASS').map((c) => `${c.id}: ${c.verdict} ${c.reason}`)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.cases.every((c) => c.role === 'client' && c.evidence.command?.length === 1)).toBe(true);
  });

  it('cases that need an undeclared feature are SKIPPED with the reason, and run nothing', async () => {
    const r = await runClientSuite({ adapter: adapterWith({ features: ['rsa-oaep-key-transport'] }), cases: clientCases, suiteVersion: 'test' });
    const skipped = r.cases.filter((c) => c.verdict === 'SKIP');
    const expected = clientCases.filter((c) => (c.features ?? []).some((f) => f !== 'rsa-oaep-key-transport')).map((c) => c.id);
    expect(skipped.map((c) => c.id)).toEqual(expected);
    expect(skipped.length).toBeGreaterThan(0);
    for (const c of skipped) {
      expect(c.reason).toMatch(/^undeclared optional feature\(s\): (ecdh-key-agreement|auth-enveloped-data)$/);
      expect(c.evidence.command).toBeUndefined();
    }
    expect(r.counts.PASS).toBe(clientCases.length - expected.length);
  });

  it('a missing program: every case ERRORs with the reason, and the run returns', async () => {
    const r = await runClientSuite({ adapter: adapterWith({ commands: { encrypt: ['domsec-test-no-such-client', '{in}', '{out}', '{recipientCert}'], decrypt: ['domsec-test-no-such-client', '{in}', '{out}', '{key}'] } }), cases: clientCases.slice(0, 3), suiteVersion: 'test' });
    expect(r.cases.map((c) => c.verdict)).toEqual(['ERROR', 'ERROR', 'ERROR']);
    expect(r.cases[0]!.reason).toBe('the command could not be started: domsec-test-no-such-client: ENOENT');
    expect(r.exitCode).toBe(1);
  });

  it('the command gets a private folder (0700), a 0600 key, no output file yet, the adapter environment and the case id; all gone after', async () => {
    const adapter = adapterWith({
      commands: { encrypt: [process.execPath, INSPECT, '{dir}', '{in}', '{out}'], decrypt: [process.execPath, INSPECT, '{dir}', '{in}', '{out}', '{key}'] },
      env: { CLIENT_FIXTURE_SETTING: 'from the adapter file' },
    });
    const r = await runClientSuite({ adapter, cases: [...byId('case-a-transmit-rsa'), ...byId('case-a-receive-rsa')], suiteVersion: 'test' });
    const reports = r.cases.map((c) => JSON.parse(c.evidence.command![0]!.stdoutTail) as Record<string, string | boolean | null>);
    expect(reports[0]).toMatchObject({ dirMode: '700', keyMode: null, outExists: false, caseId: 'domsec::client::case-a-transmit-rsa', adapterEnv: 'from the adapter file' });
    expect(reports[1]).toMatchObject({ dirMode: '700', keyMode: '600', outExists: false, caseId: 'domsec::client::case-a-receive-rsa' });
    // The inspecting client writes nothing and exits 1: a recorded FAIL, not a crash of the run.
    expect(r.cases.map((c) => c.verdict)).toEqual(['FAIL', 'FAIL']);
    expect(r.cases[0]!.reason).toMatch(/^the command failed with exit status 1/);
    for (const rep of reports) expect(existsSync(dirname(rep.dir as string))).toBe(false);
  });

  it('does not read through a link or from a FIFO left at {out}, and removes what the command left locked', async () => {
    for (const mode of ['link', 'fifo']) {
      const adapter = adapterWith({ commands: { encrypt: [process.execPath, TRAPS, mode, '{dir}', '{out}', '{recipientCert}'], decrypt: [process.execPath, TRAPS, mode, '{dir}', '{out}', '{key}'] } });
      const r = await runClientSuite({ adapter, cases: byId('case-a-receive-rsa'), suiteVersion: 'test' });
      expect([r.cases[0]!.verdict, r.cases[0]!.reason]).toEqual(['FAIL', `the output at {out} was not read: ${mode === 'link' ? 'a symbolic link, not a file' : 'not a regular file'}`]);
    }
  });

  it('the run time bound: cases not started by then ERROR with the reason', async () => {
    const adapter = adapterWith({ runMs: 1, concurrency: 1 });
    const r = await runClientSuite({ adapter, cases: clientCases.slice(0, 3), suiteVersion: 'test' });
    expect(r.cases.slice(1).map((c) => [c.verdict, c.reason])).toEqual([
      ['ERROR', 'the run time bound was reached before this case started'],
      ['ERROR', 'the run time bound was reached before this case started'],
    ]);
  });

  it('refuses a PKI without the adapter domain, before running anything', async () => {
    await expect(runClientSuite({ adapter: adapterWith({ domain: 'example.net' }), cases: clientCases, suiteVersion: 'test' })).rejects.toThrow(/^adapter domain example\.net is not a domain of the test PKI \(example\.test, example\.org\)$/);
  });
});
