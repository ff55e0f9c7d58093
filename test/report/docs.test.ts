/**
 * The documentation keeps up with the code: docs/results-format.md names every field of both schemas,
 * and the sample CI workflow and the GitLab snippet only use `domsec` commands and options that exist.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/main.js';
import { EXPECTED_SCHEMA, RESULTS_SCHEMA } from '../../src/report/results-file.js';

const doc = (p: string) => readFileSync(fileURLToPath(new URL(`../../docs/${p}`, import.meta.url)), 'utf8');

function propertyNames(schema: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'properties' && v && typeof v === 'object') for (const name of Object.keys(v)) if (name !== '$schema') out.add(name);
      walk(v);
    }
  };
  walk(schema);
  return out;
}

describe('docs', () => {
  it.each([
    ['results', RESULTS_SCHEMA],
    ['expected', EXPECTED_SCHEMA],
  ])('results-format.md documents every field of the %s schema', (_n, file) => {
    const text = doc('results-format.md');
    const names = propertyNames(JSON.parse(readFileSync(file, 'utf8')));
    expect(names.size).toBeGreaterThan(3);
    const missing = [...names].filter((n) => !text.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });

  it.each([['ci/github-actions-domsec.yml'], ['reports.md']])('%s uses only existing commands and options', async (file) => {
    const text = doc(file);
    // `node bin/domsec.js CMD` in the docs; the vendor workflow installs the package and calls `domsec CMD`.
    const call = file.endsWith('.yml') ? /(?<![\w/.`-])domsec ([a-z]+)([^\n|]*)/g : /bin\/domsec\.js (\w+)([^\n|]*)/g;
    const calls = [...text.matchAll(call)];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, name, rest] of calls) {
      const entry = COMMANDS.find((c) => c.name === name);
      expect(entry, name).toBeDefined();
      const cmd = await entry!.load();
      for (const flag of rest!.match(/--[a-z-]+/g) ?? []) expect(cmd.help, `${name} ${flag}`).toContain(flag);
    }
  });

  it('the workflow branches on every documented exit status of domsec run', () => {
    const text = doc('ci/github-actions-domsec.yml');
    for (const code of ['0', '1', '2']) expect(text).toMatch(new RegExp(`^\\s+${code}\\) echo "::`, 'm'));
    expect(text).toContain('report_paths: domsec-out/junit.xml');
    expect(text).toContain('--expect ci/domsec-expected.json');
  });
});
