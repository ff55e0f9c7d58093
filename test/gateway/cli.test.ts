/** `domsec gateway`: help, fault list, a bad config, and a real run stopped by SIGTERM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { FAULT_NAMES } from '../../src/gateway/faults.js';
import { exampleParties } from '../helpers/messages.js';
import { baseConfig, fixture, rcpt, send, shape, type Fixture } from './helpers.js';
import { cpuBomb } from './bomb.js';
import { rawSmtp } from '../smtp/raw-smtp.js';

const BIN = fileURLToPath(new URL('../../bin/domsec.js', import.meta.url));
let fx: Fixture;
beforeAll(async () => {
  fx = await fixture();
});
afterAll(async () => {
  await fx.teardown();
});

const domsec = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('domsec gateway', () => {
  it('--help documents the command, the config fields and the exit status', () => {
    const r = domsec('gateway', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: domsec gateway --config FILE/);
    for (const field of ['nextHop', 'recipientDcas', 'authservId', 'SIGINT', 'permerror']) expect(r.stdout).toContain(field);
    expect(domsec('--help').stdout).toMatch(/gateway\s+run the reference DOMSEC gateway/);
  });

  it('--list-faults prints every fault with its requirement', () => {
    const r = domsec('gateway', '--list-faults');
    expect(r.status).toBe(0);
    for (const f of FAULT_NAMES) expect(r.stdout).toContain(f);
    expect(r.stdout).toContain('DOMSEC-3.2-NO-SIGNATURE-IF-INVALID');
  });

  it('a bad config or an unknown fault is one line and exit 2', () => {
    const file = join(fx.pkiDir, '..', 'bad.json');
    writeFileSync(file, JSON.stringify({ ...baseConfig('example.test', 'pki', fx.sink), dca: 'example.test/none' }));
    const r = domsec('gateway', '--config', file);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/dca names no entry "example.test\/none"/);
    const good = join(fx.pkiDir, '..', 'good.json');
    writeFileSync(good, JSON.stringify(baseConfig('example.test', 'pki', fx.sink)));
    expect(domsec('gateway', '--config', good, '--fault', 'nope').stderr).toMatch(/unknown fault "nope"/);
  });

  it('runs with a config file (pki relative to it), relays, logs one line per message, stops on SIGTERM with exit 0', async () => {
    const file = join(fx.pkiDir, '..', 'gateway.json');
    writeFileSync(file, JSON.stringify(baseConfig('example.test', 'pki', fx.sink)));
    const child = spawn(process.execPath, [BIN, 'gateway', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const ports = await new Promise<{ outbound: number; inbound: number }>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ports printed: ${out}`)), 90_000);
        child.stdout.on('data', () => {
          const o = /^outbound 127\.0\.0\.1:(\d+)$/m.exec(out);
          const i = /^inbound 127\.0\.0\.1:(\d+)$/m.exec(out);
          if (o && i) {
            clearTimeout(t);
            resolve({ outbound: Number(o[1]), inbound: Number(i[1]) });
          }
        });
      });
      expect(out).toMatch(/domsec gateway for example\.test: reference/);
      const to = rcpt('example.org', 'cli');
      const g = { host: '127.0.0.1', outboundPort: ports.outbound, inboundPort: ports.inbound, close: async () => undefined };
      const r = await send(g, 'outbound', 'alice@example.test', [to], buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(fx.pki)).message);
      expect(r.accepted, r.response).toBe(true);
      expect(shape(fx.pki, fx.sink.for(to)[0]!.raw)).toBe('S[domainSig](S[-](data))');
      expect(out).toMatch(new RegExp(`outbound relayed <alice@example\\.test> -> ${to.replace('.', '\\.')} .*250 2\\.0\\.0 OK: relayed`));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGTERM, listeners closed/);
  }, 150_000);

  it('SIGTERM ends the process within a bound while a CPU-bomb message is processed and a client trickles DATA', async () => {
    const file = join(fx.pkiDir, '..', 'gateway-bomb.json');
    writeFileSync(file, JSON.stringify(baseConfig('example.org', 'pki', fx.sink)));
    const child = spawn(process.execPath, [BIN, 'gateway', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
    let trickle: NodeJS.Timeout | undefined;
    try {
      const inbound = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ports printed: ${out}`)), 90_000);
        child.stdout.on('data', () => {
          const i = /^inbound 127\.0\.0\.1:(\d+)$/m.exec(out);
          if (i) {
            clearTimeout(t);
            resolve(Number(i[1]));
          }
        });
      });
      // The bomb goes in (whatever the engine makes of it, the gateway's main thread only speaks SMTP) ...
      const g = { host: '127.0.0.1', outboundPort: 0, inboundPort: inbound, close: async () => undefined };
      void send(g, 'inbound', 'alice@example.test', [rcpt('example.org', 'bomb')], cpuBomb(fx.pki)).catch(() => undefined);
      // ... and a client holds a DATA open, a byte at a time.
      const c = await rawSmtp(inbound);
      await c.reply(10_000);
      await c.command('EHLO tester.example', 10_000);
      await c.command('MAIL FROM:<alice@example.test>', 10_000);
      await c.command(`RCPT TO:<${rcpt('example.org', 'trickle')}>`, 10_000);
      await c.command('DATA', 10_000);
      trickle = setInterval(() => c.write('x'), 100);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      child.kill('SIGTERM');
    }
    const sent = Date.now();
    const { code, at } = await exited;
    clearInterval(trickle);
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(8_000); // CLOSE_TIMEOUT_MS (2 s) for open sessions, plus process exit
    expect(out).toMatch(/SIGTERM, listeners closed/);
  }, 150_000);
});

