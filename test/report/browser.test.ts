/**
 * The HTML report in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
 * .ci/install-chromium.sh; never a browser download), driven by playwright-core. A live run with failures
 * is rendered and opened: no console errors and no network requests, the summary counts match
 * results.json, a failing case draws its signers and recipients inside their layers and lists its layers
 * in detail, filtering by verdict works (and a link to a filtered-out case brings it back), it is
 * readable without script, at phone width and in print; a report full of hostile strings runs nothing.
 *
 * Artifacts (kept after the run, git-ignored): reports/out/test-artifacts/browser/ holds results.json,
 * junit.xml, report.html, hostile.html, screenshots (*.png) and report.pdf (the print rendering).
 *
 * If Chromium is missing this file FAILS (it never skips): install it with .ci/install-chromium.sh, or
 * point DOMSEC_CHROMIUM at another Chromium binary.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { writeResults } from '../../src/harness/results.js';
import { renderReport } from '../../src/report/html.js';
import type { CaseVerdict } from '../../src/harness/model.js';
import { sampleRun } from './sample-run.js';
import { sample } from './fixture.js';
import { hostilizeText, PAYLOADS } from './hostile.js';
import { ROOT } from './cli.js';

const CHROMIUM = process.env.DOMSEC_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'reports', 'out', 'test-artifacts', 'browser');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const profiles: string[] = [];
const contexts: BrowserContext[] = [];

/** A fresh Chromium with a new, empty user-data-dir. */
async function browser(options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'domsec-chromium-'));
  profiles.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: options.viewport ?? { width: 1280, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  contexts.push(ctx);
  return ctx;
}

interface Watched {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(ctx: BrowserContext, file: string): Promise<Watched> {
  const page = await ctx.newPage();
  const w: Watched = { page, errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') w.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return w;
}

const visibleCases = (page: Page) => page.locator('#cases article.case:visible');
const visibleRows = (page: Page) => page.locator('#cases tr.case-row:visible');

let results: { counts: Record<CaseVerdict, number>; cases: Array<{ id: string; verdict: CaseVerdict }> };
let reportFile: string;
let hostileFile: string;
let ctx: BrowserContext;

/** Without Chromium every test of this file fails with this (none is skipped). */
const MISSING = existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM}: the browser test needs Debian's chromium package (run .ci/install-chromium.sh, or set DOMSEC_CHROMIUM)`;
function needChromium(): void {
  if (MISSING) throw new Error(MISSING);
}

beforeAll(async () => {
  if (MISSING) return;
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  // A live run with failures, written the way `domsec run` writes it.
  const run = await sampleRun({ name: 'scripted-gateway (browser test)' });
  const files = writeResults(ARTIFACTS, run);
  results = JSON.parse(readFileSync(files.json, 'utf8'));
  reportFile = join(ARTIFACTS, 'report.html');
  writeFileSync(reportFile, renderReport(run));
  hostileFile = join(ARTIFACTS, 'hostile.html');
  writeFileSync(hostileFile, renderReport(hostilizeText(sample())));
  ctx = await browser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  for (const d of profiles) rmSync(d, { recursive: true, force: true });
});

describe('the HTML report in Chromium', () => {
  beforeEach(needChromium);

  it('the run has failures and every verdict (else this test proves little)', () => {
    for (const v of ['PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP'] as const) expect(results.counts[v], v).toBeGreaterThan(0);
  });

  it('opens with no console errors and no network request; the summary counts match results.json', async () => {
    const w = await open(ctx, reportFile);
    const { page } = w;
    expect(await page.title()).toBe('DOMSEC conformance report: scripted-gateway (browser test)');
    expect(await page.locator('[data-count="TOTAL"]').textContent()).toBe(String(results.cases.length));
    for (const [v, n] of Object.entries(results.counts)) {
      expect(await page.locator(`[data-count="${v}"]`).textContent(), v).toBe(String(n));
      expect(await page.locator(`#filters button[data-filter="${v}"] .count`).textContent(), v).toBe(String(n));
    }
    expect(await page.locator('[data-overall]').textContent()).toBe('NOT CONFORMANT');
    expect(await page.locator('tr[data-role-row]').count()).toBe(4);
    expect(await visibleCases(page).count()).toBe(results.cases.length);
    expect(await page.locator('#filters').isVisible()).toBe(true); // the script ran (the CSP allowed it)
    expect(await page.locator('svg.layers').count()).toBeGreaterThan(results.cases.length);
    await page.screenshot({ path: join(ARTIFACTS, 'report-summary.png') });
    const failed = page.locator('article.case[data-verdict="FAIL"]').first();
    await failed.scrollIntoViewIfNeeded();
    await failed.screenshot({ path: join(ARTIFACTS, 'report-failed-case.png') });
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([pathToFileURL(reportFile).href]);
    expect(w.dialogs).toEqual([]);
    await page.close();
  });

  it('a failing case draws its signers and recipients inside their layers, and shows every layer in detail', async () => {
    const w = await open(ctx, reportFile);
    const { page } = w;
    // The sample gateway delivers a case (d) message still encrypted (test/report/sample-run.ts).
    const i = results.cases.findIndex((c) => c.id === 'domsec::verifier::case-d-decrypt-then-verify');
    expect(results.cases[i]!.verdict).toBe('FAIL');
    const article = page.locator(`#case-${i + 1}`);
    // The drawn text of each line: its text nodes, not its <title> tooltip.
    type Node = { nodeType: number; textContent: string | null };
    const lines = await article.locator('svg.layers text.line').evaluateAll((els) => els.map((e) => Array.from((e as unknown as { childNodes: ArrayLike<Node> }).childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')));
    expect(lines).toContain('→ example.org DCA encryption (RSA) (opened)');
    expect(lines).toContain('✓ example.test domain signer (RSA) · domainSig');
    expect(lines).toContain('✓ alice@example.test');
    // Verified signers are drawn in the report's PASS colour (--pass, #1a7f37).
    const fill = await article.locator('svg.layers text.line-ok').first().evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { fill: string } }).getComputedStyle(e).fill);
    expect(fill).toBe('rgb(26, 127, 55)');
    expect(await article.locator('.message-details').count()).toBe(2);
    expect(await article.locator('.message-details dt', { hasText: 'OriginatorInfo certificates (N13)' }).count()).toBe(2);
    await article.locator('.details').scrollIntoViewIfNeeded();
    await article.screenshot({ path: join(ARTIFACTS, 'report-failed-case-layers.png') });
    // Every line of every drawing lies inside the box of its layer, as the browser lays the text out.
    const outside = await page.evaluate(() => {
      type Box = { x: number; y: number; width: number; height: number };
      type El = { getBBox(): Box; textContent: string | null; querySelector(s: string): El; querySelectorAll(s: string): ArrayLike<El> };
      const doc = (globalThis as unknown as { document: El }).document;
      const bad: string[] = [];
      for (const g of Array.from(doc.querySelectorAll('svg.layers g'))) {
        const r = g.querySelector(':scope > rect').getBBox();
        for (const t of Array.from(g.querySelectorAll(':scope > text'))) {
          const b = t.getBBox();
          if (b.x < r.x || b.x + b.width > r.x + r.width || b.y < r.y || b.y + b.height > r.y + r.height) bad.push(t.textContent ?? '');
        }
      }
      return bad;
    });
    expect(outside).toEqual([]);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('filters cases by verdict', async () => {
    const w = await open(ctx, reportFile);
    const { page } = w;
    for (const v of ['FAIL', 'PASS', 'WARN', 'ERROR', 'SKIP'] as const) {
      await page.click(`#filters button[data-filter="${v}"]`);
      expect(await visibleCases(page).count(), v).toBe(results.counts[v]);
      expect(await visibleRows(page).count(), v).toBe(results.counts[v]);
      const shown = await visibleCases(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
      expect(new Set(shown), v).toEqual(new Set([v]));
      expect(await page.locator(`#filters button[data-filter="${v}"]`).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('#showing').textContent()).toBe(`showing ${results.counts[v]} of ${results.cases.length} cases`);
    }
    await page.click('#filters button[data-filter="FAIL"]');
    await page.screenshot({ path: join(ARTIFACTS, 'report-filtered-fail.png') });
    await page.click('#filters button[data-filter="ALL"]');
    expect(await visibleCases(page).count()).toBe(results.cases.length);

    // A link from the requirement matrix to a case the filter hides shows every case again.
    await page.click('#filters button[data-filter="FAIL"]');
    const passId = results.cases.findIndex((c) => c.verdict === 'PASS');
    await page.locator(`#requirements a.chip[href="#case-${passId + 1}"]`).first().click();
    await expect.poll(() => page.locator(`#case-${passId + 1}`).isVisible()).toBe(true);
    expect(await visibleCases(page).count()).toBe(results.cases.length);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('fits a phone-width window', async () => {
    const phone = await browser({ viewport: { width: 390, height: 844 } });
    const w = await open(phone, reportFile);
    const overflow = await w.page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await w.page.screenshot({ path: join(ARTIFACTS, 'report-phone.png') });
    const failed = w.page.locator('article.case[data-verdict="FAIL"]').first();
    await failed.scrollIntoViewIfNeeded();
    await w.page.screenshot({ path: join(ARTIFACTS, 'report-phone-case.png') });
    expect(w.errors).toEqual([]);
  });

  it('prints every case, without the filter controls', async () => {
    const w = await open(ctx, reportFile);
    const { page } = w;
    await page.click('#filters button[data-filter="ERROR"]'); // a filter left on must not hide cases on paper
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await visibleCases(page).count()).toBe(results.cases.length);
    const pdf = join(ARTIFACTS, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    expect(statSync(pdf).size).toBeGreaterThan(50_000);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('is complete without script', async () => {
    const noScript = await browser({ javaScriptEnabled: false });
    const w = await open(noScript, reportFile);
    expect(await w.page.locator('#filters').isVisible()).toBe(false);
    expect(await visibleCases(w.page).count()).toBe(results.cases.length);
    expect(await w.page.locator('[data-count="FAIL"]').textContent()).toBe(String(results.counts.FAIL));
    expect(await w.page.locator('tr[data-requirement]:visible').count()).toBeGreaterThan(40);
    expect(w.errors).toEqual([]);
  });

  it('a report full of hostile strings runs nothing and shows them as text', async () => {
    const w = await open(ctx, hostileFile);
    const { page } = w;
    await page.mouse.move(200, 200);
    await page.locator('body').hover();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([pathToFileURL(hostileFile).href]);
    const text = await page.locator('body').innerText();
    for (const p of PAYLOADS.slice(0, 5)) expect(text.includes(p), p).toBe(true);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'hostile.png') });
    await page.close();
  });
});
