/**
 * Running one vendor command, bounded in every way: argv array with `shell: false` (the placeholders'
 * values are never re-parsed by a shell), its own process group (so a timeout kills the command and
 * everything it started), standard input from /dev/null (a tool that prompts for a passphrase reads EOF
 * instead of waiting), the last bytes of stdout and stderr kept and the rest only counted, and a
 * deadline after which the group gets SIGTERM, then SIGKILL. Whatever the command does (missing, hangs,
 * crashes, floods its output, leaves children behind), the promise resolves with a CommandRun.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { CommandRun } from '../harness/model.js';
import { KILL_GRACE_MS, OUTPUT_TAIL_BYTES, STREAM_DRAIN_MS } from './limits.js';

export interface CommandSpec {
  /** What the step does, for the evidence, e.g. "encrypt (case b: for the recipient's DCA)". */
  step: string;
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export interface CommandOutcome {
  run: CommandRun;
  /** Set when the command could not be started at all (e.g. "my-tool: ENOENT"). */
  spawnError?: string;
}

/** The last `limit` bytes of a stream, and how many came before them. */
export class StreamTail {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  constructor(private readonly limit: number = OUTPUT_TAIL_BYTES) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.limit) this.kept -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    const tail = all.subarray(Math.max(0, all.length - this.limit));
    const dropped = this.total - tail.length;
    return `${dropped > 0 ? `[${dropped} earlier bytes not kept]\n` : ''}${tail.toString('utf8')}`;
  }
}

/** Process groups of commands still running: killed if the suite itself is interrupted (src/adapter/run.ts). */
const liveGroups = new Set<number>();

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** SIGKILL every command still running: for the suite's own exit or interruption, so no vendor process outlives it. */
export function killLiveCommands(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

export function runCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const t0 = performance.now();
  const stdout = new StreamTail();
  const stderr = new StreamTail();
  const result = (exitCode: number | null, signal: NodeJS.Signals | null, timedOut: boolean): CommandRun => ({
    step: spec.step,
    argv: [...spec.argv],
    exitCode,
    ...(signal ? { signal } : {}),
    timedOut,
    stdoutTail: stdout.text(),
    stderrTail: stderr.text(),
    durationMs: Math.round(performance.now() - t0),
  });

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(spec.argv[0]!, spec.argv.slice(1), {
        cwd: spec.cwd,
        env: spec.env,
        shell: false,
        // A new process group (setsid): the timeout and the clean-up reach the command's own children too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      // Synchronous refusals (e.g. a NUL byte in an argument).
      resolve({ run: result(null, null, false), spawnError: `${spec.argv[0]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    let timedOut = false;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: CommandOutcome): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      resolve(outcome);
    };
    const pgid = child.pid;
    if (pgid !== undefined) liveGroups.add(pgid);

    child.stdout!.on('data', (d: Buffer) => stdout.push(d));
    child.stderr!.on('data', (d: Buffer) => stderr.push(d));
    // Stream errors (EPIPE and the like after a kill) end nothing by themselves: 'exit' and 'close' do.
    child.stdout!.on('error', () => undefined);
    child.stderr!.on('error', () => undefined);

    child.on('error', (e: NodeJS.ErrnoException) => {
      // Only a failed start is reported here; a failed kill of an exited group is not an outcome.
      if (child.pid === undefined) finish({ run: result(null, null, false), spawnError: `${spec.argv[0]}: ${e.code ?? e.message}` });
    });
    let deadline: NodeJS.Timeout | undefined;
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      clearTimeout(deadline);
      // Whatever the command left running in its group (it has answered) would hold the pipes open: end it.
      if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
      // A process that escaped the group (its own setsid) may still hold stdout/stderr: stop waiting after a while.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish({ run: result(code, signal, timedOut) });
        }, STREAM_DRAIN_MS),
      );
    });
    child.on('close', () => {
      if (exited) finish({ run: result(exited.code, exited.signal, timedOut) });
    });

    if (pgid !== undefined) {
      deadline = setTimeout(() => {
        timedOut = true;
        killGroup(pgid, 'SIGTERM');
        timers.push(setTimeout(() => killGroup(pgid, 'SIGKILL'), KILL_GRACE_MS));
      }, spec.timeoutMs);
      timers.push(deadline);
    }
  });
}
