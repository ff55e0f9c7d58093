/**
 * A grader is trusted only if it catches faults: every seeded faulty variant of the reference gateway
 * (src/gateway/faults.ts) must be caught by at least one FAIL naming the requirement it breaks, and
 * every seeded faulty client (test/fixtures/clients/faults.json, driven by the command adapter) by a
 * FAIL naming its requirement or, for a hang or crash, an ERROR within the command's time bound
 * (mutation score 100%, printed). Requirement coverage is computed from these runs: every MUST / MUST
 * NOT has a case that a reference (the gateway, or for draft 4's client requirement the engine's CLI as
 * a client) passes and one that some faulty variant fails.
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
import { clientCases } from '../../suites/client.js';
import { loadAdapter } from '../../src/adapter/config.js';
import { runClientSuite } from '../../src/adapter/run.js';
import { KILL_GRACE_MS, STREAM_DRAIN_MS } from '../../src/adapter/limits.js';
import { testPki } from '../helpers/pki.js';
import { CLIENT_FAULTS, REFERENCE_CLIENT_ADAPTER, casesFor, catching, faultyAdapter } from '../helpers/clients.js';

let dir: string;
const faulty: Record<string, RunResults> = {};
const reference: RunResults[] = [];
/** The engine's own CLI as a client (docs/client-adapter.example.json), and each seeded faulty client. */
let clientReference: RunResults;
const faultyClients: Record<string, RunResults> = {};

const OUTBOUND = allCases(['domain-signer', 'section5', 'outbound-dca']);
const INBOUND = allCases(['inbound-dca', 'inbound-verifier']);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-mutation-'));
  const pkiDir = join(dir, 'pki');
  await writeTestPki(await testPki(), pkiDir);
  const gateways = async () => {
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
  };
  // Client runs use commands, not SMTP: they overlap with the gateway runs' waits for relays.
  const clients = async () => {
    clientReference = await runClientSuite({ adapter: loadAdapter(REFERENCE_CLIENT_ADAPTER), cases: clientCases, suiteVersion: 'test' });
    for (const f of CLIENT_FAULTS) faultyClients[f.name] = await runClientSuite({ adapter: faultyAdapter(f), cases: casesFor(f), suiteVersion: 'test' });
  };
  await Promise.all([gateways(), clients()]);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seeded faulty gateways and clients are caught', () => {
  it('every fault is caught (mutation score 100%): a FAIL whose failing MUST-level check names the requirement it breaks, or an ERROR for a client that hangs or crashes', () => {
    const missed: string[] = [];
    const named: string[] = [];
    for (const f of FAULTS) {
      const names = new Set([f.requirement, ...f.related]);
      // Issue 13: the failing check itself names a requirement the fault breaks (not merely the case's declared list).
      const failing = faulty[f.name]!.cases.flatMap((c) => (c.verdict === 'FAIL' ? c.checks.filter((k) => !k.ok && k.strength === 'MUST' && names.has(k.requirement)) : []));
      if (failing.length === 0) missed.push(f.name);
      else named.push(`${f.name}: ${[...new Set(failing.map((k) => k.requirement))].join(', ')}`);
    }
    console.log(`faults and the requirements their failing checks name:\n  ${named.join('\n  ')}`);
    const missedClients = CLIENT_FAULTS.filter((f) => catching(f, faultyClients[f.name]!).length === 0).map((f) => `client:${f.name}`);
    const total = FAULTS.length + CLIENT_FAULTS.length;
    const caught = total - missed.length - missedClients.length;
    console.log(
      `mutation score: ${caught}/${total} faults caught (${((caught / total) * 100).toFixed(0)}%): ${FAULTS.length - missed.length}/${FAULTS.length} gateway faults, ${CLIENT_FAULTS.length - missedClients.length}/${CLIENT_FAULTS.length} client faults` +
        `${missed.length + missedClients.length ? `; missed: ${[...missed, ...missedClients].join(', ')}` : ''}`,
    );
    expect([...missed, ...missedClients]).toEqual([]);
    expect(FAULTS.length).toBeGreaterThanOrEqual(15);
    expect(CLIENT_FAULTS.length).toBeGreaterThanOrEqual(5);
  });

  it('the reference client (the engine CLI through the command adapter) passes every client case, or skips it with a reason', () => {
    const declared = loadAdapter(REFERENCE_CLIENT_ADAPTER).features;
    for (const c of clientReference.cases) {
      const needs = (clientCases.find((d) => d.id === c.id)!.features ?? []).filter((f) => !declared.includes(f));
      if (needs.length) expect([c.verdict, c.reason]).toEqual(['SKIP', `undeclared optional feature(s): ${needs.join(', ')}`]);
      else expect([c.id, c.verdict, c.reason]).toEqual([c.id, 'PASS', expect.stringMatching(/^\d+ check\(s\) passed$/)]);
    }
    expect(clientReference.cases).toHaveLength(clientCases.length);
  });

  it('each faulty client is caught on the cases its bug breaks: FAIL naming the requirement, or ERROR within the command bound', () => {
    for (const f of CLIENT_FAULTS) {
      const run = faultyClients[f.name]!;
      const caughtIds = catching(f, run).map((c) => c.id);
      expect(caughtIds, f.name).toEqual(expect.arrayContaining(f.cases));
      if (f.caughtAs === 'ERROR') {
        const bound = (f.commandMs ?? faultyAdapter(f).commandMs) + KILL_GRACE_MS + STREAM_DRAIN_MS + 2000;
        for (const c of run.cases.filter((x) => f.cases.includes(x.id))) {
          expect(c.durationMs, `${f.name} ${c.id}`).toBeLessThan(bound);
          expect(c.evidence.command?.[0]?.timedOut || !!c.evidence.command?.[0]?.signal, `${f.name} ${c.id}`).toBe(true);
        }
      }
    }
  });

  it('coverage per requirement: every MUST / MUST NOT a seeded fault breaks is passed by the reference and caught on its own check; the rest are listed', () => {
    const gatewayFaults = Object.fromEntries(FAULTS.map((f) => [f.name, { run: faulty[f.name]!, breaks: [f.requirement, ...f.related] }]));
    const clientFaults = Object.fromEntries(CLIENT_FAULTS.map((f) => [`client:${f.name}`, { run: faultyClients[f.name]!, breaks: [f.requirement, ...f.related] }]));
    const coverage = computeCoverage([...reference, clientReference], { ...gatewayFaults, ...clientFaults });
    const broken = new Set([...FAULTS, ...CLIENT_FAULTS].flatMap((f) => [f.requirement, ...f.related]));
    const testable = coverage.filter((c) => !c.untestable);
    // Issue 13: a fault counts for a requirement only where it breaks it and a case fails on that requirement's check.
    const gaps = testable.filter((c) => broken.has(c.id) && !c.covered).map((c) => `${c.id} (passed by ${c.passedBy.length}, caught by ${Object.keys(c.caughtBy).join(', ') || 'no fault'})`);
    const noFault = testable.filter((c) => !broken.has(c.id)).map((c) => `${c.id} (passed by ${c.passedBy.length})`);
    console.log(`requirement coverage: ${testable.filter((c) => c.covered).length}/${testable.length} testable MUST-level requirements passed by the reference and caught on their own check by a fault that breaks them; no seeded fault breaks ${noFault.length}: ${noFault.join(', ')}; ${coverage.length - testable.length} untestable with the reason stated (${coverage.filter((c) => c.untestable).map((c) => c.id).join(', ')})`);
    expect(gaps).toEqual([]);
    // Every testable MUST is at least passed, observed, by the reference.
    expect(testable.filter((c) => c.passedBy.length === 0).map((c) => c.id)).toEqual([]);
  });
});
