/**
 * Each shipped adapter is wired right, and a test would say so if it were not: with its own commands it
 * passes a reception case, a transmission case and a reader vector; with a deliberately wrong key its
 * decrypt cases FAIL, with a wrong recipient certificate its case (b) FAILS (no RecipientInfo for the
 * DCA), and with a wrong trust anchor the valid vector is refused (FAIL). The engines are installed by
 * .ci/install-matrix.sh; a missing one fails this test with that instruction rather than skip it.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadAdapter, type Adapter } from '../../src/adapter/config.js';
import { runClientSuite } from '../../src/adapter/run.js';
import { clientCases } from '../../suites/client.js';
import { shippedImplementations, onPath, type Implementation } from '../../src/matrix/implementation.js';
import { readerCases, VECTORS_DIR } from '../../src/matrix/reader.js';
import { runReader } from '../../src/matrix/run-reader.js';

const KEYS = join(VECTORS_DIR, 'keys');
const implementations = shippedImplementations();
const receiving = clientCases.filter((c) => c.step === 'decrypt' && c.expect.kind === 'decrypted');
const reader = readerCases().filter((c) => c.id === 'domsec::reader::domain-signed');

function installed(impl: Implementation): void {
  const missing = impl.requires.filter((p) => !onPath(p));
  if (missing.length) throw new Error(`${impl.id}: ${missing.join(', ')} not on PATH: run .ci/install-matrix.sh (as root)`);
}
/** The adapter with one placeholder of one command replaced by a fixed file: the wiring fault. */
function miswired(a: Adapter, step: 'encrypt' | 'decrypt', placeholder: string, file: string): Adapter {
  const argv = a.commands[step].map((x) => x.replace(`{${placeholder}}`, file));
  expect(argv).not.toEqual(a.commands[step]);
  return { ...a, commands: { ...a.commands, [step]: argv } };
}

describe('the shipped implementations', () => {
  it('are the four of issue 15, each with its adapter file and reader commands', () => {
    expect(implementations.map((i) => i.id)).toEqual(['bouncycastle', 'gpgsm', 'nss', 'openssl']);
  });
});

describe.each(implementations.map((i) => [i.id, i] as const))('adapter %s', (_id, impl) => {
  it('with its own commands: reception, case (b) transmission and a reader vector PASS; with a wrong key its decrypt cases FAIL', async () => {
    installed(impl);
    const adapter = loadAdapter(impl.adapterFile);
    const ran = receiving.filter((c) => (c.features ?? []).every((f) => adapter.features.includes(f)));
    const caseB = clientCases.filter((c) => c.id === 'domsec::client::case-b-transmit-rsa');
    // gpgsm 2.2 cannot read case (c)'s originatorInfo (docs/implementations.md): its correct run is case (a).
    const right = await runClientSuite({ adapter, cases: [...ran.filter((c) => c.id === 'domsec::client::case-a-receive-rsa'), ...caseB], suiteVersion: 'test' });
    expect(right.cases.map((c) => `${c.id} ${c.verdict} ${c.verdict === 'PASS' ? '' : c.reason}`.trim())).toEqual(['domsec::client::case-a-receive-rsa PASS', 'domsec::client::case-b-transmit-rsa PASS']);

    const wrongKey = await runClientSuite({ adapter: miswired(adapter, 'decrypt', 'key', join(KEYS, 'example.test/user-alice.key')), cases: ran, suiteVersion: 'test' });
    expect(wrongKey.cases.length).toBeGreaterThan(0);
    expect(wrongKey.cases.filter((c) => c.verdict !== 'FAIL').map((c) => `${c.id}: ${c.verdict}`)).toEqual([]);

    // Given the end recipient's certificate where the DCA's belongs: no RecipientInfo for the DCA (draft 4.1).
    const wrongCert = await runClientSuite({ adapter: miswired(adapter, 'encrypt', 'recipientCert', join(KEYS, 'example.test/user-alice.crt')), cases: caseB, suiteVersion: 'test' });
    expect(wrongCert.cases[0]!.verdict).toBe('FAIL');
    expect(wrongCert.cases[0]!.checks.find((k) => !k.ok)?.requirement).toBe('DOMSEC-4.1-RECIPIENT-INFO');
  });

  it('reader: the valid domain-signed vector PASSES with its verify; with a wrong trust anchor it is refused (FAIL)', async () => {
    installed(impl);
    const adapter = loadAdapter(impl.adapterFile);
    const opts = { cases: reader, commandMs: adapter.commandMs, concurrency: 1, env: adapter.env };
    const right = await runReader({ ...opts, impl });
    expect(right.map((c) => `${c.verdict} ${c.reason}`)[0]).toMatch(/^PASS accepted every layer/);
    const wrongTrust = { ...impl, reader: { ...impl.reader, verify: impl.reader.verify.map((x) => x.replace('{trust}', join(KEYS, 'untrusted-ca.crt'))) } };
    expect(wrongTrust.reader.verify).not.toEqual(impl.reader.verify);
    const wrong = await runReader({ ...opts, impl: wrongTrust });
    expect(wrong[0]!.verdict).toBe('FAIL');
    expect(wrong[0]!.reason).toMatch(/refused layer 1/);
  });
});
