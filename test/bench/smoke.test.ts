/**
 * The benchmark's smoke run (issue 8: "a smoke run of it, tiny sizes, one iteration, is in npm test, so it
 * cannot rot"): every row at 1 KB on every side, the vector regeneration and a few suite cases against
 * the reference gateway, once each. It checks that the rows are complete and that every side did the
 * work (each output parsed to the expected shape), not how fast anything is.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_OPS } from '../../src/bench/engine-ops.js';
import { formatReport, runBenchmark, type BenchReport } from '../../src/bench/run.js';
import { optionsFromArgv, parseSize } from '../../src/bench/options.js';

let dir: string;
let report: BenchReport;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-bench-smoke-'));
  const opts = optionsFromArgv(['--smoke', '--json', join(dir, 'bench.json'), '--work', join(dir, 'work'), '--suite-limit', '3']);
  if (opts === 'help') throw new Error('unexpected help');
  report = await runBenchmark({ ...opts, log: (l) => lines.push(l) });
}, 600_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run bench -- --smoke', () => {
  it('measures every operation at 1 KB on the engine, and on the CLI and OpenSSL where they have the operation', () => {
    expect(report.rows.map((r) => r.op)).toEqual([...ENGINE_OPS]);
    for (const r of report.rows) {
      expect(r.sizeLabel).toBe('1 KB');
      expect(r.engine!.medianMs, r.op).toBeGreaterThan(0);
      expect(r.engine!.runsMs).toHaveLength(1);
      expect(r.engine!.peakRss).toBeGreaterThan(r.engine!.idleRss / 2);
      expect(r.primitives!.cryptoMs, r.op).toBeGreaterThan(0);
      expect(r.primitives!.withBase64Ms).toBeGreaterThanOrEqual(r.primitives!.cryptoMs);
      expect(r.ratios.engineVsCrypto).toBeGreaterThan(0);
      if (r.op !== 'sign') expect(r.cli!.medianMs, r.op).toBeGreaterThan(0);
      else expect(r.cli).toBeUndefined(); // no CLI command makes a bare CMS signature
      if (r.op !== 'domainSign') {
        expect(r.openssl!.medianMs, r.op).toBeGreaterThan(0);
        expect(r.ratios.engineVsOpenssl).toBeGreaterThan(0);
      } else {
        expect(r.openssl).toBeUndefined(); // OpenSSL cannot make the N12 empty signature layer
      }
    }
  });

  it('every side produced the same kind of output (shapes parsed back with the receiving DCA key)', () => {
    const row = (op: string) => report.rows.find((r) => r.op === op)!;
    expect(row('sign').engine!.outputShape).toBe('S[-](data)');
    expect(row('sign').openssl!.outputShape).toBe('S[-](data)');
    expect(row('domainSign').engine!.outputShape).toBe('S[domainSig](S[empty](data))');
    expect(row('domainSign').cli!.outputShape).toBe('S[domainSig](S[empty](data))');
    expect(row('verify').engine!.outcome.detail).toBe('S[-](data) pass');
    for (const side of ['engine', 'cli', 'openssl'] as const) {
      expect(row('encrypt')[side]!.outputShape, side).toBe('E(data)');
      expect(row('decrypt')[side]!.outputShape, side).toBe('data');
    }
    // E1 stays encrypted for the sending domain's DCA: the receiving DCA's key opens only the new E.
    expect(row('example7').engine!.outcome.detail).toBe('S[-](E(S[-](E(S[-](data))))) -> E(S[domainSig](S[-](E(S[-](data)))))');
    expect(row('example7').engine!.outputShape).toBe('E(S[domainSig](S[-](E(?))))');
    expect(row('example7').cli!.outputShape).toBe('E(S[domainSig](S[-](E(?))))');
    // OpenSSL's domain signature carries no SignatureType attribute; the layers are the same.
    expect(row('example7').openssl!.outputShape).toBe('E(S[-](S[-](E(?))))');
    expect(row('example7').openssl!.command!.filter((a) => a === 'cms')).toHaveLength(7);
    // The floor of Example 7 counts both new layers: the domain signature and the envelope around it.
    expect(row('example7').primitives!.items.filter((i) => i.what.startsWith('new layer')).map((i) => i.prim)).toEqual([
      'aes-256-cbc-encrypt', 'rsa-encrypt', 'base64-encode', 'sha256', 'rsa-sign', 'base64-encode',
    ]);
  });

  it('times the vector regeneration and the suite against the reference gateway', () => {
    expect(report.vectors!.firstMs).toBeGreaterThan(0);
    expect(report.suite).toHaveLength(1);
    const s = report.suite![0]!;
    expect(s.cases).toBe(3);
    expect(s.counts.ERROR).toBe(0);
    expect(s.messagesPerSecond).toBeGreaterThan(0);
  });

  it('writes the JSON report and prints the tables with the machine', () => {
    const json = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as BenchReport;
    expect(json.format).toBe('domsec-bench/1');
    expect(json.rows).toHaveLength(ENGINE_OPS.length);
    expect(json.machine.cpus).toBeGreaterThan(0);
    expect(json.machine.loadStart).toHaveLength(3);
    const text = formatReport(report);
    expect(text).toMatch(/\| operation +\| size +\| +engine \| +CLI \| openssl \|/);
    expect(text).toMatch(/Machine: .*Node v\d+/);
    expect(lines.join('\n')).toContain(text);
  });
});

describe('bench options', () => {
  it('sizes in decimal units', () => {
    expect(parseSize('1KB')).toBe(1_000);
    expect(parseSize('100MB')).toBe(100_000_000);
    expect(parseSize('512')).toBe(512);
    expect(() => parseSize('ten')).toThrow(/bad size/);
  });

  it('the default run covers 1 KB to 100 MB and both suite policies', () => {
    const o = optionsFromArgv([]);
    if (o === 'help') throw new Error('unexpected help');
    expect(o.sizes).toEqual([1_000, 1_000_000, 10_000_000, 100_000_000]);
    expect(o.iterations).toBeUndefined();
    expect(o.suite).toEqual({ policies: ['noEncrypt', 'encrypt'] });
    expect(() => optionsFromArgv(['--ops', 'sign,frobnicate'])).toThrow(/unknown op "frobnicate"/);
  });
});
