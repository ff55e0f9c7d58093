/**
 * Everything a gateway or a results file controls is printed as text: hostile strings go through the
 * whole report (in memory, from a live run whose gateway answers with markup, and in the names of a
 * certificate the gateway uses, through grading into the layer drawing and details) and come out escaped;
 * the only script is the report's own, and nothing can load from the network. Terminal output is
 * stripped of control sequences. (The browser test opens a hostile report too and checks nothing ran.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Handlebars from 'handlebars';
import { CaptureSink } from '../../src/smtp/sink.js';
import { runSuite } from '../../src/harness/run.js';
import { renderReport } from '../../src/report/html.js';
import { compareResults } from '../../src/report/compare.js';
import { checkAgainstBaseline, parseBaseline } from '../../src/report/baseline.js';
import { formatBaselineCheck, formatComparison, progressBar, progressLine, printable } from '../../src/report/text.js';
import { domainSignerCases } from '../../suites/domain-signer.js';
import { sample } from './fixture.js';
import { hostileCertificate, hostilize, hostilizeText, PAYLOADS } from './hostile.js';
import { grade } from '../../src/harness/grade.js';
import { signedLayer, envelopeLayer } from '../../src/message/build.js';
import { validateResults } from '../../src/report/results-file.js';
import { RESULTS_FORMAT } from '../../src/harness/results.js';
import { inboundVerifierCases } from '../../suites/inbound.js';
import type { CapturedMessage } from '../../src/smtp/sink.js';
import { testPki } from '../helpers/pki.js';
import { fixture, VALIDATION_TIME } from '../helpers/messages.js';
import { sampleSetup, type SampleSetup } from './sample-run.js';

/** Payloads that HTML escaping must change (all but the terminal one, which has no markup characters). */
const MARKUP = PAYLOADS.filter((p) => /[<>&"'`=]/.test(p));

function expectInert(html: string): void {
  expect((html.match(/<script\b/gi) ?? []).length, 'one script: the report\'s own').toBe(1);
  expect((html.match(/<\/style>/gi) ?? []).length).toBe(1);
  expect((html.match(/<\/title>/gi) ?? []).length).toBe((html.match(/<title\b/gi) ?? []).length);
  expect(html).not.toMatch(/<img\b|<iframe\b|<object\b|<embed\b|<link\b|<base\b|<form\b/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no event handler attribute anywhere
  expect(html).not.toMatch(/(href|src|action)\s*=\s*["']?\s*javascript:/i);
  expect(html).not.toMatch(/__pwned=\d/); // "=" is escaped wherever a payload lands
}

describe('hostile strings are escaped in the HTML report', () => {
  it('in every string field of the results', () => {
    const html = renderReport(hostilize(sample()));
    expectInert(html);
    for (const p of MARKUP) {
      expect(html.includes(p), `raw ${JSON.stringify(p)}`).toBe(false);
      expect(html.includes(Handlebars.escapeExpression(p)), `escaped ${JSON.stringify(p)}`).toBe(true);
    }
  });

  it('in free text of results that still pass the schema, against a baseline with hostile reasons', () => {
    const r = hostilizeText(sample());
    const b = parseBaseline({ format: 'domsec-expected/1', cases: Object.fromEntries(r.cases.slice(0, 9).map((c, i) => [c.id, { verdict: 'FAIL', why: PAYLOADS[i]! }])) }, `<b>${PAYLOADS[0]}</b>`);
    const html = renderReport(r, { baseline: checkAgainstBaseline(r, b) });
    expectInert(html);
    for (const p of MARKUP) expect(html.includes(p), p).toBe(false);
  });

  it('hostile text that keeps the schema\'s enumerations is still valid results', () => {
    const r = hostilizeText(sample());
    expect(() => validateResults({ format: RESULTS_FORMAT, ...r }, 'hostile.json')).not.toThrow();
    // Hostile text reached the layer details too.
    expect(r.cases.some((c) => c.evidence.sentLayers?.layers.some((l) => l.signers?.some((s) => s.name.includes('<'))))).toBe(true);
  });

  it('in certificate names a gateway chooses: the layer drawing and the layer details of a graded case', async () => {
    const pki = await testPki();
    const hostile = await hostileCertificate();
    // Signed with the hostile certificate, encrypted for it (so the suite opens it and names the recipient), with it in originatorInfo.
    const signed = signedLayer(fixture('messages/plain-content.txt'), { signers: [hostile], signingTime: VALIDATION_TIME });
    const message = envelopeLayer(signed, { recipients: [{ certDer: hostile.certDer }], originatorCertificates: [hostile.certDer], headers: [['From', 'alice@example.test']] });
    const decl = inboundVerifierCases[0]!;
    const captured = { mailFrom: 'alice@example.test', rcptTo: ['case-1.x@example.org'], raw: message, receivedAt: 0, remoteAddress: '127.0.0.1' } as CapturedMessage;
    const graded = grade(decl, message, { accepted: true, response: '250 ok', attempts: 1, transcript: [] }, [captured], {
      local: 'example.org', policy: 'noEncrypt', trustAnchors: [pki.ca.certDer], validationTime: VALIDATION_TIME, keys: [hostile], flag: { method: 'authentication-results' },
    });
    const names = graded.evidence.sentLayers!.layers;
    expect(names[0]!.recipients![0]!.certificates[0]!.cn).toBe(`CN ${PAYLOADS[0]}`);
    expect(names[1]!.signers![0]!.certificate!.sanUris).toEqual([`submit://${PAYLOADS[4]}`]);
    const r = sample();
    const c = r.cases.find((x) => x.id === 'domsec::section5::example-2')!;
    c.evidence = { ...c.evidence, sentLayers: graded.evidence.sentLayers!, received: graded.evidence.received!, foundShape: graded.evidence.received![0]!.shape };
    c.evidence.sent!.shape = graded.evidence.received![0]!.shape;
    const html = renderReport(r);
    expectInert(html);
    const at = html.indexOf(`id="case-${r.cases.indexOf(c) + 1}"`);
    const article = html.slice(at, html.indexOf('</article>', at));
    // Each hostile name reached the case (drawing or details), escaped, and nowhere raw.
    for (const p of hostile.payloads) {
      expect(html.includes(p), `raw ${p}`).toBe(false);
      expect(article.includes(Handlebars.escapeExpression(p)), `escaped ${p}`).toBe(true);
    }
    expect(article).toContain(`→ CN ${Handlebars.escapeExpression(PAYLOADS[0])} (opened)`);
  });

  it('the Content-Security-Policy allows no network and only the report\'s own script', () => {
    const html = renderReport(sample());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=');
    expect(csp).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; base-uri 'none'; form-action 'none'$/);
    // Self-contained: no external resource of any kind (the only URLs are links to the draft).
    expect(html).not.toMatch(/\bsrc\s*=|url\(|@import/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    for (const h of hrefs) expect(h, h).toMatch(/^(#[A-Za-z0-9._-]+|https:\/\/datatracker\.ietf\.org\/doc\/html\/draft-melnikov-smime-msa-to-mda-02(#section-[0-9.]+)?)$/);
  });
});

describe('a live run whose gateway answers with markup', () => {
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

  it('its replies are evidence, escaped in the report', async () => {
    const cases = domainSignerCases;
    const reply = `5.7.1 ${PAYLOADS[0]} ${PAYLOADS[1]} ${PAYLOADS[3]}`;
    const gw = await setup.gateway(sink.port, cases, {
      'domsec::signer::refuse-invalid-signature': { kind: 'reject', code: 554, text: reply },
      'domsec::signer::originator-signed': { kind: 'reject', code: 550, text: `${PAYLOADS[4]} ${PAYLOADS[2]}` },
    });
    try {
      const r = await runSuite({ profile: setup.profile(sink.port, gw.port, `gw ${PAYLOADS[1]}`), cases, suiteVersion: 'test', sink });
      const refused = r.cases.find((c) => c.id === 'domsec::signer::refuse-invalid-signature')!;
      expect(refused.evidence.smtp?.response).toContain('<script>window.__pwned=1</script>');
      const failed = r.cases.find((c) => c.id === 'domsec::signer::originator-signed')!;
      expect(failed.verdict).toBe('FAIL');
      expect(failed.reason).toContain('<svg onload=');
      const html = renderReport(r);
      expectInert(html);
      expect(html).toContain(Handlebars.escapeExpression(PAYLOADS[0]));
      expect(html).toContain(`DOMSEC conformance report: gw ${Handlebars.escapeExpression(PAYLOADS[1])}`);
    } finally {
      await gw.close();
    }
  });
});

describe('terminal output carries no control sequences', () => {
  const esc = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
  it('printable', () => {
    expect(printable('a\u001b[2Jb\u0007c\u009b31m\r\nd\te')).toBe('a?[2Jb?c?31m ⏎ d e');
  });
  it('comparison, baseline check and progress', () => {
    const r = sample();
    const h = hostilize(sample());
    h.cases.forEach((c, i) => (c.verdict = r.cases[i]!.verdict === 'PASS' ? 'FAIL' : 'PASS'));
    const text = formatComparison(compareResults(r, h)) + formatComparison(compareResults(h, r));
    expect(text).toContain('owned');
    expect(text).not.toMatch(esc);
    const b = checkAgainstBaseline(h, parseBaseline({ format: 'domsec-expected/1', cases: { [`x${PAYLOADS[8]}`]: { verdict: 'FAIL', why: PAYLOADS[8] } } }, `f${PAYLOADS[8]}`));
    expect(formatBaselineCheck(b)).not.toMatch(esc);
    const state = { done: 1, total: 2, counts: { PASS: 1, FAIL: 0, WARN: 0, 'NOT TESTED': 0, SKIP: 0, ERROR: 0 } };
    expect(progressBar(state, `id${PAYLOADS[8]}`, 120)).not.toMatch(esc);
    expect(progressLine(state, 'FAIL', `id${PAYLOADS[8]}`, `why${PAYLOADS[8]}`)).not.toMatch(esc);
  });
});
