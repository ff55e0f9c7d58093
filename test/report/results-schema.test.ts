/**
 * results.json is documented by a versioned JSON Schema (src/report/schema/domsec-results-1.schema.json):
 * what writeResults writes from a real run validates, the schema catches broken files, and the sample
 * fixture is still what the suites produce (else: regenerate it, see its script).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CaptureSink } from '../../src/smtp/sink.js';
import { runSuite } from '../../src/harness/run.js';
import { RESULTS_FORMAT, writeResults } from '../../src/harness/results.js';
import { readResults, RESULTS_SCHEMA, schemaValidator, validateResults } from '../../src/report/results-file.js';
import { allCases } from '../../suites/index.js';
import { domainSignerCases } from '../../suites/domain-signer.js';
import { sampleSetup, type SampleSetup } from './sample-run.js';
import { SAMPLE_FILE, sample } from './fixture.js';

const schema = JSON.parse(readFileSync(RESULTS_SCHEMA, 'utf8'));

describe('the results schema', () => {
  it('is versioned with the format', () => {
    expect(schema.properties.format).toEqual({ const: RESULTS_FORMAT });
    expect(schema.$id).toMatch(/domsec-results-1\.schema\.json$/);
    expect(RESULTS_SCHEMA).toMatch(/domsec-results-1\.schema\.json$/);
  });

  describe('validates what a real run writes', () => {
    let setup: SampleSetup;
    let sink: CaptureSink;
    beforeAll(async () => {
      setup = await sampleSetup();
      sink = await new CaptureSink().start();
    });
    afterAll(async () => {
      await sink.stop();
      setup.cleanup();
    });
    it('results.json from writeResults reads back as the same run', async () => {
      const gw = await setup.gateway(sink.port, domainSignerCases, { 'domsec::signer::refuse-unauthenticated': { kind: 'disconnect' } });
      try {
        const r = await runSuite({ profile: setup.profile(sink.port, gw.port), cases: domainSignerCases, suiteVersion: 'test', sink });
        const files = writeResults(join(setup.dir, 'out'), r);
        expect(new Set(r.cases.map((c) => c.verdict))).toEqual(new Set(['PASS', 'SKIP', 'ERROR']));
        // The layer evidence is in what was validated: sent, expected and received layers with signers.
        const signed = r.cases.find((c) => c.id === 'domsec::signer::originator-signed')!.evidence;
        expect(signed.sentLayers?.layers.length).toBeGreaterThan(1);
        expect(signed.expectedLayers?.length).toBeGreaterThan(1);
        expect(signed.received?.[0]?.layers?.layers[0]?.signers?.[0]?.verdict).toBe('pass');
        expect(readResults(files.json)).toEqual(JSON.parse(JSON.stringify(r)));
      } finally {
        await gw.close();
      }
    });
  });

  it('refuses broken results, naming the field', () => {
    const base = { format: RESULTS_FORMAT, ...sample() };
    const bad = (mutate: (d: ReturnType<typeof structuredClone<typeof base>>) => void) => {
      const d = structuredClone(base);
      mutate(d);
      return () => validateResults(d, 'r.json');
    };
    expect(bad((d) => ((d.cases[0] as { verdict: string }).verdict = 'OK'))).toThrow(/r\.json: \/cases\/0\/verdict must be equal to one of the allowed values \(PASS, FAIL, WARN, NOT TESTED, SKIP, ERROR\)/);
    expect(bad((d) => delete (d.cases[1] as Partial<typeof d.cases[1]>).evidence)).toThrow(/\/cases\/1 must have required property 'evidence'/);
    expect(bad((d) => ((d.meta as { extra?: number }).extra = 1))).toThrow(/\/meta must NOT have additional properties \(extra\)/);
    expect(bad((d) => (d.meta.startedAt = 'yesterday'))).toThrow(/\/meta\/startedAt must match format "date-time"/);
    const layered = base.cases.findIndex((c) => c.evidence.sentLayers?.layers.length);
    expect(bad((d) => ((d.cases[layered]!.evidence.sentLayers!.layers[0] as { kind: string }).kind = 'mystery'))).toThrow(new RegExp(`/cases/${layered}/evidence/sentLayers/layers/0/kind must be equal to one of the allowed values`));
    expect(bad((d) => (d.cases[1]!.id = d.cases[0]!.id))).toThrow(/appears twice/);
    expect(bad((d) => (d.format = 'domsec-results/2' as typeof RESULTS_FORMAT))).toThrow(/not domsec-results\/1 results \(format "domsec-results\/2"\)/);
    expect(() => validateResults([], 'r.json')).toThrow(/format missing/);
  });

  it('stays compatible within version 1: a file written before the layer details still validates', () => {
    const old = join(dirname(SAMPLE_FILE), 'results-v1-shapes-only.json');
    const d = JSON.parse(readFileSync(old, 'utf8'));
    expect(d.cases.some((c: { evidence: object }) => 'sentLayers' in c.evidence)).toBe(false);
    expect(() => validateResults(d, old)).not.toThrow();
  });

  it('accepts the client role with its commands, and the tls transport failure', () => {
    const d = { format: RESULTS_FORMAT, ...sample() };
    d.cases[0]!.role = 'client';
    d.cases[0]!.evidence = { command: [{ step: 'sign', argv: ['x', '--sign'], exitCode: null, signal: 'SIGTERM', timedOut: true, stdoutTail: '', stderrTail: 'slow', durationMs: 30_000 }] };
    d.cases[1]!.evidence.smtp = { accepted: false, response: 'STARTTLS failed', attempts: 1, transcript: [], failure: 'tls' };
    expect(() => validateResults(d, 'r.json')).not.toThrow();
    (d.cases[0]!.evidence.command![0] as { exitCode: unknown }).exitCode = '0';
    expect(() => validateResults(d, 'r.json')).toThrow(/\/cases\/0\/evidence\/command\/0\/exitCode must be integer/);
  });

  it('the sample fixture validates and is current with the suites', () => {
    const v = schemaValidator(RESULTS_SCHEMA);
    expect(v(JSON.parse(readFileSync(SAMPLE_FILE, 'utf8'))), JSON.stringify(v.errors)).toBe(true);
    // If this fails the suites changed: regenerate with `npx tsx test/fixtures/report/make-sample-results.ts`.
    expect(sample().cases.map((c) => c.id)).toEqual(allCases().map((c) => c.id));
    expect(new Set(sample().cases.map((c) => c.verdict))).toEqual(new Set(['PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP']));
  });
});
