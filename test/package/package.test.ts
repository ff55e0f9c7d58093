/**
 * The package as a user gets it (issue 17, items 2 and 5): `npm pack` of this checkout, installed into an
 * empty folder with no dev dependencies (`npm install --omit=dev <tarball>`, from the npm registry), then
 *   - `npx domsec --help`, `npx domsec demo --out X` (exit 0, the report written) and
 *     `npx domsec vectors --check <installed>/vectors`, run from that folder;
 *   - the exports map: the engine and the harness imported by name, a vector verified through the
 *     library, and a TypeScript consumer type-checked against the shipped declarations;
 *   - the CI recipe (docs/ci/github-actions-domsec.yml): every `run:` step executed in a copy of
 *     docs/ci/vendor-example/ with the packed tarball as the suite, against the reference gateway, once
 *     as shipped (no deviation: exit 0, JUnit and the HTML report written) and once with a seeded fault
 *     in the gateway (the gate fails the job, the report is still written).
 * Slow by nature (a build, two installs, three suite runs): one file, so the tarball is packed once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWorkflow, runJob } from './workflow.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOW = join(ROOT, 'docs/ci/github-actions-domsec.yml');
const VENDOR_EXAMPLE = join(ROOT, 'docs/ci/vendor-example');
const MINUTES = 60_000;

/** The user's environment: no npm_* variables from the npm run that started vitest, no DOMSEC_* knobs. */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^DOMSEC_|^NODE_OPTIONS$|^VITEST/i.test(k)));

let scratch: string;
let tarball: string;
let packedFiles: string[];
let app: string;
let installed: string;

function sh(cmd: string, args: string[], cwd: string, timeout = 10 * MINUTES, env = userEnv): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`.slice(0, 8000));
  return r.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'domsec-package-'));
  // npm pack runs the prepare script (npm run build) first.
  const out = ok(sh('npm', ['pack', '--json', '--pack-destination', scratch], ROOT), 'npm pack');
  const info = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(scratch, info[0]!.filename);
  packedFiles = info[0]!.files.map((f) => f.path);
  app = join(scratch, 'app');
  mkdirSync(app);
  ok(sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], app), 'npm install --omit=dev <tarball>');
  installed = join(app, 'node_modules/domsec-suite');
}, 20 * MINUTES);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('carries the compiled code and every file the commands read, and no sources, tests or TypeScript tooling', () => {
    for (const f of ['bin/domsec.js', 'dist/main.js', 'dist/index.js', 'dist/harness-api.js', 'dist/types/src/index.d.ts', 'dist/types/src/harness-api.d.ts',
      'suites/requirements.json', 'suites/profile.schema.json', 'suites/adapter.schema.json', 'suites/section5-orderings.json',
      'reports/templates/report.hbs', 'src/report/schema/domsec-results-1.schema.json', 'src/report/schema/domsec-expected-1.schema.json',
      'vectors/manifest.json', 'vectors/keys/pki.json', 'vectors/keys/ca.crt', 'docs/interpretations.md', 'docs/ci/github-actions-domsec.yml', 'package.json', 'README.md']) {
      expect(packedFiles, f).toContain(f);
    }
    expect(packedFiles.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((f) => /^(test|node_modules|src\/(?!report\/schema\/))/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(Object.keys(pkg.dependencies)).not.toContain(dev);
    // Installed without dev dependencies: nothing compiles TypeScript at run time.
    for (const dev of ['tsx', 'esbuild', 'typescript']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
  });

  it('npx domsec --help', () => {
    const r = sh('npx', ['--no', '--', 'domsec', '--help'], app, 2 * MINUTES);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: domsec <command>/);
    expect(r.stdout).toContain('draft-melnikov-smime-msa-to-mda-02');
  });

  it('npx domsec vectors --check on the installed vectors', () => {
    const r = sh('npx', ['--no', '--', 'domsec', 'vectors', '--check', join(installed, 'vectors')], app);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/\b0 failed\b/);
  });

  it('npx domsec demo --out X exits 0 and writes the report', () => {
    const out = join(scratch, 'demo-out');
    const r = sh('npx', ['--no', '--', 'domsec', 'demo', '--out', out, '--progress', 'lines'], app, 15 * MINUTES);
    expect(r.status, `${r.stdout.slice(-4000)}\n${r.stderr}`).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<testsuite');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { cases: Array<{ verdict: string }> };
    expect(results.cases.length).toBeGreaterThan(30);
    expect(results.cases.filter((c) => c.verdict === 'FAIL' || c.verdict === 'ERROR')).toEqual([]);
  }, 16 * MINUTES);

  it('exports the engine and the harness: a golden vector verified through the library', () => {
    const script = `
      import { verifyMessage, parseMessage, describeMessage, applyDomainSignature, encryptMessage, decryptMessage } from 'domsec-suite';
      import { loadProfile, runSuite, allCases, renderReport } from 'domsec-suite/harness';
      import { readFileSync } from 'node:fs';
      import { X509Certificate } from 'node:crypto';
      const fns = { verifyMessage, parseMessage, describeMessage, applyDomainSignature, encryptMessage, decryptMessage, loadProfile, runSuite, allCases, renderReport };
      for (const [k, v] of Object.entries(fns)) if (typeof v !== 'function') throw new Error(k + ' is not exported');
      const v = ${JSON.stringify(join(installed, 'vectors'))};
      const ca = new X509Certificate(readFileSync(v + '/keys/ca.crt')).raw;
      const good = verifyMessage(readFileSync(v + '/receive/domain-signed.eml'), { trustAnchors: [ca], validationTime: new Date('2026-03-01T12:00:00Z') });
      // One base64 letter changed near the end of the body (the outer signature): it must not verify.
      const bad = Buffer.from(readFileSync(v + '/receive/domain-signed.eml'));
      let i = bad.length - 300;
      while (!/[A-Za-z]/.test(String.fromCharCode(bad[i]))) i--;
      bad[i] = bad[i] === 0x41 ? 0x42 : 0x41;
      let badVerdict;
      try { badVerdict = verifyMessage(bad, { trustAnchors: [ca], validationTime: new Date('2026-03-01T12:00:00Z') }).verdict; } catch (e) { badVerdict = 'error: ' + e.code; }
      console.log(JSON.stringify({ good: good.verdict, shape: good.shape, bad: badVerdict, cases: allCases().length }));
    `;
    const r = sh(process.execPath, ['--input-type=module', '-e', script], app, 2 * MINUTES);
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { good: string; shape: string; bad: string; cases: number };
    expect(got.good).toBe('pass');
    expect(got.shape).toBe('S[domainSig](S[-](data))');
    expect(got.bad).not.toBe('pass');
    expect(got.cases).toBeGreaterThan(30);
  });

  it('ships declarations: a TypeScript consumer type-checks against the exports map', () => {
    writeFileSync(join(app, 'consumer.ts'), [
      "import { verifyMessage, type VerificationReport } from 'domsec-suite';",
      "import { loadProfile, type RunResults } from 'domsec-suite/harness';",
      'export const verdict = (raw: Buffer, ca: Buffer): VerificationReport["verdict"] => verifyMessage(raw, { trustAnchors: [ca] }).verdict;',
      'export const load = (p: string) => loadProfile(p).domain;',
      'export type R = RunResults["exitCode"];',
      '// @ts-expect-error: verifyMessage requires trustAnchors (the declarations are real, not any)',
      'verifyMessage(Buffer.alloc(0), {});',
      '',
    ].join('\n'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: ['consumer.ts'],
    }));
    const r = sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app, 5 * MINUTES);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 6 * MINUTES);
});

describe('the CI recipe (docs/ci/github-actions-domsec.yml)', () => {
  const pids: string[] = [];
  afterAll(() => {
    // The workflow's "Stop the gateway" step kills it; this is the safety net if a step timed out first.
    for (const f of pids) if (existsSync(f)) spawnSync('kill', [readFileSync(f, 'utf8').trim()]);
  });

  /** A vendor repository: docs/ci/vendor-example with the packed suite, on free ports, optionally with a seeded fault. */
  async function vendorRepo(name: string, faults: string[] = []): Promise<{ dir: string; env: Record<string, string> }> {
    const dir = join(scratch, name);
    cpSync(VENDOR_EXAMPLE, dir, { recursive: true });
    const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    cpSync(tarball, join(dir, 'ci', `domsec-suite-${pkgVersion}.tgz`));
    // ADAPT lines of the recipe: the ports (free ones, so that runs in parallel do not collide).
    const [sub, mx, cap] = [await freePort(), await freePort(), await freePort()];
    const profileFile = join(dir, 'ci/domsec-profile.json');
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    profile.submission.outbound.port = sub;
    profile.submission.inbound.port = mx;
    profile.capture.port = cap;
    writeFileSync(profileFile, JSON.stringify(profile, null, 2));
    const gwFile = join(dir, 'ci/reference-gateway.json');
    const gw = JSON.parse(readFileSync(gwFile, 'utf8'));
    gw.listen.outboundPort = sub;
    gw.listen.inboundPort = mx;
    gw.nextHop.port = cap;
    if (faults.length) gw.faults = faults;
    writeFileSync(gwFile, JSON.stringify(gw, null, 2));
    pids.push(join(dir, 'gateway.pid'));
    return { dir, env: { GATEWAY_SUBMISSION_PORT: String(sub), GATEWAY_MX_PORT: String(mx), DOMSEC_CAPTURE_PORT: String(cap), DOMSEC_SUITE_PACKAGE: `ci/domsec-suite-${pkgVersion}.tgz` } };
  }

  function runRecipe(dir: string, env: Record<string, string>, ref: string) {
    const wf = readWorkflow(WORKFLOW);
    const job = wf.jobs.conformance!;
    // The shipped DOMSEC_SUITE_PACKAGE names the current version's tarball.
    expect(job.env?.DOMSEC_SUITE_PACKAGE).toBe(env.DOMSEC_SUITE_PACKAGE);
    job.env = { ...job.env, ...env };
    const stepScratch = join(dir, '..', `${dir.split('/').pop()}-runner`);
    mkdirSync(stepScratch, { recursive: true });
    return runJob(wf, 'conformance', dir, { baseEnv: userEnv, ref, scratch: stepScratch, stepTimeoutMs: 15 * MINUTES });
  }

  it('uses only GitHub actions for checkout, Node, the JUnit check, artifacts and the cache, and installs the suite from a tarball, not a tag', () => {
    const wf = readWorkflow(WORKFLOW);
    const uses = wf.jobs.conformance!.steps.filter((s) => s.uses).map((s) => s.uses!.split('@')[0]);
    expect(new Set(uses)).toEqual(new Set(['actions/checkout', 'actions/setup-node', 'mikepenz/action-junit-report', 'actions/upload-artifact', 'actions/cache/restore', 'actions/cache/save']));
    // One checkout, of the vendor's repository: the suite comes as a package.
    expect(wf.jobs.conformance!.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))).toHaveLength(1);
    expect(wf.jobs.conformance!.steps.some((s) => s.run?.includes('npm install') && s.run.includes('--omit=dev') && s.run.includes('"$spec"'))).toBe(true);
  });

  it('runs against the reference gateway: no deviation from the baseline, JUnit and the HTML report written', async () => {
    const { dir, env } = await vendorRepo('vendor-conformant');
    const job = runRecipe(dir, env, 'refs/heads/main');
    const log = job.steps.map((s) => `== ${s.name}: ${s.ran ? `exit ${s.code}` : 'not run'}\n${(s.output ?? '').slice(-3000)}`).join('\n');
    expect(job.failed, log).toBe(false);
    expect(job.steps.filter((s) => s.kind === 'run').map((s) => [s.name, s.ran])).toEqual([
      ['Install domsec-suite', true],
      ['Start the gateway under test', true],
      ['Run the conformance suite', true],
      ['Stop the gateway', true],
      ['Compare with the last run of main', true],
      ['Remember these results for the next comparison', true],
    ]);
    expect(job.outputs.domsec).toEqual({ exit: '0' });
    const run = job.steps.find((s) => s.name === 'Run the conformance suite')!;
    expect(run.output).toContain('::notice title=DOMSEC::no deviation from the accepted baseline');
    expect(readFileSync(join(dir, 'domsec-out/junit.xml'), 'utf8')).toContain('<testsuite');
    expect(readFileSync(join(dir, 'domsec-out/report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const results = JSON.parse(readFileSync(join(dir, 'domsec-out/results.json'), 'utf8')) as { cases: Array<{ verdict: string }>; meta: { profile?: string } };
    expect(results.cases.length).toBeGreaterThan(30);
    expect(results.cases.filter((c) => c.verdict === 'FAIL' || c.verdict === 'ERROR')).toEqual([]);
    expect(readdirSync(join(dir, 'domsec-previous'))).toEqual(['results.json']);
    // The gateway was stopped by the workflow's own step.
    const pid = readFileSync(join(dir, 'gateway.pid'), 'utf8').trim();
    expect(spawnSync('kill', ['-0', pid]).status).not.toBe(0);
  }, 30 * MINUTES);

  it('fails the job when the gateway deviates (a seeded fault), and still writes the report', async () => {
    const { dir, env } = await vendorRepo('vendor-faulty', ['no-signature-type']);
    const job = runRecipe(dir, env, 'refs/pull/1/merge');
    const log = job.steps.map((s) => `== ${s.name}: ${s.ran ? `exit ${s.code}` : 'not run'}\n${(s.output ?? '').slice(-3000)}`).join('\n');
    expect(job.failed, log).toBe(true);
    expect(job.outputs.domsec, log).toEqual({ exit: '1' });
    const run = job.steps.find((s) => s.name === 'Run the conformance suite')!;
    expect(run.code).toBe(1);
    expect(run.output).toContain('::error title=DOMSEC::deviations from the accepted baseline');
    // always() steps still ran; the main-only step did not (a pull request).
    expect(job.steps.find((s) => s.name === 'Stop the gateway')!.ran).toBe(true);
    expect(job.steps.find((s) => s.name === 'Remember these results for the next comparison')!.ran).toBe(false);
    const results = JSON.parse(readFileSync(join(dir, 'domsec-out/results.json'), 'utf8')) as { cases: Array<{ verdict: string; requirements?: string[] }> };
    expect(results.cases.some((c) => c.verdict === 'FAIL')).toBe(true);
    expect(readFileSync(join(dir, 'domsec-out/junit.xml'), 'utf8')).toContain('<failure');
    expect(existsSync(join(dir, 'domsec-out/report.html'))).toBe(true);
  }, 30 * MINUTES);
});
