/**
 * Rendering: the templates hold no logic (checked on their syntax tree: only #if / #each over plain
 * fields, no helpers, no sub-expressions, raw output only for the report's own CSS and script), a view
 * model that lacks a field the templates name is an error rather than a blank, and the rendered report
 * carries the summary, the matrix and every case.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { renderReport, renderView, TEMPLATE_DIR } from '../../src/report/html.js';
import { buildReportView } from '../../src/report/view-model.js';
import { loadCatalogue } from '../../src/report/catalogue.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SAMPLE_FILE, sample } from './fixture.js';
import { domsec } from './cli.js';

type Node = { type: string; [k: string]: unknown };

function templates(): Array<[string, string]> {
  const partials = readdirSync(join(TEMPLATE_DIR, 'partials')).map((f) => [`partials/${f}`, readFileSync(join(TEMPLATE_DIR, 'partials', f), 'utf8')] as [string, string]);
  return [['report.hbs', readFileSync(join(TEMPLATE_DIR, 'report.hbs'), 'utf8')], ...partials];
}

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  if (typeof n.type === 'string') visit(n);
  for (const [k, v] of Object.entries(n)) if (k !== 'loc') walk(v, visit);
}

describe('templates hold no logic', () => {
  it.each(templates())('%s', (_name, source) => {
    const problems: string[] = [];
    walk(Handlebars.parse(source), (n) => {
      const path = n.path as { original?: unknown; type?: string } | undefined;
      const params = (n.params as unknown[] | undefined) ?? [];
      if (n.type === 'BlockStatement') {
        if (!['if', 'each'].includes(String(path?.original))) problems.push(`block helper ${String(path?.original)}`);
        if (params.length !== 1 || (params[0] as Node).type !== 'PathExpression') problems.push(`#${String(path?.original)} on something other than one field`);
      }
      if (n.type === 'MustacheStatement') {
        if (params.length || n.hash) problems.push(`helper call {{${String(path?.original)} ...}}`);
        if (n.escaped === false && !['asset.css', 'asset.script'].includes(String(path?.original))) problems.push(`unescaped {{{${String(path?.original)}}}}`);
      }
      if (n.type === 'SubExpression') problems.push('sub-expression');
      if (n.type === 'PartialStatement' && (n.name as Node).type !== 'PathExpression') problems.push('dynamic partial');
      if (n.type === 'DecoratorBlock' || n.type === 'Decorator' || n.type === 'PartialBlockStatement') problems.push(n.type);
    });
    expect(problems).toEqual([]);
  });
});

describe('rendering', () => {
  const catalogue = loadCatalogue();

  it('a view model missing a field the templates use is an error, not a blank', () => {
    const view = buildReportView(sample(), { catalogue });
    expect(() => renderView(view)).not.toThrow();
    const broken = { ...view, cases: view.cases.map((c) => ({ ...c, reason: undefined })) } as unknown as typeof view;
    delete (broken.cases[0] as Partial<(typeof view.cases)[number]>).reason;
    expect(() => renderView(broken)).toThrow(/"reason" not defined/);
  });

  it('shows the summary, every requirement and every case', () => {
    const r = sample();
    const html = renderReport(r, { generatedAt: '2026-03-02T00:00:00Z' });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).not.toMatch(/undefined|\[object Object\]/);
    expect(html).toContain('Report generated 2026-03-02T00:00:00Z');
    for (const [v, n] of Object.entries(r.counts)) expect(html).toContain(`data-count="${v}">${n}</span>`);
    expect(html).toContain(`data-count="TOTAL">${r.cases.length}</span>`);
    for (const req of catalogue.requirements) expect(html).toContain(`id="req-${req.id}"`);
    r.cases.forEach((c, i) => expect(html).toContain(`<article class="case ${({ PASS: 'v-pass', FAIL: 'v-fail', WARN: 'v-warn', ERROR: 'v-error', 'NOT TESTED': 'v-none', SKIP: 'v-skip' } as const)[c.verdict]}" id="case-${i + 1}" data-verdict="${c.verdict}">`));
    expect((html.match(/<svg class="layers"/g) ?? []).length).toBeGreaterThan(r.cases.length);
    expect(html).toContain('<blockquote>Implementations MAY choose to supplement this convention');
    expect(html).toContain('Untestable over SMTP: A locally defined convention is private to the two domains');
  });
});

describe('layers in the report', () => {
  it('the drawing names signers and recipients, and every message is shown in detail', () => {
    const r = sample();
    const html = renderReport(r, { generatedAt: '2026-03-02T00:00:00Z' });
    const i = r.cases.findIndex((c) => c.id === 'domsec::verifier::case-d-decrypt-then-verify');
    const article = html.slice(html.indexOf(`id="case-${i + 1}"`), html.indexOf(`id="case-${i + 2}"`));
    expect(article).toMatch(/<text class="line line-plain" x="\d+" y="\d+"><title>RecipientInfo \(ktri\) for example\.org DCA encryption \(RSA\), [^<]*<\/title>→ example\.org DCA encryption \(RSA\) \(opened\)<\/text>/);
    expect(article).toMatch(/<text class="line line-ok" x="\d+" y="\d+"><title>signer example\.test domain signer \(RSA\) \([^)]*\), SignatureType domainSig: verifies<\/title>✓ example\.test domain signer \(RSA\) · domainSig<\/text>/);
    expect(article).toContain('<h4>Layers in detail (ASN.1)</h4>');
    expect(article).toContain('<dt>SignatureType</dt><dd class="">id-sti-domainSig (1.2.840.113549.1.9.16.9.2)</dd>');
    expect(article).toContain('<dt>OriginatorInfo certificates (N13)</dt>');
    expect(article).toContain('<p class="group-heading">RecipientInfo 1 (ktri): example.org DCA encryption (RSA)</p>');
  });

  it('a client case shows the commands it ran', () => {
    const r = sample();
    const c = r.cases[0]!;
    c.role = 'client';
    c.evidence = { command: [{ step: 'sign as alice', argv: ['acme', '--sign', 'a b'], exitCode: 2, timedOut: false, stdoutTail: '', stderrTail: 'no key', durationMs: 40 }] };
    const html = renderReport(r);
    expect(html).toContain('<h4>Commands run</h4>');
    expect(html).toContain('<span class="badge v-warn">exit status 2</span> sign as alice');
    expect(html).toContain("<pre class=\"argv\">acme --sign &#x27;a b&#x27;</pre>");
    expect(html).toContain('<pre>no key</pre>');
    expect(html).toContain('<tr data-role-row><th scope="row">client</th>');
  });
});

describe('domsec report RESULTS.json --html OUT', () => {
  it('renders a results file, with a baseline; refuses what is not results (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'domsec-render-'));
    try {
      writeFileSync(join(dir, 'expected.json'), JSON.stringify({ format: 'domsec-expected/1', cases: { 'domsec::section5::example-2': 'FAIL' } }));
      const r = await domsec(['report', SAMPLE_FILE, '--html', join(dir, 'r.html'), '--expect', join(dir, 'expected.json')]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`report: ${join(dir, 'r.html')}\n`);
      const html = readFileSync(join(dir, 'r.html'), 'utf8');
      expect(html).toContain('DEVIATES FROM THE BASELINE');
      expect(html).toContain('Accepted in the baseline as FAIL');
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ format: 'other/1' }));
      const bad = await domsec(['report', join(dir, 'other.json'), '--html', join(dir, 'x.html')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^domsec report: BAD_ARGUMENT: .*other\.json: not domsec-results\/1 results \(format "other\/1"\)\n$/);
      // An existing output is refused without --force, before any work; the results file itself never.
      const again = await domsec(['report', SAMPLE_FILE, '--html', join(dir, 'r.html')]);
      expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/^domsec report: OUTPUT_EXISTS: --html .*r\.html exists; give --force/)]);
      expect((await domsec(['report', SAMPLE_FILE, '--html', join(dir, 'r.html'), '--force'])).code).toBe(0);
      const self = await domsec(['report', join(dir, 'expected.json'), '--write-expect', join(dir, 'expected.json'), '--force']);
      expect([self.code, self.stderr]).toEqual([2, expect.stringMatching(/OUTPUT_IS_INPUT/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
