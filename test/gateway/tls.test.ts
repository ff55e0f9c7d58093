/**
 * The reference gateway with STARTTLS (config `tls`): both listeners offer it, the outbound listener takes
 * AUTH only after it (RFC 4954 4), and the relay to the next hop can require it and verify the next hop's
 * certificate (`nextHop.requireTls`, `nextHop.tlsCaFile`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, startGateway, type RunningGateway } from '../../src/gateway/config.js';
import { CaptureSink } from '../../src/smtp/sink.js';
import { submit } from '../../src/smtp/submit.js';
import { selfSignedTlsCredentials, type TlsCredentials } from '../../src/smtp/tls.js';
import { ALICE_AUTH, baseConfig, fixture, rcpt, shape, type Fixture } from './helpers.js';

const MESSAGE = Buffer.from('From: alice@example.org\r\nTo: bob@example.test\r\nSubject: tls\r\nContent-Type: text/plain\r\n\r\nhello\r\n');

let fx: Fixture;
let dir: string;
let gwCreds: TlsCredentials;
let sinkCreds: TlsCredentials;
let tlsSink: CaptureSink;
const files = { key: '', cert: '', sinkCert: '' };
beforeAll(async () => {
  fx = await fixture();
  dir = mkdtempSync(join(tmpdir(), 'domsec-gateway-tls-'));
  [gwCreds, sinkCreds] = await Promise.all([selfSignedTlsCredentials(), selfSignedTlsCredentials()]);
  files.key = join(dir, 'gw.key');
  files.cert = join(dir, 'gw.crt');
  files.sinkCert = join(dir, 'sink.crt');
  writeFileSync(files.key, gwCreds.key, { mode: 0o600 });
  writeFileSync(files.cert, gwCreds.cert);
  writeFileSync(files.sinkCert, sinkCreds.cert);
  tlsSink = await new CaptureSink({ tls: sinkCreds }).start();
});
afterAll(async () => {
  await tlsSink.stop();
  await fx.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** Raw SMTP: greeting, then each command's full reply (multi-line replies end with "NNN "). */
function dialogue(port: number, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const replies: string[] = [];
    let buf = '';
    const queue = [...commands];
    s.setTimeout(5000, () => {
      s.destroy();
      reject(new Error(`timeout; replies so far: ${replies.join(' | ')}`));
    });
    s.on('data', (d) => {
      buf += d.toString('latin1');
      while (/^\d{3} [^\r\n]*\r\n/m.test(buf)) {
        const m = /^\d{3} [^\r\n]*\r\n/m.exec(buf)!;
        replies.push(buf.slice(0, m.index + m[0].length));
        buf = buf.slice(m.index + m[0].length);
        const next = queue.shift();
        if (next === undefined) {
          s.end();
          resolve(replies);
          return;
        }
        s.write(`${next}\r\n`);
      }
    });
    s.on('error', reject);
  });
}

async function tlsGateway(over: Parameters<Fixture['gateway']>[1] = {}): Promise<RunningGateway> {
  return fx.gateway('example.org', { tls: { key: files.key, cert: files.cert }, ...over });
}

describe('gateway listeners with STARTTLS', () => {
  it('both listeners offer STARTTLS; the outbound one refuses AUTH before it (538)', async () => {
    const g = await tlsGateway();
    const [, outEhlo, auth] = await dialogue(g.outboundPort, ['EHLO tester.example', `AUTH PLAIN ${Buffer.from('\0alice@example.org\0alice-secret').toString('base64')}`, 'QUIT']);
    expect(outEhlo).toMatch(/^250[ -]STARTTLS/m);
    expect(auth).toMatch(/^538 /);
    const [, inEhlo] = await dialogue(g.inboundPort, ['EHLO tester.example', 'QUIT']);
    expect(inEhlo).toMatch(/^250[ -]STARTTLS/m);
    expect(inEhlo).not.toMatch(/AUTH/);
  });

  it('EHLO does not advertise AUTH before STARTTLS (it would get 538), and does after it', async () => {
    const g = await tlsGateway();
    const [, before] = await dialogue(g.outboundPort, ['EHLO tester.example', 'QUIT']);
    expect(before).toMatch(/^250[ -]STARTTLS/m);
    expect(before).not.toMatch(/AUTH/);
    const after = await new Promise<string>((resolve, reject) => {
      const raw = connect(g.outboundPort, '127.0.0.1');
      let buf = '';
      let step = 0;
      raw.on('error', reject);
      raw.on('data', (d) => {
        buf += d.toString('latin1');
        if (step === 0 && /^220 /m.test(buf)) {
          step = 1;
          buf = '';
          raw.write('EHLO tester.example\r\n');
        } else if (step === 1 && /^250 /m.test(buf)) {
          step = 2;
          buf = '';
          raw.write('STARTTLS\r\n');
        } else if (step === 2 && /^220 /m.test(buf)) {
          step = 3;
          raw.removeAllListeners('data');
          const t = tlsConnect({ socket: raw, ca: gwCreds.cert, servername: 'localhost' }, () => t.write('EHLO tester.example\r\n'));
          let tb = '';
          t.on('error', reject);
          t.on('data', (x) => {
            tb += x.toString('latin1');
            if (/^250 /m.test(tb)) {
              t.end('QUIT\r\n');
              resolve(tb);
            }
          });
        }
      });
    });
    expect(after).toMatch(/^250[ -]AUTH PLAIN LOGIN/m);
    expect(after).not.toMatch(/STARTTLS/);
  });

  it('STARTTLS, then AUTH: the message is domain-signed and relayed; the transcript shows the upgrade', async () => {
    const g = await tlsGateway();
    const to = rcpt('example.test', 'tls-out');
    const r = await submit({ endpoint: { host: g.host, port: g.outboundPort, requireTls: true, tlsCa: gwCreds.cert, auth: ALICE_AUTH('example.org') }, mailFrom: 'alice@example.org', rcptTo: [to], raw: MESSAGE, maxRetries: 0 });
    expect(r.accepted, r.transcript.join('\n')).toBe(true);
    expect(r.transcript.join('\n')).toMatch(/Connection upgraded with STARTTLS[^]*authenticated/);
    const got = await fx.sink.waitFor(to, 3000, 0);
    expect(got).toHaveLength(1);
    expect(shape(fx.pki, got[0]!.raw)).toBe('S[domainSig](S[empty](data))'); // N12: the empty layer under the domain signature
  });

  it('a wrong password over TLS is still refused (535)', async () => {
    const g = await tlsGateway();
    const r = await submit({ endpoint: { host: g.host, port: g.outboundPort, requireTls: true, tlsCa: gwCreds.cert, auth: { user: 'alice@example.org', pass: 'wrong' } }, mailFrom: 'alice@example.org', rcptTo: [rcpt('example.test', 'tls-badpw')], raw: MESSAGE, maxRetries: 0 });
    expect(r.accepted).toBe(false);
    expect(r.code).toBe(535);
  });
});

describe('relay to the next hop over TLS', () => {
  it('requireTls with the next hop\'s trust anchor: relayed over TLS', async () => {
    const g = await tlsGateway({ nextHop: { host: tlsSink.host, port: tlsSink.port, requireTls: true, tlsCaFile: files.sinkCert } });
    const to = rcpt('example.org', 'tls-relay');
    const r = await submit({ endpoint: { host: g.host, port: g.inboundPort, requireTls: true, tlsCa: gwCreds.cert }, mailFrom: 'alice@example.test', rcptTo: [to], raw: MESSAGE, maxRetries: 0 });
    expect(r.accepted, r.response).toBe(true);
    const got = await tlsSink.waitFor(to, 3000, 0);
    expect(got).toHaveLength(1);
    expect(got[0]!.tls).toBe(true);
  });

  it('requireTls towards a next hop without STARTTLS: not relayed, a transient 451 to the sender', async () => {
    const g = await tlsGateway({ nextHop: { host: fx.sink.host, port: fx.sink.port, requireTls: true } });
    const to = rcpt('example.org', 'tls-relay-plain');
    const r = await submit({ endpoint: { host: g.host, port: g.inboundPort, tlsCa: gwCreds.cert }, mailFrom: 'alice@example.test', rcptTo: [to], raw: MESSAGE, maxRetries: 0 });
    expect(r.accepted).toBe(false);
    expect(r.code).toBe(451);
    expect(await fx.sink.waitFor(to, 300, 0)).toEqual([]);
  });

  it('a next hop whose certificate the gateway cannot verify: not relayed (451), never sent unverified', async () => {
    const g = await tlsGateway({ nextHop: { host: tlsSink.host, port: tlsSink.port, requireTls: true, tlsCaFile: files.cert } });
    const to = rcpt('example.org', 'tls-relay-untrusted');
    const r = await submit({ endpoint: { host: g.host, port: g.inboundPort, tlsCa: gwCreds.cert }, mailFrom: 'alice@example.test', rcptTo: [to], raw: MESSAGE, maxRetries: 0 });
    expect(r.code).toBe(451);
    expect(r.response).toMatch(/certificate/i);
    expect(await tlsSink.waitFor(to, 300, 0)).toEqual([]);
  });
});

describe('configuration', () => {
  it('a non-loopback listen host needs tls; tls and nextHop fields are checked', async () => {
    const base = baseConfig('example.org', fx.pkiDir, fx.sink);
    await expect(startGateway({ ...base, listen: { host: '0.0.0.0' } })).rejects.toThrow(/loopback address .* unless "tls" is configured/);
    await expect(startGateway({ ...base, tls: { key: files.key } as never })).rejects.toThrow(/tls must be \{ "key": PEM file, "cert": PEM file \}/);
    await expect(startGateway({ ...base, tls: { key: files.key, cert: files.cert, extra: 1 } as never })).rejects.toThrow(/unknown field "tls.extra"/);
    await expect(startGateway({ ...base, nextHop: { ...base.nextHop, requireTls: 'yes' as never } })).rejects.toThrow(/nextHop.requireTls must be a boolean/);
    await expect(startGateway({ ...base, tls: { key: join(dir, 'missing.key'), cert: files.cert } })).rejects.toThrow(/tls.key: .*missing\.key: ENOENT/);
    await expect(startGateway({ ...base, tls: { key: files.key, cert: fx.pkiDir + '/pki.json' } })).rejects.toThrow(/tls.cert: .* is not PEM/);
    await expect(startGateway({ ...base, nextHop: { ...base.nextHop, tlsCaFile: join(dir, 'nope.pem') } })).rejects.toThrow(/nextHop.tlsCaFile: .*nope\.pem: ENOENT/);
  });

  it('loadGatewayConfig resolves the TLS files against the config file\'s folder', () => {
    const cfg = join(dir, 'gateway.json');
    writeFileSync(cfg, JSON.stringify({ ...baseConfig('example.org', fx.pkiDir, fx.sink), tls: { key: 'gw.key', cert: 'gw.crt' }, nextHop: { host: '127.0.0.1', port: 25, tlsCaFile: 'sink.crt' } }));
    const c = loadGatewayConfig(cfg);
    expect(c.tls).toEqual({ key: files.key, cert: files.cert });
    expect(c.nextHop.tlsCaFile).toBe(files.sinkCert);
  });
});
