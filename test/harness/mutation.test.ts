/**
 * A grader is trusted only if it catches faults: every seeded faulty variant of the reference gateway
 * (src/gateway/faults.ts) must be caught by at least one FAIL naming the requirement it breaks
 * (mutation score 100%, printed), and requirement coverage is computed from these runs: every MUST /
 * MUST NOT has a case that the reference passes and one that some faulty variant fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestPki } from '../../src/pki/index.js';
import { runAgainstReferenceGateway } from '../../src/harness/against-reference.js';
import { computeCoverage } from '../../src/harness/coverage.js';
import type { RunResults } from '../../src/harness/run.js';
import { FAULTS } from '../../src/gateway/faults.js';
import { allCases } from '../../suites/index.js';
import { testPki } from '../helpers/pki.js';

let dir: string;
const faulty: Record<string, RunResults> = {};
const reference: RunResults[] = [];

const OUTBOUND = allCases(['domain-signer', 'section5', 'outbound-dca']);
const INBOUND = allCases(['inbound-dca', 'inbound-verifier']);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-mutation-'));
  const pkiDir = join(dir, 'pki');
  await writeTestPki(await testPki(), pkiDir);
  for (const encryptOutbound of [false, true]) reference.push(await runAgainstReferenceGateway({ pkiDir, encryptOutbound, cases: allCases(), suiteVersion: 'test' }));
  // Two faulty gateways at a time: each run is already concurrent inside.
  const queue = [...FAULTS];
  await Promise.all([0, 1].map(async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      faulty[f.name] = await runAgainstReferenceGateway({
        pkiDir, encryptOutbound: f.shows.policy === 'encrypt', faults: [f.name], cases: f.direction === 'outbound' ? OUTBOUND : INBOUND, suiteVersion: 'test',
      });
    }
  }));
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seeded faulty gateways are caught', () => {
  it('every fault is caught by a FAIL naming the requirement it breaks (mutation score 100%)', () => {
    const missed: string[] = [];
    for (const f of FAULTS) {
      const names = new Set([f.requirement, ...f.related]);
      const catching = faulty[f.name]!.cases.filter((c) => c.verdict === 'FAIL' && (c.checks.some((k) => !k.ok && names.has(k.requirement)) || c.requirements.some((r) => names.has(r))));
      if (catching.length === 0) missed.push(f.name);
    }
    const score = ((FAULTS.length - missed.length) / FAULTS.length) * 100;
    console.log(`mutation score: ${FAULTS.length - missed.length}/${FAULTS.length} faults caught (${score.toFixed(0)}%)${missed.length ? `; missed: ${missed.join(', ')}` : ''}`);
    expect(missed).toEqual([]);
    expect(FAULTS.length).toBeGreaterThanOrEqual(15);
  });

  it('coverage is computed: every MUST / MUST NOT is passed by the reference and failed by a faulty variant, or says why it is untestable', () => {
    const merged: RunResults = { ...reference[0]!, cases: reference.flatMap((r) => r.cases) };
    const coverage = computeCoverage(merged, faulty);
    const gaps = coverage.filter((c) => !c.covered).map((c) => `${c.id} (passed by ${c.passedBy.length}, caught by ${Object.keys(c.caughtBy).join(', ') || 'no fault'})`);
    console.log(`requirement coverage: ${coverage.filter((c) => c.covered).length}/${coverage.length} MUST-level requirements covered`);
    expect(gaps).toEqual([]);
  });
});
