/**
 * Issue 12 ("Also seen"): `npm run fuzz -- --help` was read as a property name. The fuzz script's command
 * line (test/property/fuzz.ts): --help prints the usage, an unknown option or property is one line, exit 2,
 * and no fuzzing starts. Run through npm, as a user would.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function fuzz(...args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'fuzz', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOMSEC_FC_RUNS: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run fuzz command line', () => {
  it('--help prints the usage, the properties and the environment variables, exit 0, and runs nothing', () => {
    const r = fuzz('--help');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run fuzz /);
    expect(r.stdout).toContain('model, section5, robustness');
    expect(r.stdout).toContain('DOMSEC_FUZZ_SECONDS');
    expect(r.stdout).not.toContain('started, seed');
  }, 120_000);

  it('an unknown option or property is one line on stderr, exit 2, and runs nothing', () => {
    for (const [args, pattern] of [
      [['--frobnicate'], /^fuzz: unknown option '--frobnicate' \(see npm run fuzz -- --help\)$/],
      [['section5', '--seconds', '3'], /^fuzz: unknown option '--seconds' /],
      [['sectoin5'], /^fuzz: unknown property "sectoin5"; choose from model, section5, robustness /],
    ] as const) {
      const r = fuzz(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(pattern);
      expect(r.stdout).not.toContain('started, seed');
    }
  }, 240_000);
});
