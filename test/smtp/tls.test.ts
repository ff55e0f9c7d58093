/**
 * STARTTLS on the suite's own SMTP legs (RFC 3207): submission verifies the server's certificate against
 * the trust anchor it is given, a required STARTTLS that is not offered or does not verify is a `tls`
 * transport failure (never a silent fall-back to plain text), and the sink records whether a relay came
 * over TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { CaptureSink } from '../../src/smtp/sink.js';
import { submit } from '../../src/smtp/submit.js';
import { readPemFile, selfSignedTlsCredentials, type TlsCredentials } from '../../src/smtp/tls.js';

const RAW = Buffer.from('From: alice@example.org\r\nTo: bob@example.test\r\nSubject: tls\r\n\r\nhello\r\n');

let creds: TlsCredentials;
let other: TlsCredentials;
let tlsSink: CaptureSink;
let plainSink: CaptureSink;
beforeAll(async () => {
  [creds, other] = await Promise.all([selfSignedTlsCredentials(), selfSignedTlsCredentials()]);
  tlsSink = await new CaptureSink({ tls: creds }).start();
  plainSink = await new CaptureSink().start();
});
afterAll(async () => {
  await tlsSink.stop();
  await plainSink.stop();
});

describe('selfSignedTlsCredentials', () => {
  it('is a short-lived server certificate for the loopback names', () => {
    const c = new X509Certificate(creds.cert);
    expect(c.checkHost('localhost')).toBe('localhost');
    expect(c.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(c.checkIP('::1')).toBe('::1');
    expect(c.ca).toBe(false);
    expect(c.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(new Date(c.validTo).getTime() - Date.now()).toBeLessThanOrEqual(86_400_000 + 1000);
    expect(c.verify(c.publicKey)).toBe(true); // self-signed: its own trust anchor
    expect(new X509Certificate(other.cert).fingerprint256).not.toBe(c.fingerprint256); // a fresh key each time
  });
});

describe('submission with STARTTLS', () => {
  it('required and offered: upgrades, verifies the certificate, and the transcript says so', async () => {
    const rcpt = 'tls-ok@example.test';
    const r = await submit({ endpoint: { host: '127.0.0.1', port: tlsSink.port, requireTls: true, tlsCa: creds.cert }, mailFrom: 'alice@example.org', rcptTo: [rcpt], raw: RAW });
    expect(r.accepted, r.transcript.join('\n')).toBe(true);
    expect(r.transcript.join('\n')).toMatch(/Connection upgraded with STARTTLS/);
    const got = await tlsSink.waitFor(rcpt, 2000, 0);
    expect(got).toHaveLength(1);
    expect(got[0]!.tls).toBe(true);
    expect(got[0]!.raw.toString()).toContain('hello');
  });

  it('not required but offered: used anyway (opportunistic), with the same verification', async () => {
    const rcpt = 'tls-opportunistic@example.test';
    const r = await submit({ endpoint: { host: '127.0.0.1', port: tlsSink.port, tlsCa: creds.cert }, mailFrom: 'alice@example.org', rcptTo: [rcpt], raw: RAW });
    expect(r.accepted).toBe(true);
    expect((await tlsSink.waitFor(rcpt, 2000, 0))[0]!.tls).toBe(true);
  });

  it('required but not offered: a tls failure, nothing delivered in plain text', async () => {
    const rcpt = 'tls-missing@example.test';
    const r = await submit({ endpoint: { host: '127.0.0.1', port: plainSink.port, requireTls: true }, mailFrom: 'alice@example.org', rcptTo: [rcpt], raw: RAW });
    expect(r.accepted).toBe(false);
    expect(r.failure).toBe('tls');
    expect(r.attempts).toBe(1);
    expect(await plainSink.waitFor(rcpt, 300, 0)).toEqual([]);
  });

  it('a certificate that does not chain to the given trust anchor: a tls failure naming the certificate problem', async () => {
    const rcpt = 'tls-untrusted@example.test';
    const r = await submit({ endpoint: { host: '127.0.0.1', port: tlsSink.port, requireTls: true, tlsCa: other.cert }, mailFrom: 'alice@example.org', rcptTo: [rcpt], raw: RAW });
    expect(r.accepted).toBe(false);
    expect(r.failure).toBe('tls');
    expect(r.response).toMatch(/certificate/i);
    expect(await tlsSink.waitFor(rcpt, 300, 0)).toEqual([]);
  });

  it('the wrong name: the RFC 6125 check fails unless tlsServername names what the certificate carries', async () => {
    const bad = await submit({ endpoint: { host: '127.0.0.1', port: tlsSink.port, requireTls: true, tlsCa: creds.cert, tlsServername: 'mx.example.org' }, mailFrom: 'alice@example.org', rcptTo: ['tls-name@example.test'], raw: RAW });
    expect(bad.failure).toBe('tls');
    expect(bad.response).toMatch(/mx\.example\.org|altnames|Hostname/i);
    const good = await submit({ endpoint: { host: '127.0.0.1', port: tlsSink.port, requireTls: true, tlsCa: creds.cert, tlsServername: 'localhost' }, mailFrom: 'alice@example.org', rcptTo: ['tls-name-ok@example.test'], raw: RAW });
    expect(good.accepted).toBe(true);
  });

  it('a plain sink records relays as not TLS', async () => {
    const rcpt = 'plain@example.test';
    expect((await submit({ endpoint: { host: '127.0.0.1', port: plainSink.port }, mailFrom: 'alice@example.org', rcptTo: [rcpt], raw: RAW })).accepted).toBe(true);
    expect((await plainSink.waitFor(rcpt, 2000, 0))[0]!.tls).toBe(false);
  });

  it('an unreadable trust-anchor file is one clear line', async () => {
    await expect(submit({ endpoint: { host: '127.0.0.1', port: tlsSink.port, requireTls: true, tlsCaFile: '/nonexistent/ca.pem' }, mailFrom: 'a@example.org', rcptTo: ['x@example.test'], raw: RAW })).rejects.toThrow(/TLS trust anchor: \/nonexistent\/ca\.pem: ENOENT/);
  });
});

describe('readPemFile', () => {
  it('stops reading at the credential-file limit: /dev/zero is one LIMIT_EXCEEDED line, not gigabytes', () => {
    expect(() => readPemFile('/dev/zero', 'gateway config: tls.key')).toThrow(/larger than 16 MiB \(MAX_CREDENTIAL_FILE_BYTES\)/);
    expect(() => readPemFile('/nonexistent/x.pem', 'gateway config: tls.key')).toThrow(/^gateway config: tls\.key: \/nonexistent\/x\.pem: ENOENT$/);
  });
});
