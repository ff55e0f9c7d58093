/**
 * docs/client-adapter.md keeps up with the code: every field of the adapter schema, every placeholder,
 * every optional feature and every client case is named there, and its example file is the one the
 * reference client runs with.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PLACEHOLDERS } from '../../src/adapter/placeholders.js';
import { CLIENT_FEATURES } from '../../src/adapter/model.js';
import { clientCases } from '../../suites/client.js';
import { REFERENCE_CLIENT_ADAPTER } from '../helpers/clients.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/client-adapter.md', import.meta.url)), 'utf8');
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../suites/adapter.schema.json', import.meta.url)), 'utf8')) as { properties: Record<string, { properties?: Record<string, unknown> }> };

describe('docs/client-adapter.md', () => {
  it('names every field of suites/adapter.schema.json', () => {
    const fields = Object.entries(schema.properties).filter(([k]) => k !== '$schema').flatMap(([k, v]) => (v.properties ? Object.keys(v.properties).map((s) => `${k}.${s}`) : [k]));
    expect(fields.length).toBeGreaterThan(8);
    expect(fields.filter((f) => !doc.includes(`\`${f}\``))).toEqual([]);
  });

  it('names every placeholder, feature and client case', () => {
    const names = [...new Set(Object.values(PLACEHOLDERS).flat())].map((p) => `{${p}}`);
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
    expect(CLIENT_FEATURES.filter((f) => !doc.includes(`\`${f}\``))).toEqual([]);
    expect(clientCases.map((c) => c.id).filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });

  it('shows the example file as it is', () => {
    const example = readFileSync(REFERENCE_CLIENT_ADAPTER, 'utf8').trim();
    expect(doc).toContain(example);
  });
});
