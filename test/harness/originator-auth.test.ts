/**
 * Originator authentication as the draft allows it (draft 3.2, N17; issue 13): the profile declares how
 * the gateway authenticates the originator besides the S/MIME signature, and the cases that submit
 * unsigned or mis-signed mail use it. The reference gateway configured each way is graded CONFORMANT when
 * the profile says how; a gateway that trusts its submission network, graded as if it used SMTP AUTH, fails
 * the refusal case: which is why the profile must say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki } from '../../src/pki/index.js';
import { runAgainstReferenceGateway } from '../../src/harness/against-reference.js';
import type { OriginatorAuthentication } from '../../src/harness/profile.js';
import { allCases } from '../../suites/index.js';
import { testPki } from '../helpers/pki.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-origauth-'));
  await writeTestPki(await testPki(), join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = allCases(['domain-signer']);
const run = (gateway: OriginatorAuthentication, profile: OriginatorAuthentication) =>
  runAgainstReferenceGateway({ pkiDir: join(dir, 'pki'), encryptOutbound: false, cases, suiteVersion: 'test', gateway: { originatorAuthentication: gateway }, profile: { originatorAuthentication: profile } });
const verdicts = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.cases.map((c) => [c.id.replace('domsec::signer::', ''), c.verdict]));

describe('originatorAuthentication in the profile', () => {
  it('trusted-address: unsigned mail from the trusted address is domain-signed without AUTH; the refusal of unauthenticated mail is not applicable', async () => {
    const trusted: OriginatorAuthentication = { method: 'trusted-address', trustedAddresses: ['127.0.0.0/8'] };
    const r = await run(trusted, trusted);
    expect(verdicts(r)).toEqual({ 'originator-signed': 'PASS', 'unsigned-authenticated': 'PASS', 'refuse-invalid-signature': 'PASS', 'refuse-invalid-signature-inside-envelope': 'PASS', 'refuse-unauthenticated': 'SKIP', 'refuse-foreign-originator': 'PASS', 'two-algorithms-same-signature-type': 'PASS' });
    expect(r.cases.find((c) => c.id.endsWith('refuse-unauthenticated'))).toMatchObject({ skipKind: 'authentication' });
    expect(r.cases.find((c) => c.id.endsWith('unsigned-authenticated'))!.evidence.smtp!.transcript.join('\n')).not.toMatch(/authenticated/i);
    expect(r.verdict!.verdict).toBe('CONFORMANT');
    expect(r.meta.originatorAuthentication).toBe('trusted-address');
  }, 300_000);

  it('signature-only: unsigned mail is refused whatever the submission; the externally authenticated case is not applicable', async () => {
    const r = await run({ method: 'signature-only' }, { method: 'signature-only' });
    expect(verdicts(r)).toMatchObject({ 'unsigned-authenticated': 'SKIP', 'refuse-unauthenticated': 'PASS', 'refuse-invalid-signature': 'PASS', 'originator-signed': 'PASS' });
    expect(r.verdict!.verdict).toBe('CONFORMANT');
  }, 300_000);

  it('a gateway that trusts its network, graded as if it used SMTP AUTH: it signs unauthenticated mail, and the refusal case fails', async () => {
    const r = await runAgainstReferenceGateway({
      pkiDir: join(dir, 'pki'), encryptOutbound: false, cases: cases.filter((c) => c.id.endsWith('refuse-unauthenticated')), suiteVersion: 'test',
      gateway: { originatorAuthentication: { method: 'trusted-address', trustedAddresses: ['127.0.0.0/8'] } },
    });
    expect(r.cases[0]!.verdict).toBe('FAIL');
    expect(r.cases[0]!.checks.find((k) => !k.ok)!.requirement).toBe('DOMSEC-3.2-AUTHENTICATE-ORIGINATOR');
  }, 300_000);
});
