/**
 * Issue 12 items 10 and 11 on the capture sink: a DATA over the size limit is answered 552 and not kept,
 * and a client that trickles bytes (a command line, a message's content) or never leaves is cut off with
 * 421 after a total time, not only after idle time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { boundedData } from '../../src/smtp/bounds.js';
import { CaptureSink } from '../../src/smtp/sink.js';
import { rawSmtp, type RawSmtp } from './raw-smtp.js';

const LIMIT = 20_000;
let sink: CaptureSink;
beforeAll(async () => {
  sink = await new CaptureSink({ maxMessageBytes: LIMIT, bounds: { commandMs: 400, dataMs: 600, sessionMs: 1500 } }).start();
});
afterAll(async () => {
  await sink.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function greeted(): Promise<RawSmtp> {
  const c = await rawSmtp(sink.port);
  expect(await c.reply()).toMatch(/^220 /);
  return c;
}

async function inData(c: RawSmtp, rcpt: string): Promise<void> {
  expect(await c.command('EHLO tester.example')).toMatch(/^250 /m);
  expect(await c.command('MAIL FROM:<a@example.org>')).toMatch(/^250 /);
  expect(await c.command(`RCPT TO:<${rcpt}>`)).toMatch(/^250 /);
  expect(await c.command('DATA')).toMatch(/^354 /);
}

describe('boundedData', () => {
  it('keeps a message under the limit whole', async () => {
    const s = new PassThrough();
    const p = boundedData(s, 1000);
    for (let i = 0; i < 9; i++) s.write(Buffer.alloc(100, 0x41 + i));
    s.end();
    const d = await p;
    expect(d.exceeded).toBe(false);
    expect(d.message?.length).toBe(900);
    expect(d.message?.subarray(800).toString()).toBe('I'.repeat(100));
    expect(d.receivedBytes).toBe(900);
  });

  it('past the limit: keeps nothing, holds at most the limit at any time, still counts what came', async () => {
    const s = new PassThrough();
    const p = boundedData(s, 1000);
    for (let i = 0; i < 30; i++) s.write(Buffer.alloc(100, 0x41));
    s.end();
    const d = await p;
    expect(d.exceeded).toBe(true);
    expect(d.message).toBeUndefined();
    expect(d.receivedBytes).toBe(3000);
    expect(d.peakKeptBytes).toBeLessThanOrEqual(1000);
  });
});

describe('capture sink', () => {
  it('a DATA somewhat over the limit: 552, nothing captured, never more than the limit held', async () => {
    const c = await greeted();
    await inData(c, 'big@example.test');
    const line = `${'x'.repeat(998)}\r\n`;
    for (let sent = 0; sent < LIMIT * 1.5; sent += line.length) c.write(line);
    const r = await c.command('.');
    expect(r).toMatch(/^552 /);
    expect(sink.for('big@example.test')).toEqual([]);
    const o = sink.oversized.find((m) => m.rcptTo.includes('big@example.test'))!;
    expect(o.bytes).toBeGreaterThan(LIMIT * 1.4);
    expect(o.peakKeptBytes).toBeLessThanOrEqual(LIMIT);
    // The session goes on: a message within the limit after it is taken.
    expect(await c.command('MAIL FROM:<a@example.org>')).toMatch(/^250 /);
    c.end();
  });

  it('a command line trickled a byte at a time is cut off with 421 after the command bound, not the idle timeout', async () => {
    const c = await greeted();
    const t0 = Date.now();
    const timer = setInterval(() => c.write('N'), 50); // never idle, never a whole line
    try {
      const r = await c.reply(5000);
      expect(r).toMatch(/^421 .*time limit for a command line/);
      await c.closed;
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      clearInterval(timer);
    }
  });

  it('message content trickled after 354 is cut off with 421 after the DATA bound', async () => {
    const c = await greeted();
    await inData(c, 'slow-data@example.test');
    const timer = setInterval(() => c.write('x'), 50);
    try {
      expect(await c.reply(5000)).toMatch(/^421 .*time limit for the message content/);
      await c.closed;
    } finally {
      clearInterval(timer);
    }
    expect(sink.for('slow-data@example.test')).toEqual([]);
  });

  it('a session of quick commands that never ends is closed after the session bound', async () => {
    const c = await greeted();
    const t0 = Date.now();
    let last = '';
    while (!c.isClosed() && Date.now() - t0 < 5000) {
      last = await c.command('NOOP', 2000).catch(() => last);
      if (/^421 /.test(last)) break;
      await sleep(100);
    }
    await c.closed;
    expect(c.replies.at(-1)).toMatch(/^421 .*time limit for the session/);
    expect(c.replies.filter((r) => r.startsWith('250 ')).length).toBeGreaterThan(5); // it was answering all along
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
  });

  it('a prompt client is unaffected by the bounds', async () => {
    const c = await greeted();
    await inData(c, 'ok-bounds@example.test');
    expect(await c.command('Subject: t\r\n\r\nhello\r\n.')).toMatch(/^250 /);
    expect(sink.for('ok-bounds@example.test')).toHaveLength(1);
    c.end();
  });
});
