/**
 * The reference gateway, graded by the suite, has no FAIL under either local policy; every case ends
 * PASS or SKIP with a stated reason.
 */
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
  dir = mkdtempSync(join(tmpdir(), 'domsec-reference-'));
  await writeTestPki(await testPki(), join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the reference gateway graded by every suite', () => {
  for (const encryptOutbound of [false, true]) {
    it(`has no FAIL, WARN or ERROR (policy encryptOutbound=${encryptOutbound})`, async () => {
      const r = await runAgainstReferenceGateway({ pkiDir: join(dir, 'pki'), encryptOutbound, cases: allCases(), suiteVersion: 'test' });
      const bad = r.cases.filter((c) => c.verdict !== 'PASS' && c.verdict !== 'SKIP').map((c) => `${c.id}: ${c.verdict} ${c.reason}`);
      expect(bad).toEqual([]);
      expect(r.counts.PASS).toBeGreaterThan(40);
      for (const c of r.cases.filter((x) => x.verdict === 'SKIP')) expect(c.reason.length).toBeGreaterThan(10);
      // Every case of every declared role ran: CONFORMANT (issue 13), exit status 0.
      expect(r.verdict).toMatchObject({ verdict: 'CONFORMANT', exitCode: 0 });
      expect(r.cases.filter((c) => c.verdict === 'NOT TESTED' || (c.verdict === 'SKIP' && c.skipKind === 'prerequisite'))).toEqual([]);
      expect(r.exitCode).toBe(0);
      // The optional behaviours the reference is configured with (two signers, bob's own certificate, smime-identifier) are observed, not skipped.
      const verdictOf = (id: string) => r.cases.find((c) => c.id === id)!;
      expect(verdictOf('domsec::signer::two-algorithms-same-signature-type')).toMatchObject({ verdict: 'PASS' });
      expect(verdictOf('domsec::signer::two-algorithms-same-signature-type').checks.find((k) => k.kind === 'same-signature-type')).toMatchObject({ outcome: 'pass' });
      expect(verdictOf('domsec::verifier::originator-identified-by-certificate').checks.find((k) => k.kind === 'originator-identifier')).toMatchObject({ outcome: 'pass' });
      if (encryptOutbound) expect(verdictOf('domsec::dca::case-c-end-recipient').checks.find((k) => k.kind === 'end-recipient-info')).toMatchObject({ outcome: 'pass' });
      else expect(verdictOf('domsec::dca::case-c-end-recipient')).toMatchObject({ verdict: 'SKIP', skipKind: 'policy' });
    });
  }
});
