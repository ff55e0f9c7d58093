/**
 * The report's view model, tested apart from rendering: summary counts, a verdict per role, coverage per
 * level from the catalogue, the requirement matrix (which cases test what, and what each shows for it;
 * untestable requirements say why) and per case the evidence the templates print.
 */
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../src/harness/model.js';
import type { RunResults } from '../../src/harness/run.js';
import { buildReportView, layerLines, roleVerdict, shellQuote, verdictFor } from '../../src/report/view-model.js';
import { validateResults } from '../../src/report/results-file.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCatalogue, type Catalogue } from '../../src/report/catalogue.js';
import { checkAgainstBaseline, parseBaseline } from '../../src/report/baseline.js';
import { sample } from './fixture.js';

const catalogue = loadCatalogue();
const view = (r: RunResults = sample(), extra = {}) => buildReportView(r, { catalogue, generatedAt: '2026-03-02T00:00:00Z', ...extra });

function caseOf(over: Partial<CaseResult>): CaseResult {
  return { id: 'x::1', suite: 's', role: 'domain-signer', title: 't', requirements: [], strength: 'MUST', verdict: 'PASS', reason: '', checks: [], evidence: {}, durationMs: 5, ...over };
}
function runOf(cases: CaseResult[]): RunResults {
  const r = sample();
  r.cases = cases;
  r.counts = { PASS: 0, FAIL: 0, WARN: 0, 'NOT TESTED': 0, SKIP: 0, ERROR: 0 };
  for (const c of cases) r.counts[c.verdict]++;
  return r;
}

describe('summary', () => {
  it('counts every verdict, as results.json does, in a fixed order', () => {
    const r = sample();
    const v = view(r);
    expect(v.total).toBe(r.cases.length);
    expect(v.counts.map((c) => c.verdict)).toEqual(['PASS', 'FAIL', 'WARN', 'ERROR', 'NOT TESTED', 'SKIP']);
    for (const c of v.counts) expect(c.count, c.verdict).toBe(r.counts[c.verdict as keyof typeof r.counts]);
    // The sample run has every verdict but NOT TESTED (no case of the suite is unobservable as a whole under its
    // profile), so every other filter has something to show.
    for (const f of v.filters) if (f.verdict !== 'NOT TESTED') expect(f.count, f.verdict).toBeGreaterThan(0);
  });

  it('gives the run a verdict matching its exit status', () => {
    const v = view();
    expect(v.overall).toEqual({ label: 'NOT CONFORMANT', cls: 'v-fail' });
    expect(v.overallExplanation).toMatch(/exit status 1$/);
    const passing = view(runOf([caseOf({ verdict: 'PASS' }), caseOf({ id: 'x::2', verdict: 'SKIP' })]));
    expect(passing.overall.label).toBe('CONFORMANT');
    expect(passing.overallExplanation).toMatch(/exit status 0$/);
    expect(view(runOf([caseOf({ verdict: 'WARN' })])).overall.label).toBe('CONFORMANT WITH WARNINGS');
    // An ERROR or a NOT TESTED case: the run could not see everything (issue 13).
    expect(view(runOf([caseOf({ verdict: 'ERROR' })])).overall.label).toBe('INCOMPLETE');
    expect(view(runOf([caseOf({ verdict: 'NOT TESTED' })])).overall).toEqual({ label: 'INCOMPLETE', cls: 'v-error' });
    expect(view(runOf([caseOf({ verdict: 'NOT TESTED' })])).overallExplanation).toMatch(/exit status 4$/);
    expect(view(runOf([caseOf({ verdict: 'PASS' }), caseOf({ id: 'x::2', verdict: 'SKIP', skipKind: 'prerequisite' })])).overall.label).toBe('INCOMPLETE');
    expect(view(runOf([caseOf({ verdict: 'SKIP' })])).overall.label).toBe('INCOMPLETE');
  });

  it('gives each role a conformance verdict', () => {
    const v = view();
    const role = (r: string) => v.roles.find((x) => x.role === r)!;
    expect(v.roles.map((r) => r.role)).toEqual(['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier']);
    expect(role('domain-signer').verdict.label).toBe('NOT CONFORMANT');
    expect(role('inbound-dca').verdict.label).toBe('NOT TESTED');
    expect(role('inbound-dca').explanation).toMatch(/skipped/);
    expect(role('inbound-verifier').counts).toMatch(/PASS.*FAIL.*WARN/);
  });

  it('lists the client role only when the run has client cases', () => {
    const v = view(runOf([caseOf({ verdict: 'PASS' }), caseOf({ id: 'c::1', role: 'client', verdict: 'FAIL' })]));
    expect(v.roles.map((r) => r.role)).toEqual(['domain-signer', 'outbound-dca', 'inbound-dca', 'inbound-verifier', 'client']);
    expect(v.roles.at(-1)!.verdict.label).toBe('NOT CONFORMANT');
    // A run through the command adapter tested no gateway: only the client role.
    expect(view(runOf([caseOf({ id: 'c::1', role: 'client' })])).roles.map((r) => r.role)).toEqual(['client']);
  });

  it('role verdicts: FAIL beats ERROR beats WARN; all skipped is not tested', () => {
    const of = (...v: CaseResult['verdict'][]) => roleVerdict(v.map((verdict, i) => caseOf({ id: `c${i}`, verdict }))).verdict.label;
    expect(of('PASS', 'ERROR', 'FAIL', 'WARN')).toBe('NOT CONFORMANT');
    expect(of('PASS', 'ERROR', 'WARN')).toBe('INCONCLUSIVE');
    expect(of('PASS', 'WARN', 'SKIP')).toBe('CONFORMANT WITH WARNINGS');
    expect(of('PASS', 'SKIP')).toBe('CONFORMANT');
    expect(of('SKIP', 'SKIP')).toBe('NOT TESTED');
    expect(of()).toBe('NOT TESTED');
  });

  it('coverage per level adds up to the catalogue', () => {
    const v = view();
    expect(v.coverage.map((c) => c.level)).toEqual(['MUST', 'SHOULD', 'MAY', 'Section 5']);
    const levels = (...l: string[]) => catalogue.requirements.filter((r) => l.includes(r.level));
    expect(v.coverage[0]!.total).toBe(levels('MUST', 'MUST NOT').length);
    expect(v.coverage[1]!.total).toBe(levels('SHOULD', 'SHOULD NOT').length);
    expect(v.coverage[2]!.total).toBe(levels('MAY').length);
    expect(v.coverage[3]!.total).toBe(levels('RULE', 'EXAMPLE').length);
    for (const c of v.coverage) {
      expect(c.passed + c.warned + c.failed + c.errored + c.notRun + c.untestable, c.level).toBe(c.total);
      expect(c.testable).toBe(c.total - c.untestable);
      const width = c.bar.reduce((w, s) => w + s.w, 0);
      expect(Math.abs(width - (c.total ? 300 : 0)), c.level).toBeLessThan(1);
    }
    const must = v.coverage[0]!;
    expect(must.untestable).toBe(levels('MUST', 'MUST NOT').filter((r) => r.untestable).length);
    expect(must.failed).toBeGreaterThan(0);
    expect(must.passed).toBeGreaterThan(0);
    expect(must.summary).toMatch(new RegExp(`^${must.passed} of ${must.testable} testable requirements passed`));
  });
});

describe('requirement matrix', () => {
  it('lists every catalogue requirement in order, with section links', () => {
    const v = view();
    expect(v.requirements.map((r) => r.id)).toEqual(catalogue.requirements.map((r) => r.id));
    const r = v.requirements.find((x) => x.id === 'DOMSEC-3.1-GENERATE-SIGNATURE-TYPE')!;
    expect(r.sectionUrl).toBe('https://datatracker.ietf.org/doc/html/draft-melnikov-smime-msa-to-mda-02#section-3.1');
    expect(r.text).toMatch(/MUST support the signature type attribute/);
    expect(r.levelCls).toBe('l-must');
  });

  it('says why an untestable requirement has no cases', () => {
    const v = view();
    const untestable = catalogue.requirements.filter((r) => r.untestable);
    expect(untestable.length).toBeGreaterThan(0);
    for (const u of untestable) {
      const row = v.requirements.find((x) => x.id === u.id)!;
      expect(row.status.label).toBe('UNTESTABLE');
      expect(row.noCases).toBe(`Untestable over SMTP: ${u.untestable}`);
    }
  });

  it('links each requirement to the cases that test it, with what each showed for it', () => {
    const r = sample();
    const v = view(r);
    const row = v.requirements.find((x) => x.id === 'DOMSEC-5.1-EXAMPLE-2')!;
    expect(row.cases).toEqual([{ id: 'domsec::section5::example-2', anchor: `case-${r.cases.findIndex((c) => c.id === 'domsec::section5::example-2') + 1}`, label: 'FAIL', cls: 'v-fail', note: '' }]);
    expect(row.status.label).toBe('FAIL');
    // Every case that declares a catalogue requirement appears in that requirement's row.
    for (const c of r.cases) for (const id of c.requirements) expect(v.requirements.find((x) => x.id === id)?.cases.some((k) => k.id === c.id), `${id} ${c.id}`).toBe(true);
  });

  it('attributes a failed case to the requirement its failing check names', () => {
    const c = caseOf({
      verdict: 'FAIL',
      requirements: ['A', 'B'],
      checks: [
        { requirement: 'A', strength: 'MUST', ok: true, message: 'fine' },
        { requirement: 'C', strength: 'MUST', ok: false, message: 'broken' },
        { requirement: 'D', strength: 'SHOULD', ok: false, message: 'meh' },
      ],
    });
    expect(verdictFor(c, 'A')).toBe('PASS'); // its own checks held
    expect(verdictFor(c, 'B')).toBe('FAIL'); // declared, no check of its own: the case's verdict
    expect(verdictFor(c, 'C')).toBe('FAIL');
    expect(verdictFor(c, 'D')).toBe('WARN');
    expect(verdictFor({ ...c, verdict: 'ERROR' }, 'A')).toBe('ERROR');
    const v = view(runOf([c]));
    expect(v.uncatalogued.map((u) => u.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(v.uncatalogued[0]!.cases[0]!.note).toBe('case verdict FAIL');
    expect(v.uncatalogued[0]!.text).toMatch(/Not in the requirement catalogue/);
  });

  it('a requirement with only skipped cases is not tested', () => {
    const cat: Catalogue = { spec: 'draft-x-00', requirements: [{ id: 'R1', section: '2', level: 'MUST', text: 't', roles: [] }] };
    const v = buildReportView(runOf([caseOf({ verdict: 'SKIP', requirements: ['R1'] })]), { catalogue: cat });
    expect(v.requirements[0]!.status).toEqual({ label: 'NOT TESTED', cls: 'v-skip' });
    expect(v.coverage[0]!.notRun).toBe(1);
  });
});

describe('cases', () => {
  it('a failed shape case: quoted requirement, section link, expected and actual drawn side by side', () => {
    const r = sample();
    const v = view(r);
    const c = v.cases.find((x) => x.id === 'domsec::section5::example-2')!;
    expect(c.badge).toEqual({ label: 'FAIL', cls: 'v-fail' });
    expect(c.verdict).toBe('FAIL');
    const fc = c.failedChecks.find((k) => k.requirement === 'DOMSEC-5.1-EXAMPLE-2')!;
    expect(fc.quote).toBe(catalogue.requirements.find((q) => q.id === 'DOMSEC-5.1-EXAMPLE-2')!.text);
    expect(fc.sectionUrl).toMatch(/#section-5\.1$/);
    expect(fc.hasExpected).toBe(true);
    expect(fc.expected).toMatch(/^S\[domainSig\]/);
    expect(c.shapes.map((s) => s.heading)).toEqual(['Sent', 'Expected output', 'Actual output']);
    const [, expected, actual] = c.shapes;
    expect(expected!.differs).toBe(true); // the missing domain signature
    expect(expected!.svg.boxes[0]!.cls).toContain('diff');
    expect(expected!.svg.boxes.slice(1).some((b) => b.cls.includes('diff'))).toBe(false);
    expect(actual!.differs).toBe(false);
    expect(c.hasSmtp).toBe(true);
    expect(c.transcript).toMatch(/MAIL FROM/);
    expect(c.received).toHaveLength(1);
    expect(c.received[0]!.authenticationResults).toBe('(none)');
  });

  it('evidence of an errored, a skipped and an inbound case', () => {
    const v = view();
    const err = v.cases.find((x) => x.id === 'domsec::section5::example-3')!;
    expect(err.badge.cls).toBe('v-error');
    expect(err.smtp.find((m) => m.label === 'Failure')?.value).toBe('disconnected');
    expect(err.receivedNote).toBe('Nothing was relayed or delivered for this case.');
    const skip = v.cases.find((x) => x.id === 'domsec::inbound-dca::case-b')!;
    expect(skip.hasSmtp).toBe(false);
    expect(skip.hasShapes).toBe(false);
    expect(skip.receivedNote).toBe('');
    // No verdict header for a tampered message: the receiving requirement is 3.2's SHOULD, so WARN (N16).
    const inbound = v.cases.find((x) => x.id === 'domsec::verifier::tampered-content')!;
    expect(inbound.badge.label).toBe('WARN');
    expect(inbound.received[0]!.authenticationResults).toBe('(none)');
    expect(inbound.failedChecks[0]!.strength).toBe('SHOULD');
    expect(inbound.failedChecks[0]!.requirement).toBe('DOMSEC-3.2-USE-DOMAIN-SIGNATURE');
    expect(inbound.shapes.map((s) => s.heading)).toEqual(['Sent', 'Actual output']);
  });

  it('anchors come from positions, never from ids in the file', () => {
    const r = sample();
    r.cases[0]!.id = 'evil" onclick="x';
    r.cases[0]!.requirements = ['R <1>'];
    const v = view(r);
    expect(v.cases[0]!.anchor).toBe('case-1');
    expect(v.cases[0]!.requirements[0]!.anchor).toBe('req-R__1_');
    expect(v.cases.map((c) => c.anchor)).toEqual(r.cases.map((_, i) => `case-${i + 1}`));
  });

  it('an unknown verdict in a hand-edited file gets a neutral class and filters as OTHER', () => {
    const r = sample();
    (r.cases[0] as { verdict: string }).verdict = 'MAYBE';
    const c = view(r).cases[0]!;
    expect(c.badge).toEqual({ label: 'MAYBE', cls: 'v-none' });
    expect(c.verdict).toBe('OTHER');
  });

  it('marks cases against an accepted baseline', () => {
    const r = sample();
    const check = checkAgainstBaseline(r, parseBaseline({ format: 'domsec-expected/1', cases: { 'domsec::section5::example-2': { verdict: 'FAIL', why: 'ticket 12' }, 'domsec::signer::originator-signed': 'FAIL' } }, 'b.json'));
    const v = view(r, { baseline: check });
    expect(v.hasBaseline).toBe(true);
    expect(v.baseline!.verdict.label).toBe('DEVIATES FROM THE BASELINE');
    const ex2 = v.cases.find((c) => c.id === 'domsec::section5::example-2')!;
    expect(ex2.baseline).toBe('Accepted in the baseline as FAIL (ticket 12)');
    const improved = v.cases.find((c) => c.id === 'domsec::signer::originator-signed')!;
    expect(improved.baseline).toMatch(/Better than the baseline/);
    const dev = v.baseline!.groups[0]!;
    expect(dev.items.map((i) => i.id)).toContain('domsec::verifier::naming-lookalike-domain');
    expect(dev.items.every((i) => /^case-\d+$/.test(i.anchor))).toBe(true);
  });
});

describe('layers of each case: drawn with signers and recipients, and in detail', () => {
  const byId = (v: ReturnType<typeof view>, id: string) => v.cases.find((c) => c.id === id)!;
  const texts = (panel: { svg: { boxes: Array<{ lines: Array<{ text: string }> }> } }) => panel.svg.boxes.map((b) => b.lines.map((l) => l.text));

  it('a failing inbound case: the drawing names the recipient DCA and every signer, verified', () => {
    // Sample run: example.org's gateway delivered a case (d) message still encrypted (test/report/sample-run.ts).
    const c = byId(view(), 'domsec::verifier::case-d-decrypt-then-verify');
    expect(c.badge.label).toBe('FAIL');
    const [sent, actual] = c.shapes;
    expect(sent!.heading).toBe('Sent');
    for (const panel of [sent!, actual!]) {
      expect(texts(panel)).toEqual([
        ['→ example.org DCA encryption (RSA) (opened)'],
        ['✓ example.test domain signer (RSA) · domainSig'],
        ['✓ alice@example.test'],
        [],
      ]);
      expect(panel.svg.boxes[1]!.lines[0]!.cls).toBe('line-ok');
    }
  });

  it('a signature that does not verify is marked, with the reason in its tooltip', () => {
    const c = byId(view(), 'domsec::verifier::tampered-content');
    const actual = c.shapes.find((s) => s.heading === 'Actual output')!;
    const line = actual.svg.boxes[0]!.lines[0]!;
    expect(line.text).toBe('✗ example.test domain signer (RSA) · domainSig');
    expect(line.cls).toBe('line-bad');
    expect(line.tooltip).toMatch(/signature does not verify: .*SIG_DIGEST_MISMATCH/);
  });

  it('the expected drawing says who must sign the layer the gateway adds, and keeps the sent signers', () => {
    const c = byId(view(), 'domsec::section5::example-2');
    const expected = c.shapes.find((s) => s.heading === 'Expected output')!;
    expect(texts(expected)[0]).toEqual(['the domain signer of example.org · domainSig']);
    expect(expected.svg.boxes[0]!.tooltip).toMatch(/^SignedData: domain signature\. Added by the gateway: a domain signature/);
    expect(expected.svg.boxes[1]!.tooltip).toMatch(/Kept from the sent message/);
    const sent = c.shapes.find((s) => s.heading === 'Sent')!;
    // Below the added layer, the expected layers are the sent ones: the same signers.
    expect(texts(expected).slice(1).map((l) => l.map((t) => t.replace(/^. /, '')))).toEqual(texts(sent).map((l) => l.map((t) => t.replace(/^. /, ''))));
    expect(texts(sent).flat()).toContain('✓ alice@example.org');
  });

  it('layers in detail: OIDs with names, algorithms, attributes, identifiers, recipients and originatorInfo', () => {
    const c = byId(view(), 'domsec::verifier::case-d-decrypt-then-verify');
    expect(c.hasDetails).toBe(true);
    expect(c.details.map((d) => d.heading)).toEqual(['Sent', 'Came back: message 1']);
    const [env, dom, orig, data] = c.details[0]!.layers;
    const rows = (l: typeof env) => Object.fromEntries(l!.rows.map((r) => [r.label, r.value]));
    expect(env!.heading).toBe('1. EnvelopedData E');
    expect(rows(env)).toMatchObject({ 'Encrypted content type': 'id-data (1.2.840.113549.1.7.1)', 'Content encryption': 'aes256-CBC (2.16.840.1.101.3.4.1.42)', 'Opened by the suite': 'yes' });
    expect(rows(env)['OriginatorInfo certificates (N13)']).toBe('example.test DCA encryption (RSA) [URI:smtp://example.test, DNS:example.test]');
    const ri = env!.groups[0]!;
    expect(ri.heading).toBe('RecipientInfo 1 (ktri): example.org DCA encryption (RSA)');
    expect(Object.fromEntries(ri.rows.map((r) => [r.label, r.value]))).toMatchObject({ 'Key encryption': 'rsaEncryption (1.2.840.113549.1.1.1)', 'Opened with it': 'yes' });
    expect(dom!.heading).toBe('2. SignedData S[domainSig]');
    expect(rows(dom)).toMatchObject({ eContentType: 'id-data (1.2.840.113549.1.7.1)', 'Digest algorithms': 'sha256 (2.16.840.1.101.3.4.2.1)', 'Certificates carried': '1' });
    const signer = Object.fromEntries(dom!.groups[0]!.rows.map((r) => [r.label, r]));
    expect(dom!.groups[0]!.heading).toBe('SignerInfo 1: example.test domain signer (RSA)');
    expect(signer['Verification']).toMatchObject({ value: 'pass: verifies', cls: 'ok' });
    expect(signer['SignatureType']!.value).toBe('id-sti-domainSig (1.2.840.113549.1.9.16.9.2)');
    expect(signer['SubjectAltName']!.value).toMatch(/URI:submit:\/\/example\.test/);
    expect(signer['Signed attributes']!.value).toMatch(/signatureType \(1\.2\.840\.113549\.1\.9\.16\.2\.28\)/);
    expect(signer['Signature algorithm']!.value).toBe('sha256WithRSAEncryption (1.2.840.113549.1.1.11)');
    expect(orig!.groups[0]!.heading).toBe('SignerInfo 1: alice@example.test');
    expect(data!.heading).toBe('4. content data');
  });

  it('the expected output in detail: kept or added, and the rule', () => {
    const c = byId(view(), 'domsec::section5::example-2');
    const e = c.details.find((d) => d.heading === 'Expected output')!;
    expect(e.layers[0]!.rows.map((r) => r.label)).toEqual(['Origin', 'Must be', 'Signer']);
    expect(e.layers[0]!.rows[0]!.value).toBe('added by the gateway');
    expect(e.layers[0]!.rows[1]!.value).toMatch(/draft 2\.4/);
    expect(e.layers[1]!.rows[0]!.value).toBe('kept from the sent message (its layer 1)');
  });

  it('results written before layer details (format 1 all the same) still draw, without lines or details', () => {
    const file = fileURLToPath(new URL('../fixtures/report/results-v1-shapes-only.json', import.meta.url));
    const old = validateResults(JSON.parse(readFileSync(file, 'utf8')), file);
    const v = view(old);
    const c = byId(v, 'domsec::section5::example-2');
    expect(c.shapes.map((s) => s.drawn)).toEqual([true, true, true]);
    expect(c.shapes.flatMap((s) => s.svg.boxes.flatMap((b) => b.lines))).toEqual([]);
    expect(v.cases.some((x) => x.hasDetails)).toBe(false);
  });

  it('a hand-edited file whose layers do not match its shape draws no lines rather than wrong ones', () => {
    const r = sample();
    const c = r.cases.find((x) => x.id === 'domsec::verifier::case-d-decrypt-then-verify')!;
    c.evidence.sent!.shape = 'S[-](data)';
    const panel = byId(view(r), c.id).shapes[0]!;
    expect(panel.svg.boxes.flatMap((b) => b.lines)).toEqual([]);
  });

  it('more signers and recipients than a box shows are counted', () => {
    const signer = { name: 's', sid: 'x', digestAlgorithm: { oid: '1' }, signatureAlgorithm: { oid: '1' }, signatureTypes: [], signedAttributes: [], unsignedAttributes: [] };
    const recipient = { type: 'ktri' as const, rids: ['r'], keyEncryptionAlgorithm: { oid: '1' }, certificates: [] };
    const lines = layerLines({ depth: 0, kind: 'signedData', label: 'S[-]', bytes: 1, signers: Array(5).fill(signer), signersOmitted: 10, recipients: Array(4).fill(recipient) });
    expect(lines.map((l) => l.text)).toEqual(['· s', '· s', '· s', '+ 12 more signers', '→ r', '→ r', '→ r', '+ 1 more recipients']);
    expect(layerLines({ depth: 0, kind: 'signedData', label: '?', bytes: 1, error: 'broken' })).toEqual([{ text: 'not described', tooltip: 'broken', cls: 'line-bad' }]);
    // Fewer listed than a box shows, more marked omitted (a hand-edited file): only the omitted ones are "more".
    const few = layerLines({ depth: 0, kind: 'signedData', label: 'S[-]', bytes: 1, signers: [signer], signersOmitted: 5, recipients: [recipient], recipientsOmitted: 2 });
    expect(few.map((l) => l.text)).toEqual(['· s', '+ 5 more signers', '→ r', '+ 2 more recipients']);
  });
});

describe('a client case: the commands the adapter ran', () => {
  it('shows each command line quoted for a shell, its exit status and the tails of its output', () => {
    const c = caseOf({
      id: 'client::encrypt',
      role: 'client',
      verdict: 'FAIL',
      evidence: {
        command: [
          { step: 'encrypt for the DCA', argv: ['acme-smime', '--in', 'msg one.eml', "it's"], exitCode: 0, timedOut: false, stdoutTail: 'ok\n', stderrTail: '', durationMs: 12 },
          { step: 'decrypt', argv: ['acme-smime', '-d'], exitCode: null, signal: 'SIGKILL', timedOut: true, stdoutTail: '', stderrTail: 'killed', durationMs: 30_000 },
          { step: 'verify', argv: ['acme-smime', '-v'], exitCode: 3, timedOut: false, stdoutTail: '', stderrTail: 'bad signature', durationMs: 5 },
          { step: 'sign', argv: ['acme-smime', '-s'], exitCode: null, signal: 'SIGSEGV', timedOut: false, stdoutTail: '', stderrTail: '', durationMs: 5 },
          { step: 'sign again', argv: ['missing-binary'], exitCode: null, timedOut: false, stdoutTail: '', stderrTail: '', durationMs: 0 },
        ],
      },
    });
    const v = view(runOf([c])).cases[0]!;
    expect(v.hasCommands).toBe(true);
    expect(v.commands.map((k) => [k.argv, k.status, k.statusCls])).toEqual([
      ["acme-smime --in 'msg one.eml' 'it'\\''s'", 'exit status 0', 'v-pass'],
      ['acme-smime -d', 'timed out, process group killed', 'v-error'],
      ['acme-smime -v', 'exit status 3', 'v-warn'],
      ['acme-smime -s', 'killed by SIGSEGV', 'v-error'],
      ['missing-binary', 'not started', 'v-error'],
    ]);
    expect(v.commands[0]).toMatchObject({ hasStdout: true, stdout: 'ok\n', hasStderr: false, duration: '12 ms' });
    expect(v.receivedNote).toBe('The implementation wrote no output for this case.');
    expect(shellQuote('')).toBe("''");
  });
});
