/**
 * The whole suite with STARTTLS on every leg (suite -> gateway with AUTH after STARTTLS, gateway -> sink),
 * each side verifying the other's certificate: the same grades as in plain text. And a profile that
 * requires TLS of a gateway that does not offer it ends every case it starts in ERROR naming TLS, rather
 * than submitting in plain text.
 */
import { PreflightFailed } from '../../src/harness/preflight.js';
import type { Profile } from '../../src/harness/profile.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki } from '../../src/pki/index.js';
import { runAgainstReferenceGateway } from '../../src/harness/against-reference.js';
import { allCases } from '../../suites/index.js';
import { testPki } from '../helpers/pki.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-harness-tls-'));
  await writeTestPki(await testPki(), join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every suite over STARTTLS', () => {
  it('grades as in plain text: no FAIL, WARN or ERROR, and every submission was upgraded', async () => {
    const common = { pkiDir: join(dir, 'pki'), encryptOutbound: true, cases: allCases(), suiteVersion: 'test' };
    const [plain, tls] = await Promise.all([runAgainstReferenceGateway(common), runAgainstReferenceGateway({ ...common, tls: true })]);
    const bad = tls.cases.filter((c) => c.verdict !== 'PASS' && c.verdict !== 'SKIP').map((c) => `${c.id}: ${c.verdict} ${c.reason}`);
    expect(bad).toEqual([]);
    expect(Object.fromEntries(tls.cases.map((c) => [c.id, c.verdict]))).toEqual(Object.fromEntries(plain.cases.map((c) => [c.id, c.verdict])));
    const submitted = tls.cases.filter((c) => c.evidence.smtp);
    expect(submitted.length).toBeGreaterThan(40);
    for (const c of submitted) expect(c.evidence.smtp!.transcript.join('\n'), c.id).toMatch(/Connection upgraded with STARTTLS/);
    for (const c of plain.cases.filter((x) => x.evidence.smtp)) expect(c.evidence.smtp!.transcript.join('\n'), c.id).not.toMatch(/STARTTLS/);
  }, 400_000);

  it('a profile that requires TLS of a gateway without it: the preflight names TLS on each endpoint; past it, every started case ERRORs naming TLS', async () => {
    const cases = allCases().filter((c) => c.role === 'inbound-dca' || c.id === 'domsec::signer::originator-signed');
    const requireTls = (p: Profile): Profile => ({ ...p, submission: { outbound: { ...p.submission.outbound!, requireTls: true }, inbound: { ...p.submission.inbound!, requireTls: true } } });
    const pre = await runAgainstReferenceGateway({ pkiDir: join(dir, 'pki'), encryptOutbound: false, cases, suiteVersion: 'test', profile: requireTls }).then(() => undefined, (e: unknown) => e);
    expect(pre).toBeInstanceOf(PreflightFailed);
    expect((pre as PreflightFailed).problems).toEqual([expect.stringMatching(/^submission\.outbound 127\.0\.0\.1:\d+: TLS failed/), expect.stringMatching(/^submission\.inbound 127\.0\.0\.1:\d+: TLS failed/)]);
    const r = await runAgainstReferenceGateway({ pkiDir: join(dir, 'pki'), encryptOutbound: false, cases, suiteVersion: 'test', skipPreflight: true, profile: requireTls });
    expect(r.cases.length).toBe(cases.length);
    for (const c of r.cases) {
      expect(c.verdict, c.id).toBe('ERROR');
      expect(c.reason, c.id).toMatch(/transport failed \(tls\)/);
      expect(c.evidence.received ?? [], c.id).toEqual([]);
    }
    expect(r.exitCode).toBe(1);
  }, 180_000);
});
