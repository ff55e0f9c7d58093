/**
 * JUnit for client runs (the command adapter): a client-only run has the client testsuite alone, and an
 * ERROR carries the command's evidence (argv, how it ended, stderr) as SMTP errors carry the transcript.
 */
import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapter/config.js';
import { runClientSuite } from '../../src/adapter/run.js';
import { junitXml } from '../../src/harness/results.js';
import type { RunResults } from '../../src/harness/run.js';
import { clientCases } from '../../suites/client.js';
import { OPENSSL_CLIENT_ADAPTER } from '../helpers/clients.js';
import { sample } from '../report/fixture.js';

const suitesOf = (xml: string) => [...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);

describe('junitXml for client runs', () => {
  it('a client-only run: the client testsuite alone; an ERROR shows the command, how it ended and its stderr', async () => {
    const base = loadAdapter(OPENSSL_CLIENT_ADAPTER);
    const missing = 'domsec-test-no-such-client';
    const r = await runClientSuite({ adapter: { ...base, commands: { ...base.commands, encrypt: [missing, '{in}', '{out}', '{recipientCert}'] } }, cases: clientCases.filter((c) => c.id.endsWith('case-a-transmit-rsa') || c.id.endsWith('case-a-receive-rsa')), suiteVersion: 'test' });
    expect(r.cases.map((c) => c.verdict)).toEqual(['ERROR', 'PASS']);
    const xml = junitXml(r);
    expect(suitesOf(xml)).toEqual(['client']);
    expect(xml).toContain(`<error message="the command could not be started: ${missing}: ENOENT">encrypt (case a: for the end recipient): ${missing} /`);
    expect(xml).toMatch(/\nnot started after \d+ ms<\/error>/);
  });

  it('a gateway run keeps a testsuite per gateway role, and adds the client one only when client cases ran', async () => {
    const gateway = sample();
    expect(suitesOf(junitXml(gateway))).toEqual(['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier']);
    const client = await runClientSuite({ adapter: loadAdapter(OPENSSL_CLIENT_ADAPTER), cases: clientCases.slice(0, 1), suiteVersion: 'test' });
    const mixed: RunResults = { ...gateway, cases: [...gateway.cases, ...client.cases] };
    expect(suitesOf(junitXml(mixed))).toEqual(['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier', 'client']);
  });
});
