/**
 * Runs the `run:` steps of a GitHub Actions job (docs/ci/github-actions-domsec.yml) as the runner would:
 * each step's script with `bash --noprofile --norc -eo pipefail` (GitHub's default shell on Linux), the
 * workflow and job `env`, GITHUB_PATH and GITHUB_OUTPUT files read back after each step, and each step's
 * `if:` evaluated. `uses:` steps (checkout, setup-node, artifact upload, JUnit check, cache) are GitHub's
 * own actions: listed as not run. Only the `if:` expressions the workflow uses are understood; any other
 * fails the test rather than being guessed.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

export interface StepRun {
  name: string;
  kind: 'run' | 'uses';
  ran: boolean;
  code?: number | null;
  output?: string;
}

export interface JobRun {
  steps: StepRun[];
  outputs: Record<string, Record<string, string>>;
  failed: boolean;
}

export interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: WorkflowStep[] }>;
}

export function readWorkflow(path: string): Workflow {
  return parse(readFileSync(path, 'utf8')) as Workflow;
}

interface Context {
  failed: boolean;
  ref: string;
  outputs: Record<string, Record<string, string>>;
}

/** The `if:` terms this workflow uses, joined by &&. */
export function evaluateIf(expr: string | undefined, ctx: Context): boolean {
  if (expr === undefined) return !ctx.failed; // success()
  let always = false;
  let value = true;
  for (const raw of expr.split('&&').map((t) => t.trim())) {
    let m: RegExpMatchArray | null;
    if (raw === 'always()') always = true;
    else if (raw === 'success()') value &&= !ctx.failed;
    else if (raw === 'failure()') value &&= ctx.failed;
    else if ((m = raw.match(/^steps\.([\w-]+)\.outputs\.([\w-]+) (==|!=) '([^']*)'$/))) {
      const v = ctx.outputs[m[1]!]?.[m[2]!] ?? '';
      value &&= m[3] === '==' ? v === m[4] : v !== m[4];
    } else if ((m = raw.match(/^github\.ref (==|!=) '([^']*)'$/))) value &&= m[1] === '==' ? ctx.ref === m[2] : ctx.ref !== m[2];
    else throw new Error(`workflow runner: unsupported if: term "${raw}"`);
  }
  return always ? value : value && !ctx.failed;
}

function readKeyValues(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/**
 * Run one job's steps in `workspace` (the checked-out repository). `baseEnv` stands for the runner's
 * environment (PATH with node and npm); `ref` is github.ref. Steps are bounded by `stepTimeoutMs`.
 */
export function runJob(wf: Workflow, job: string, workspace: string, opts: { baseEnv: NodeJS.ProcessEnv; ref: string; scratch: string; stepTimeoutMs: number }): JobRun {
  const j = wf.jobs[job];
  if (!j) throw new Error(`workflow runner: no job ${job}`);
  const ctx: Context = { failed: false, ref: opts.ref, outputs: {} };
  const pathFile = join(opts.scratch, 'github-path');
  writeFileSync(pathFile, '');
  const extraPath: string[] = [];
  const steps: StepRun[] = [];
  j.steps.forEach((step, i) => {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.uses !== undefined) {
      steps.push({ name, kind: 'uses', ran: false });
      return;
    }
    if (!evaluateIf(step.if, ctx)) {
      steps.push({ name, kind: 'run', ran: false });
      return;
    }
    const outputFile = join(opts.scratch, `github-output-${i}`);
    writeFileSync(outputFile, '');
    const script = join(opts.scratch, `step-${i}.sh`);
    writeFileSync(script, step.run ?? '');
    const env: NodeJS.ProcessEnv = {
      ...opts.baseEnv,
      ...wf.env,
      ...j.env,
      ...step.env,
      PATH: [...extraPath, opts.baseEnv.PATH ?? ''].join(':'),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_REF: opts.ref,
      GITHUB_PATH: pathFile,
      GITHUB_OUTPUT: outputFile,
    };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8', timeout: opts.stepTimeoutMs, maxBuffer: 64 * 1024 * 1024 });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n(${r.error.message})` : ''}`;
    steps.push({ name, kind: 'run', ran: true, code: r.status, output });
    if (step.id) ctx.outputs[step.id] = readKeyValues(outputFile);
    // GITHUB_PATH: each line is prepended to PATH for the later steps.
    for (const p of readFileSync(pathFile, 'utf8').split('\n').filter(Boolean)) if (!extraPath.includes(p)) extraPath.unshift(p);
    writeFileSync(pathFile, '');
    if (r.status !== 0) ctx.failed = true;
  });
  appendFileSync(join(opts.scratch, 'job.log'), steps.map((s) => `== ${s.name} (${s.kind}${s.ran ? `, exit ${s.code}` : ', not run'})\n${s.output ?? ''}`).join('\n'));
  return { steps, outputs: ctx.outputs, failed: ctx.failed };
}
