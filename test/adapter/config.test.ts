/**
 * The adapter file: what loads, with which defaults and resolved paths, and a bad file is one line that
 * names the problem (the field, or the placeholder and where it is).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ADAPTER_PKI, loadAdapter, validateAdapter, type AdapterFile } from '../../src/adapter/config.js';
import { DEFAULT_CLIENT_CONCURRENCY, DEFAULT_CLIENT_RUN_MS, DEFAULT_COMMAND_TIMEOUT_MS } from '../../src/adapter/limits.js';
import { placeholdersOf, substitute } from '../../src/adapter/placeholders.js';
import { OPENSSL_CLIENT_ADAPTER, REFERENCE_CLIENT_ADAPTER } from '../helpers/clients.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const good = (): AdapterFile => JSON.parse(readFileSync(OPENSSL_CLIENT_ADAPTER, 'utf8')) as AdapterFile;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'domsec-adapter-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeAdapter(name: string, data: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
}

describe('loadAdapter', () => {
  it('reads the documented example (the reference client): cwd and pki relative to the file', () => {
    const a = loadAdapter(REFERENCE_CLIENT_ADAPTER);
    expect(a.cwd).toBe(resolve(ROOT));
    expect(a.pki).toBe(join(ROOT, 'vectors/keys'));
    expect(a.commands.encrypt.slice(0, 3)).toEqual(['node', 'bin/domsec.js', 'encrypt']);
    expect(a.features).toEqual(['ecdh-key-agreement', 'rsa-oaep-key-transport', 'auth-enveloped-data']);
  });

  it('fills in the defaults: the adapter file\'s folder, the pinned PKI, example.org, no features', () => {
    const { name, commands } = good();
    const a = loadAdapter(writeAdapter('minimal.json', { name, commands }));
    expect(a).toMatchObject({ cwd: dir, pki: DEFAULT_ADAPTER_PKI, domain: 'example.org', features: [], env: {}, commandMs: DEFAULT_COMMAND_TIMEOUT_MS, runMs: DEFAULT_CLIENT_RUN_MS, concurrency: DEFAULT_CLIENT_CONCURRENCY });
    expect(DEFAULT_ADAPTER_PKI).toBe(join(ROOT, 'vectors/keys'));
  });

  it('a missing file and a file that is not JSON are one-line errors', () => {
    expect(() => loadAdapter(join(dir, 'absent.json'))).toThrow(/^cannot read adapter .*absent\.json: ENOENT$/);
    expect(() => loadAdapter(writeAdapter('broken.json', '{ "name": '))).toThrow(/broken\.json: not JSON/);
  });

  it('a working directory that does not exist is refused before any command runs', () => {
    expect(() => loadAdapter(writeAdapter('nocwd.json', { ...good(), cwd: 'no/such/folder' }))).toThrow(/nocwd\.json: \/cwd .*no\/such\/folder is not a directory$/);
  });
});

describe('validateAdapter: one line naming the problem', () => {
  const bad: Array<[string, (f: AdapterFile) => unknown, RegExp]> = [
    ['an unknown field', (f) => ({ ...f, comands: f.commands }), /^x: \(top level\) must NOT have additional properties \(comands\)$/],
    ['no decrypt command', (f) => ({ ...f, commands: { encrypt: f.commands.encrypt } }), /^x: \/commands must have required property 'decrypt'$/],
    ['an empty argv', (f) => ({ ...f, commands: { ...f.commands, encrypt: [] } }), /^x: \/commands\/encrypt must NOT have fewer than 1 items$/],
    ['an empty program', (f) => ({ ...f, commands: { ...f.commands, encrypt: ['', ...f.commands.encrypt.slice(1)] } }), /^x: \/commands\/encrypt\/0 the program is empty$/],
    ['a program that is a placeholder', (f) => ({ ...f, commands: { ...f.commands, decrypt: ['{in}', '{out}', '{key}'] } }), /^x: \/commands\/decrypt\/0 the program cannot be a placeholder$/],
    ['a misspelt placeholder', (f) => ({ ...f, commands: { ...f.commands, encrypt: ['tool', '{in}', '{out}', '--recip', '{recipentCert}'] } }), /^x: \/commands\/encrypt\/4 unknown placeholder \{recipentCert\} \(encrypt takes \{in\}, \{out\}, /],
    ['a decrypt placeholder in encrypt', (f) => ({ ...f, commands: { ...f.commands, encrypt: ['tool', '{in}', '{out}', '{recipientCert}', '--key={key}'] } }), /^x: \/commands\/encrypt\/4 unknown placeholder \{key\}/],
    ['no {out}', (f) => ({ ...f, commands: { ...f.commands, encrypt: ['tool', '{in}', '{recipientCert}'] } }), /^x: \/commands\/encrypt must use \{out\}$/],
    ['encrypt without a certificate', (f) => ({ ...f, commands: { ...f.commands, encrypt: ['tool', '{in}', '{out}'] } }), /^x: \/commands\/encrypt must use \{recipientCert\} or \{recipientCertDer\}$/],
    ['decrypt without a key', (f) => ({ ...f, commands: { ...f.commands, decrypt: ['tool', '{in}', '{out}', '{cert}'] } }), /^x: \/commands\/decrypt must use \{key\} or \{keyDer\}$/],
    ['an unknown feature', (f) => ({ ...f, features: ['ecdh'] }), /^x: \/features\/0 must be equal to one of the allowed values \(ecdh-key-agreement, rsa-oaep-key-transport, auth-enveloped-data\)$/],
    ['a timeout too short', (f) => ({ ...f, timeouts: { commandMs: 10 } }), /^x: \/timeouts\/commandMs must be >= 100$/],
    ['an environment variable name a shell could not carry', (f) => ({ ...f, env: { 'A-B': '1' } }), /^x: \/env must match pattern "\^\[A-Za-z_\]\[A-Za-z0-9_\]\*\$" \(A-B\)$/],
  ];
  for (const [what, make, message] of bad) {
    it(what, () => {
      let err: unknown;
      try {
        validateAdapter(make(good()), 'x');
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'BAD_ARGUMENT' });
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('accepts placeholders inside an element and the DER forms', () => {
    const f = good();
    expect(() => validateAdapter({ ...f, commands: { encrypt: ['tool', '--in={in}', '--out={out}', '--cert-der={recipientCertDer}', '--to={to}', '--from={from}', '--tmp={dir}'], decrypt: ['tool', '{in}', '{out}', '{certDer}', '{keyDer}'] } }, 'x')).not.toThrow();
  });
});

describe('placeholders', () => {
  it('are replaced inside each element, which stays one element whatever the value holds', () => {
    const argv = ['tool', '--in={in}', '{out}', 'literal {"json": 1}'];
    expect(substitute(argv, { in: '/tmp/a b/in.eml', out: '/tmp/$(x);y' })).toEqual(['tool', '--in=/tmp/a b/in.eml', '/tmp/$(x);y', 'literal {"json": 1}']);
    expect(placeholdersOf(argv, 'encrypt')).toEqual({ used: new Set(['in', 'out']), unknown: [] });
  });

  it('the docs example and the fixture clients use only placeholders their command takes', () => {
    for (const file of [REFERENCE_CLIENT_ADAPTER, OPENSSL_CLIENT_ADAPTER]) {
      const a = loadAdapter(file);
      expect(placeholdersOf(a.commands.encrypt, 'encrypt').unknown).toEqual([]);
      expect(placeholdersOf(a.commands.decrypt, 'decrypt').unknown).toEqual([]);
    }
  });
});
