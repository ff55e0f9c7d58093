/**
 * The process sides of the comparison: `openssl cms` and the engine's CLI (bin/domsec.js, which pays
 * Node start-up and tsx's TypeScript loading on every call), each given the same input files, keys and
 * certificates as the in-process engine. Every process is spawned with an argv array, never a shell
 * string. Wall time is measured around spawn..exit; peak RSS, where GNU time exists, by a separate run
 * under `/usr/bin/time -f %M` (so the timed runs carry no wrapper).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineOp } from './engine-ops.js';
import type { Parties } from './parties.js';

export const GNU_TIME = '/usr/bin/time';

export interface Step {
  cmd: string;
  args: string[];
}

export interface StepResult {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const KEEP = 16 * 1024;

/** Run one process to completion; stdout/stderr kept up to 16 KiB each (for error messages). */
export function runStep(step: Step, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<StepResult> {
  return new Promise((resolveP, reject) => {
    const t0 = performance.now();
    const child = spawn(step.cmd, step.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < KEEP) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < KEEP) stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolveP({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

/** A sequence of processes (Example 7 with OpenSSL is seven); fails loudly on a non-zero exit. */
export async function runSteps(steps: Step[], cwd: string, what: string): Promise<number> {
  let total = 0;
  for (const s of steps) {
    const r = await runStep(s, cwd);
    if (r.code !== 0) throw new Error(`${what}: ${s.cmd} ${s.args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
    total += r.ms;
  }
  return total;
}

/**
 * Run the steps under GNU time: peak RSS (bytes) of the largest step, and the wall time of them all
 * (which includes the wrapper's own fork and exec, about a millisecond a step). Without /usr/bin/time,
 * peakRss is undefined.
 */
export async function peakRssOfSteps(steps: Step[], cwd: string, scratch: string, what: string): Promise<{ ms: number; peakRss?: number }> {
  if (!existsSync(GNU_TIME)) return { ms: await runSteps(steps, cwd, what) };
  let peak = 0;
  let ms = 0;
  const file = join(scratch, 'gnu-time.txt');
  for (const s of steps) {
    const r = await runStep({ cmd: GNU_TIME, args: ['-f', '%M', '-o', file, s.cmd, ...s.args] }, cwd);
    if (r.code !== 0) throw new Error(`${what} (under ${GNU_TIME}): exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
    ms += r.ms;
    const kb = Number(readFileSync(file, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb)) peak = Math.max(peak, kb * 1024);
  }
  rmSync(file, { force: true });
  return { ms, peakRss: peak };
}

// ------------------------------------------------------------------ openssl cms

export const OPENSSL = 'openssl';

/**
 * The OpenSSL equivalent of each row. `-binary` everywhere: the content is passed through unchanged,
 * as the engine does (no text-mode CRLF translation). Signatures: RSA PKCS#1 v1.5 with SHA-256, signer
 * certificate included; encryption: AES-256-CBC, RSAES-PKCS1-v1_5 key transport.
 *
 * Example 7 is the same work as the engine's Section 5 processing, as seven processes: verify S3,
 * decrypt E2 (local DCA), verify S2, decrypt E1 (local DCA), verify S1, sign S2's entity as the domain
 * signer, encrypt for the receiving DCA.
 */
export function opensslSteps(op: EngineOp, p: Parties, input: string, output: string, scratch: string): Step[] | undefined {
  const cms = (...args: string[]): Step => ({ cmd: OPENSSL, args: ['cms', ...args] });
  const verify = (inp: string, out: string) => cms('-verify', '-binary', '-in', inp, '-inform', 'SMIME', '-CAfile', p.caPath, '-out', out);
  const decrypt = (inp: string, out: string, who: Parties['localDca']) => cms('-decrypt', '-binary', '-in', inp, '-inform', 'SMIME', '-recip', who.certPath, '-inkey', who.keyPath, '-out', out);
  const sign = (inp: string, out: string, who: Parties['domain']) =>
    cms('-sign', '-binary', '-nodetach', '-md', 'sha256', '-signer', who.certPath, '-inkey', who.keyPath, '-in', inp, '-outform', 'SMIME', '-out', out);
  const encrypt = (inp: string, out: string) => cms('-encrypt', '-binary', '-aes256', '-in', inp, '-outform', 'SMIME', '-out', out, p.remoteDca.certPath);
  switch (op) {
    case 'sign':
      return [sign(input, output, p.originator)];
    case 'verify':
      return [verify(input, '/dev/null')];
    case 'encrypt':
      return [encrypt(input, output)];
    case 'decrypt':
      return [decrypt(input, output, p.remoteDca)];
    case 'example7': {
      const f = (n: number) => join(scratch, `ex7-step${n}.eml`);
      return [
        verify(input, f(1)), // S3 verified; its content is E2
        decrypt(f(1), f(2), p.localDca), // E2 -> S2(E1(S1(C)))
        verify(f(2), f(3)), // S2 verified; its content is E1
        decrypt(f(3), f(4), p.localDca), // E1 -> S1(C)
        verify(f(4), '/dev/null'), // S1 verified
        sign(f(2), f(6), p.domain), // domain signature over S2's entity, kept byte for byte
        encrypt(f(6), output), // re-encrypted for the receiving DCA (N7)
      ];
    }
    case 'domainSign':
      return undefined; // no OpenSSL equivalent: it cannot make the empty (no-signer) layer of N12
  }
}

// ------------------------------------------------------------------ domsec CLI

/** `node bin/domsec.js ...`: the engine as users run it, Node and tsx start-up included. */
export function cliSteps(op: EngineOp, p: Parties, input: string, output: string, repoRoot: string): Step[] | undefined {
  const domsec = (...args: string[]): Step => ({ cmd: process.execPath, args: [resolve(repoRoot, 'bin/domsec.js'), ...args] });
  switch (op) {
    case 'sign':
      return undefined; // no command makes a bare CMS signature: `domsec sign` is the Section 5 domain signature (row domainSign)
    case 'domainSign':
      return [domsec('sign', input, '--cert', p.domain.certPath, '--key', p.domain.keyPath, '--trust', p.caPath, '--authenticated', '--out', output)];
    case 'verify':
      return [domsec('verify', input, '--trust', p.caPath)];
    case 'encrypt':
      return [domsec('encrypt', input, '--recip', p.remoteDca.certPath, '--cipher', 'aes-256-cbc', '--out', output)];
    case 'decrypt':
      return [domsec('decrypt', input, '--cert', p.remoteDca.certPath, '--key', p.remoteDca.keyPath, '--out', output)];
    case 'example7':
      return [
        domsec('sign', input, '--cert', p.domain.certPath, '--key', p.domain.keyPath, '--trust', p.caPath,
          '--dca-cert', p.localDca.certPath, '--dca-key', p.localDca.keyPath, '--recip', p.remoteDca.certPath, '--out', output),
      ];
  }
}

/** The CLI doing next to nothing (`--help`): its start-up cost and idle RSS. */
export function cliIdleStep(repoRoot: string): Step {
  return { cmd: process.execPath, args: [resolve(repoRoot, 'bin/domsec.js'), '--help'] };
}

export function ensureDir(d: string): string {
  mkdirSync(d, { recursive: true });
  return d;
}
