/**
 * One vendor command, bounded in every way: whatever it does (missing, hangs, ignores SIGTERM, leaves
 * children behind, floods its output, crashes), runCommand resolves with a CommandRun, no process of
 * it survives, and argv elements reach it exactly as written (no shell).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, StreamTail, type CommandSpec } from '../../src/adapter/spawn.js';
import { KILL_GRACE_MS, OUTPUT_TAIL_BYTES, STREAM_DRAIN_MS } from '../../src/adapter/limits.js';

const FIX = (name: string) => fileURLToPath(new URL(`../fixtures/adapter/${name}`, import.meta.url));
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'domsec-spawn-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const spec = (argv: string[], timeoutMs = 10_000): CommandSpec => ({ step: 'test', argv, cwd: scratch, env: process.env, timeoutMs });
const node = (script: string, ...args: string[]) => [process.execPath, FIX(script), ...args];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
/** A killed process may take a moment to be reaped by its parent (init). */
async function gone(pid: number, withinMs = 3000): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < withinMs; await new Promise((r) => setTimeout(r, 50))) if (!alive(pid)) return true;
  return false;
}

describe('runCommand', () => {
  it('passes every argv element as written, never through a shell', async () => {
    const marker = join(scratch, 'injected');
    const args = [`; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, 'two words', "quote's \"both\"", '', '*'];
    const r = await runCommand(spec(node('echo-args.mjs', ...args)));
    expect(r.spawnError).toBeUndefined();
    expect(r.run.exitCode).toBe(0);
    expect(JSON.parse(r.run.stdoutTail)).toEqual(args);
    expect(existsSync(marker)).toBe(false);
    expect(r.run.argv).toEqual(node('echo-args.mjs', ...args));
  });

  it('records the exit status and the stderr tail of a failing command', async () => {
    const r = await runCommand(spec(node('exit-with.mjs', '7')));
    expect(r.run).toMatchObject({ exitCode: 7, timedOut: false, stderrTail: 'exit-with: exiting with 7\n' });
    expect(r.run.signal).toBeUndefined();
  });

  it('a missing program is a spawn error naming it, not an exception', async () => {
    for (const program of [join(scratch, 'no-such-tool'), 'domsec-test-no-such-tool-on-path']) {
      const r = await runCommand(spec([program, '--help']));
      expect(r.spawnError).toBe(`${program}: ENOENT`);
      expect(r.run.exitCode).toBeNull();
    }
  });

  it('gives the command /dev/null as standard input: a prompt reads end of file instead of waiting', async () => {
    const r = await runCommand(spec(node('reads-stdin.mjs'), 5000));
    expect(r.run.timedOut).toBe(false);
    expect(r.run.stdoutTail).toBe('0');
  });

  it('keeps only the tail of a flood of output, and says how much came before', async () => {
    const bytes = 3 * 1024 * 1024;
    const r = await runCommand(spec(node('floods-output.mjs', String(bytes))));
    expect(r.run.exitCode).toBe(3);
    for (const tail of [r.run.stdoutTail, r.run.stderrTail]) {
      const [note, ...rest] = tail.split('\n');
      expect(note).toBe(`[${bytes - OUTPUT_TAIL_BYTES} earlier bytes not kept]`);
      expect(Buffer.byteLength(rest.join('\n'))).toBe(OUTPUT_TAIL_BYTES);
      expect(tail.endsWith('xxxxEND\n')).toBe(true);
    }
  });

  it('on timeout kills the whole process group: the command and the helper it started', async () => {
    const t0 = Date.now();
    const r = await runCommand(spec(node('spawns-and-hangs.mjs'), 800));
    const took = Date.now() - t0;
    expect(r.run.timedOut).toBe(true);
    expect(r.run.signal).toBe('SIGTERM');
    expect(took).toBeLessThan(800 + KILL_GRACE_MS + STREAM_DRAIN_MS + 2000);
    const helper = Number(r.run.stdoutTail.trim());
    expect(helper).toBeGreaterThan(0);
    expect(await gone(helper)).toBe(true);
  });

  it('a command that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const r = await runCommand(spec(node('ignores-sigterm.mjs'), 800));
    expect(r.run.timedOut).toBe(true);
    expect(r.run.signal).toBe('SIGKILL');
    expect(r.run.stdoutTail).toContain('SIGTERM ignored');
    expect(r.run.durationMs).toBeGreaterThanOrEqual(800 + KILL_GRACE_MS - 50);
  });

  it('does not wait for what a finished command left running, and ends it', async () => {
    const t0 = Date.now();
    const r = await runCommand(spec(node('leaves-child.mjs'), 20_000));
    expect(r.run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await gone(Number(r.run.stdoutTail.trim()))).toBe(true);
  });

  it('records a crash as the signal that ended the command', async () => {
    const r = await runCommand(spec(node('crashes.mjs')));
    expect(r.run.signal).toBe('SIGABRT');
    expect(r.run.exitCode).toBeNull();
    expect(r.run.timedOut).toBe(false);
    expect(r.run.stderrTail).toContain('crashes: about to abort');
  });
});

describe('StreamTail', () => {
  it('keeps the last bytes across chunk boundaries and counts the rest', () => {
    const t = new StreamTail(5);
    for (const s of ['abc', 'defg', 'h', 'ijklmnop']) t.push(Buffer.from(s));
    expect(t.total).toBe(16);
    expect(t.text()).toBe('[11 earlier bytes not kept]\nlmnop');
    const small = new StreamTail(100);
    small.push(Buffer.from('short'));
    expect(small.text()).toBe('short');
  });
});
