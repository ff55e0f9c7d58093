/**
 * `domsec run --adapter FILE`, end to end: the same outputs and exit statuses as a profile run
 * (results.json, junit.xml, report.html; 0 / 1 / 2, --expect), for a client driven through its command
 * line. Uses the OpenSSL-based fixture client (fast) and one of its seeded faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { RESULTS_FORMAT } from '../../src/harness/results.js';
import type { RunResults } from '../../src/harness/run.js';
import { clientCases } from '../../suites/client.js';
import { domsec } from '../report/cli.js';
import { CLIENT_FAULTS, OPENSSL_CLIENT_ADAPTER } from '../helpers/clients.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-run-adapter-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the fixture client's adapter file elsewhere, with changes; cwd stays the fixture folder. */
function adapterFile(name: string, change: (a: Record<string, unknown> & { commands: Record<string, string[]> }) => void): string {
  const a = JSON.parse(readFileSync(OPENSSL_CLIENT_ADAPTER, 'utf8')) as Record<string, unknown> & { commands: Record<string, string[]> };
  delete a.$schema;
  a.cwd = resolve(dirname(OPENSSL_CLIENT_ADAPTER));
  change(a);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(a, null, 2));
  return file;
}

function expectOneLineUsageError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

// Whole client runs, one process per command: a hang bound for a loaded machine, not a speed test.
describe('domsec run --adapter', { timeout: 300_000 }, () => {
  it('a conforming client: exit 0, results.json, a JUnit file with the client testsuite alone, the HTML report', async () => {
    const out = join(dir, 'ok');
    const r = await domsec(['run', '--adapter', OPENSSL_CLIENT_ADAPTER, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`running ${clientCases.length} case(s) against openssl-client`);
    expect(r.stdout).toContain(`${clientCases.length} passed, 0 failed, 0 warned, 0 skipped, 0 errored`);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults & { format: string };
    expect(results.format).toBe(RESULTS_FORMAT);
    expect(results.cases.map((c) => c.id)).toEqual(clientCases.map((c) => c.id));
    expect(results.cases.filter((c) => c.role !== 'client' || c.verdict !== 'PASS' || c.evidence.command?.length !== 1)).toEqual([]);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect([...junit.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1])).toEqual(['client']);
    expect(junit).toContain(`<testsuite name="client" tests="${clientCases.length}" failures="0" errors="0" skipped="0"`);
    expect(results.meta.implementation).toBe('client');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('domsec::client::case-b-transmit-rsa');
    // A client run is reported as one: named a client, and with no gateway's local policy.
    expect(html).toContain('Conformance of an S/MIME client implementation');
    expect(html).not.toContain('Local policy');
  });

  it('a faulty client: exit 1 naming the failed cases; accepted with --expect, exit 0', async () => {
    const fault = CLIENT_FAULTS.find((f) => f.name === 'encrypts-for-end-recipient')!;
    const file = adapterFile('faulty.json', (a) => {
      a.commands = Object.fromEntries(Object.entries(a.commands).map(([k, argv]) => [k, argv.map((x) => (x === 'openssl-client.mjs' ? fault.script : x))]));
    });
    const out = join(dir, 'faulty');
    const first = await domsec(['run', '--adapter', file, '--out', out]);
    expect(first.code, first.stderr).toBe(1);
    for (const id of fault.cases) expect(first.stdout).toMatch(new RegExp(`FAIL\\s+${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('DOMSEC-4.1-RECIPIENT-INFO (MUST): no RecipientInfo for the recipient&apos;s DCA');
    const accepted = await domsec(['run', '--adapter', file, '--out', join(dir, 'faulty-again'), '--expect', join(out, 'results.json')]);
    expect(accepted.code, accepted.stdout).toBe(0);
  });

  it('usage errors are one line, exit 2, and write nothing', async () => {
    const bad = adapterFile('bad.json', (a) => {
      a.commands.encrypt = ['node', 'openssl-client.mjs', 'encrypt', '--in', '{in}', '--out', '{out}', '--recip', '{recipCert}'];
    });
    const out = join(dir, 'never');
    expectOneLineUsageError(await domsec(['run', '--adapter', bad, '--out', out]), /^domsec run: BAD_ARGUMENT: .*bad\.json: \/commands\/encrypt\/8 unknown placeholder \{recipCert\} \(encrypt takes /);
    expectOneLineUsageError(await domsec(['run', '--adapter', OPENSSL_CLIENT_ADAPTER, '--profile', 'docs/profile.example.json', '--out', out]), /^domsec run: BAD_ARGUMENT: run: give --profile FILE \(a gateway\) or --adapter FILE \(a client\), not both/);
    expectOneLineUsageError(await domsec(['run', '--adapter', OPENSSL_CLIENT_ADAPTER, '--suite', 'domain-signer', '--out', out]), /^domsec run: BAD_ARGUMENT: run: unknown client suite "domain-signer" \(suites: client\)$/);
    expect(existsSync(out)).toBe(false);
  });
});
