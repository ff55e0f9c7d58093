/**
 * The demo job: run the engine over the seven Section 5.1 examples under both local policies, plus
 * unsigned mail (N12), check each output shape against the draft and verify the result as the
 * receiving domain would. Until the SMTP driver exists this is the suite's main job (README).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTestPki, type TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { applyDomainSignature, type ApplyOptions } from '../domsec/apply.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../domsec/examples.js';
import { verifyMessage } from '../domsec/verify.js';
import { isDomsecError } from '../errors.js';

export interface DemoCase {
  id: string;
  policy: 'encrypt' | 'noEncrypt';
  inputShape: string;
  expectedShape: string;
  outputShape?: string;
  verdict?: string;
  authenticationResults?: string;
  result: 'PASS' | 'FAIL' | 'ERROR';
  detail: string;
}

export interface DemoSummary {
  generatedAt: string;
  cases: DemoCase[];
  passed: number;
  failed: number;
}

const TIME = new Date('2026-03-01T12:00:00Z');

function key(pki: TestPki, name: string) {
  const e = pki.entries[name]!;
  return { certDer: e.certDer, key: loadPrivateKey(e.keyPem) };
}

export async function runSection5Demo(outDir: string, progress: (line: string) => void = () => {}, pki?: TestPki): Promise<DemoSummary> {
  const p = pki ?? (await generateTestPki());
  mkdirSync(outDir, { recursive: true });
  const headers: Array<[string, string]> = [
    ['From', 'Alice <alice@example.test>'], ['To', 'Bob <bob@example.org>'], ['Subject', 'DOMSEC demo'],
    ['Message-ID', '<demo@example.test>'], ['Date', 'Sun, 01 Mar 2026 12:00:00 +0000'],
  ];
  const parties = {
    originator: key(p, 'example.test/user-alice'),
    other: key(p, 'example.test/user-bob'),
    innerRecipients: [{ certDer: p.entries['example.test/dca-rsa']!.certDer }, { certDer: p.entries['example.org/user-bob']!.certDer }],
    headers,
    content: Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\nHello from the DOMSEC demo.\r\n'),
    signingTime: TIME,
  };
  const receiverKeys = [key(p, 'example.org/dca-rsa'), key(p, 'example.test/dca-rsa')];
  const cases: DemoCase[] = [];
  const run = (id: string, policy: DemoCase['policy'], input: Buffer, inputShape: string, expectedShape: string, extra: Partial<ApplyOptions> = {}): void => {
    const c: DemoCase = { id, policy, inputShape, expectedShape, result: 'ERROR', detail: '' };
    try {
      const r = applyDomainSignature(input, {
        signers: [key(p, 'example.test/signer-rsa')],
        policy: { encryptOutbound: policy === 'encrypt' },
        dca: key(p, 'example.test/dca-rsa'),
        encryptFor: [{ certDer: p.entries['example.org/dca-rsa']!.certDer }],
        trustAnchors: [p.ca.certDer],
        validationTime: TIME,
        signingTime: TIME,
        ...extra,
      });
      const v = verifyMessage(r.message, { trustAnchors: [p.ca.certDer], validationTime: TIME, keys: receiverKeys });
      c.outputShape = r.outputShape;
      c.verdict = v.verdict;
      c.authenticationResults = v.authenticationResults;
      const ok = r.outputShape === expectedShape && v.verdict === 'pass';
      c.result = ok ? 'PASS' : 'FAIL';
      c.detail = ok ? r.steps.join('; ') : `expected ${expectedShape} and smime=pass, got ${r.outputShape} and smime=${v.verdict}`;
      const base = join(outDir, `${id.replace(/[^a-z0-9-]+/gi, '_')}.${policy}`);
      writeFileSync(`${base}.input.eml`, input);
      writeFileSync(`${base}.output.eml`, r.message);
    } catch (e) {
      c.detail = isDomsecError(e) ? `${e.code}: ${e.message}` : String(e);
    }
    cases.push(c);
    progress(`${c.result.padEnd(5)} ${id} (${policy}): ${inputShape} -> ${c.outputShape ?? '-'}${c.result === 'PASS' ? '' : `  [${c.detail}]`}`);
  };
  for (const ex of SECTION5_EXAMPLES) {
    const built = buildExampleInput(ex, parties);
    run(ex.id, 'noEncrypt', built.message, ex.inputShape, ex.expected.noEncrypt);
    run(ex.id, 'encrypt', built.message, ex.inputShape, ex.expected.encrypt);
  }
  const unsigned = Buffer.concat([Buffer.from(headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')), parties.content]);
  run('domsec::signing::unsigned-empty-layer', 'noEncrypt', unsigned, 'data', 'S[domainSig](S[empty](data))', { originatorAuthenticated: true });
  const summary: DemoSummary = {
    generatedAt: new Date().toISOString(),
    cases,
    passed: cases.filter((c) => c.result === 'PASS').length,
    failed: cases.filter((c) => c.result !== 'PASS').length,
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}
