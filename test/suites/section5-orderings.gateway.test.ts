/**
 * The Section 5 ordering cases (suites/section5-orderings.ts) against the reference gateway over SMTP:
 * it passes every one under both local policies, and the seeded faulty variants that break Section 5 or
 * the 3.2 preconditions (src/gateway/faults.ts) are caught, each by every ordering the model says shows
 * it (from the data: the model's outputs, not the engine's), as test/harness/mutation.test.ts counts a
 * catch: a FAIL naming the fault's requirement or a related one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki } from '../../src/pki/index.js';
import { runAgainstReferenceGateway } from '../../src/harness/against-reference.js';
import type { RunResults } from '../../src/harness/run.js';
import { faultEntry, type FaultName } from '../../src/gateway/faults.js';
import { ORDERINGS, section5OrderingCases, type Ordering, type Policy } from '../../suites/section5-orderings.js';
import { testPki } from '../helpers/pki.js';

const success = (o: Ordering, p: Policy) => (o.expected[p].outcome === 'domain-signed' ? o.expected[p] : undefined);
const refusal = (o: Ordering): string | undefined => (o.expected.noEncrypt.outcome === 'refused' ? o.expected.noEncrypt.refusal : undefined);

/**
 * The faults that break what the orderings are about, the policy under which each shows, and which
 * orderings show it according to the model's expectations.
 */
const FAULTS_SHOWN: Array<{ fault: FaultName; policy: Policy; shownBy: (o: Ordering) => boolean }> = [
  // Section 5 step 6 / N7: the model adds an envelope without the encryption policy.
  { fault: 'no-reencrypt-lower-enveloped', policy: 'noEncrypt', shownBy: (o) => !!success(o, 'noEncrypt')?.added.some((a) => a.endsWith(':reencryption')) },
  // Wrapping everything differs from Section 5 wherever the rules strip or decrypt a layer.
  { fault: 'no-section5', policy: 'noEncrypt', shownBy: (o) => (success(o, 'noEncrypt')?.removed.length ?? 0) > 0 },
  // N5: the re-added outer layer carries the remembered mlExpansionHistory.
  { fault: 'drop-ml-attributes', policy: 'noEncrypt', shownBy: (o) => !!o.mlAttributesCarried },
  // Under an encryption policy every domain-signed output has its envelope above the domain signature.
  { fault: 'sign-after-encrypt', policy: 'encrypt', shownBy: (o) => !!success(o, 'encrypt') },
  // 3.2 MUST NOT, N8.
  { fault: 'sign-despite-invalid-signature', policy: 'noEncrypt', shownBy: (o) => refusal(o) === 'SIGNATURE_INVALID' },
  // 3.1.1, 2.3 (1), N12.
  { fault: 'no-empty-layer', policy: 'noEncrypt', shownBy: (o) => !!o.emptyLayerAdded },
  // 3.2: the originator authenticated neither by a signature nor by SMTP AUTH.
  { fault: 'sign-unauthenticated', policy: 'noEncrypt', shownBy: (o) => refusal(o) === 'ORIGINATOR_NOT_AUTHENTICATED' },
];

let dir: string;
const reference: Partial<Record<Policy, RunResults>> = {};
const faulty: Partial<Record<FaultName, RunResults>> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-orderings-'));
  const pkiDir = join(dir, 'pki');
  await writeTestPki(await testPki(), pkiDir);
  // One run at a time: the gateway, the suite and their crypto share this process's one thread.
  for (const policy of ['noEncrypt', 'encrypt'] as const) {
    reference[policy] = await runAgainstReferenceGateway({ pkiDir, encryptOutbound: policy === 'encrypt', cases: section5OrderingCases, suiteVersion: 'test' });
  }
  for (const f of FAULTS_SHOWN) {
    faulty[f.fault] = await runAgainstReferenceGateway({ pkiDir, encryptOutbound: f.policy === 'encrypt', faults: [f.fault], cases: section5OrderingCases, suiteVersion: 'test' });
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ordering cases that catch a fault: FAIL, naming its requirement or a related one (test/harness/mutation.test.ts). */
function catching(fault: FaultName, run: RunResults): string[] {
  const f = faultEntry(fault);
  const names = new Set([f.requirement, ...f.related]);
  return run.cases.filter((c) => c.verdict === 'FAIL' && (c.checks.some((k) => !k.ok && names.has(k.requirement)) || c.requirements.some((r) => names.has(r)))).map((c) => c.id);
}

describe('Section 5 orderings against the reference gateway', () => {
  for (const policy of ['noEncrypt', 'encrypt'] as const) {
    it(`the reference gateway passes every ordering (policy ${policy})`, () => {
      const run = reference[policy]!;
      expect(run.cases.map((c) => [c.id, c.verdict, c.verdict === 'PASS' ? '' : c.reason])).toEqual(ORDERINGS.map((o) => [o.id, 'PASS', '']));
      // Domain-signed orderings were graded on the model's shape, and that is what the gateway relayed.
      for (const c of run.cases) {
        const o = ORDERINGS.find((x) => x.id === c.id)!;
        const e = success(o, policy);
        if (e) expect([c.id, c.evidence.expectedShape, c.evidence.foundShape?.replace(/A\(/g, 'E(')]).toEqual([c.id, e.shape, e.shape.replace(/A\(/g, 'E(')]);
        else expect(c.checks.map((k) => k.requirement), c.id).toEqual(['DOMSEC-3.2-' + (refusal(o) === 'ORIGINATOR_NOT_AUTHENTICATED' ? 'AUTHENTICATE-ORIGINATOR' : 'NO-SIGNATURE-IF-INVALID')]);
      }
    });
  }

  it('catches each Section 5 and 3.2 fault with every ordering the model says shows it', () => {
    const table: string[] = [];
    for (const f of FAULTS_SHOWN) {
      const caught = catching(f.fault, faulty[f.fault]!);
      const shownBy = ORDERINGS.filter(f.shownBy).map((o) => o.id);
      table.push(`${f.fault} (${f.policy}): caught by ${caught.length} of ${ORDERINGS.length}: ${caught.map((id) => id.replace('domsec::section5::ordering-', '')).join(', ')}`);
      expect(shownBy.length, `${f.fault}: no ordering shows it`).toBeGreaterThan(0);
      expect(caught, f.fault).toEqual(expect.arrayContaining(shownBy));
    }
    console.log(`Section 5 orderings against seeded faults:\n  ${table.join('\n  ')}`);
  });
});
