/**
 * The private Postfix (src/mta/postfix.ts) on its own, with a recording stand-in for the gateway that
 * relays what it gets unchanged to Postfix's re-injection port:
 *
 *   test -> Postfix submission/inbound -> recorder (filter) -> Postfix re-injection -> sink
 *
 * It is installed (or this file fails, loudly: run .ci/install-postfix.sh); it keeps messages byte for
 * byte except the Received: fields it prepends (no Message-Id:, Date:, To: added, 8-bit bodies and long
 * lines untouched) and keeps envelopes; SMTP AUTH on the submission port reaches the filter as the same
 * user, unauthenticated mail reaches it unauthenticated; it stops leaving no process and no folder, also
 * when the Node process that started it exits without stop() or is killed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CaptureSink } from '../../src/smtp/sink.js';
import { submit } from '../../src/smtp/submit.js';
import { findPostfix, freePort, startPostfix, MtaError, type RunningPostfix } from '../../src/mta/index.js';
import { WATCHDOG_SCRIPT } from '../../src/mta/postfix.js';
import { startRecorder, withoutLeadingReceived, type Recorder } from './helpers.js';
import { alive, waitUntil } from '../helpers/process.js';
import { groupMembers } from '../../src/local-server.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/start-postfix.mjs', import.meta.url));
const ALICE = { user: 'alice@example.org', pass: 'alice secret:with colon' };

/** A message Postfix could be tempted to change: no Date:/Message-ID:, 8-bit body, a 1500-octet line, a leading dot, "From " at line start, trailing blanks. */
function probe(tag: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      [
        'From: Alice <alice@example.org>',
        `Subject: transparency probe ${tag}`,
        'X-Folded: first part',
        '\tsecond part after a tab',
        `X-Long-Header: ${'h'.repeat(1200)}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ].join('\r\n'),
    ),
    Buffer.from('h\u00e9llo, 8-bit body \u2713 \u00fc\r\n', 'utf8'),
    Buffer.from(['.a line that starts with a dot', '..two dots', 'From the start of a line', `${'x'.repeat(1500)}`, 'trailing blanks   ', '\t', '', 'last line', ''].join('\r\n')),
  ]);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('Postfix is installed (this fails here, loudly, when it is not: run .ci/install-postfix.sh)', () => {
  it('finds postfix, postconf, postqueue and saslpasswd2', () => {
    const inst = findPostfix();
    for (const p of Object.values(inst)) expect(existsSync(p)).toBe(true);
  });
});

describe('a private Postfix between a client and a pass-through filter', () => {
  let sink: CaptureSink;
  let filter: Recorder;
  let pf: RunningPostfix;
  beforeAll(async () => {
    sink = await new CaptureSink().start();
    const reinject = await freePort();
    filter = await startRecorder({ host: '127.0.0.1', port: reinject });
    pf = await startPostfix({
      relayDomains: ['example.org', 'example.test'],
      deliverTo: { host: sink.host, port: sink.port },
      filters: { submission: { host: filter.host, port: filter.port }, inbound: { host: filter.host, port: filter.port } },
      users: { [ALICE.user]: ALICE.pass },
      ports: { reinject },
    });
  });
  afterAll(async () => {
    await pf?.stop();
    await filter?.close();
    await sink?.stop();
  });

  const diag = (): string => `\n--- postfix log ---\n${pf.log(6000)}`;

  for (const [direction, auth] of [['submission', false], ['submission', true], ['inbound', false]] as const) {
    it(`${direction}${auth ? ' with SMTP AUTH' : ''}: envelope kept, bytes kept except the Received: fields Postfix prepends`, async () => {
      const rcpt = `${direction}-${auth ? 'auth' : 'plain'}-${Date.now()}@${direction === 'submission' ? 'example.test' : 'example.org'}`;
      const from = direction === 'submission' ? ALICE.user : 'carol@example.test';
      const msg = probe(rcpt);
      const port = direction === 'submission' ? pf.submissionPort : pf.inboundPort;
      const r = await submit({ endpoint: { host: pf.host, port, ...(auth ? { auth: ALICE } : {}) }, mailFrom: from, rcptTo: [rcpt], raw: msg, maxRetries: 0 });
      expect(r.accepted, r.response).toBe(true);

      // At the filter (the gateway's place): the envelope, the AUTH user (or none), the message + one Received:.
      const atFilter = await filter.waitFor(rcpt, 10_000);
      expect(atFilter, diag()).toBeDefined();
      expect(atFilter!.mailFrom).toBe(from);
      expect(atFilter!.rcptTo).toEqual([rcpt.toLowerCase()]);
      expect(atFilter!.user).toBe(auth ? ALICE.user : undefined);
      const f = withoutLeadingReceived(atFilter!.raw);
      expect(f.received).toHaveLength(1);
      expect(f.received[0]).toMatch(/by mta\.domsec-suite\.test \(Postfix\)/);
      expect(f.rest.equals(msg), `at the filter:\n${f.rest.toString('utf8').slice(0, 800)}`).toBe(true);

      // At the sink, after re-injection: one more Received:, nothing else changed.
      const [atSink, ...more] = await sink.waitFor(rcpt, 10_000);
      expect(atSink, diag()).toBeDefined();
      expect(more).toEqual([]);
      expect(atSink!.mailFrom).toBe(from);
      expect(atSink!.rcptTo).toEqual([rcpt.toLowerCase()]);
      const s = withoutLeadingReceived(atSink!.raw);
      expect(s.received).toHaveLength(2);
      expect(s.rest.equals(msg), `at the sink:\n${s.rest.toString('utf8').slice(0, 800)}`).toBe(true);
      expect(s.rest.toString('latin1')).not.toMatch(/^(Message-Id|Date|To):/im);
    });
  }

  it('a wrong SMTP AUTH password is refused at the submission port (535), and nothing reaches the filter', async () => {
    const rcpt = `wrong-pass-${Date.now()}@example.test`;
    const r = await submit({ endpoint: { host: pf.host, port: pf.submissionPort, auth: { user: ALICE.user, pass: 'not the password' } }, mailFrom: ALICE.user, rcptTo: [rcpt], raw: probe(rcpt), maxRetries: 0 });
    expect(r.accepted).toBe(false);
    expect(r.code).toBe(535);
    expect(await filter.waitFor(rcpt, 500)).toBeUndefined();
  });

  it('the inbound port offers no SMTP AUTH (it is for other domains)', async () => {
    const r = await submit({ endpoint: { host: pf.host, port: pf.inboundPort, auth: ALICE }, mailFrom: 'carol@example.test', rcptTo: [`x-${Date.now()}@example.org`], raw: probe('inbound-auth'), maxRetries: 0 });
    // nodemailer sends without AUTH when the server offers none: what matters is that the filter sees no user.
    if (r.accepted) {
      const m = await filter.waitFor(r.transcript.join(' ').match(/<(x-\d+@example\.org)>/)![1]!, 10_000);
      expect(m?.user).toBeUndefined();
    } else {
      expect(r.code).toBeGreaterThanOrEqual(500);
    }
  });

  it('runs as the configured instance: its own folders, loopback ports, no chroot', () => {
    const main = readFileSync(`${pf.configDir}/main.cf`, 'utf8');
    expect(main).toMatch(new RegExp(`^queue_directory = ${pf.workDir}/queue$`, 'm'));
    expect(main).toMatch(/^inet_interfaces = 127\.0\.0\.1$/m);
    expect(main).toMatch(/^mydestination = $/m);
    expect(main).toMatch(/^local_header_rewrite_clients = $/m);
    const master = readFileSync(`${pf.configDir}/master.cf`, 'utf8');
    for (const line of master.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#'))) expect(line.split(/\s+/)[4], line).toBe('n');
    expect(pf.running).toBe(true);
  });
});

describe('lifecycle', () => {
  it('stop() ends the master and every child, removes the folder, frees the ports, and is idempotent', async () => {
    const sink = await new CaptureSink().start();
    const pf = await startPostfix({
      relayDomains: ['example.org'],
      deliverTo: { host: sink.host, port: sink.port },
      filters: { submission: { host: sink.host, port: sink.port }, inbound: { host: sink.host, port: sink.port } },
    });
    try {
      expect(alive(pf.pid)).toBe(true);
      expect(await refused(pf.submissionPort)).toBe(false);
      await pf.stop();
      expect(alive(pf.pid)).toBe(false);
      expect(pf.running).toBe(false);
      expect(existsSync(pf.workDir)).toBe(false);
      for (const p of [pf.submissionPort, pf.inboundPort, pf.reinjectPort]) expect(await refused(p)).toBe(true);
      await pf.stop();
    } finally {
      await pf.stop();
      await sink.stop();
    }
  });

  it('a port already taken: MTA_START_FAILED naming the bind failure, and nothing left behind', async () => {
    const sink = await new CaptureSink().start();
    try {
      const err = await startPostfix({
        relayDomains: ['example.org'],
        deliverTo: { host: sink.host, port: sink.port },
        filters: { submission: { host: sink.host, port: sink.port }, inbound: { host: sink.host, port: sink.port } },
        ports: { submission: sink.port, inbound: await freePort(), reinject: await freePort() },
        startTimeoutMs: 15_000,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MtaError);
      expect((err as MtaError).code).toBe('MTA_START_FAILED');
      expect((err as MtaError).message).toMatch(/bind|address already in use/i);
    } finally {
      await sink.stop();
    }
  });

  it('bad options: BAD_ARGUMENT before anything starts', async () => {
    const base = { relayDomains: ['example.org'], deliverTo: { host: '127.0.0.1', port: 2525 }, filters: { submission: { host: '127.0.0.1', port: 2526 }, inbound: { host: '127.0.0.1', port: 2527 } } };
    await expect(startPostfix({ ...base, relayDomains: [] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(startPostfix({ ...base, relayDomains: ['not a domain'] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(startPostfix({ ...base, users: { 'a b@example.org': 'x' } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(startPostfix({ ...base, users: { 'a@example.org': 'two\nlines' } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  for (const mode of ['exit', 'wait'] as const) {
    it(`no leftover Postfix when the Node process that started it ${mode === 'exit' ? 'exits without stop()' : 'is killed with SIGKILL'}`, async () => {
      const child = spawn(process.execPath, [FIXTURE, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const ok = await waitUntil(() => out.includes('\n') || child.exitCode !== null, 30_000);
      expect(ok && out.includes('\n'), err).toBe(true);
      const info = JSON.parse(out.split('\n')[0]!) as { pid: number; workDir: string; port: number };
      try {
        if (mode === 'wait') {
          expect(alive(info.pid)).toBe(true);
          child.kill('SIGKILL');
        }
        // exit: the 'exit' hook SIGKILLs the master's group at once; SIGKILL of Node: the watchdog stops it.
        expect(await waitUntil(() => !alive(info.pid), 10_000)).toBe(true);
        // The folder goes only after the whole group is gone, so that its absence means no listener is left.
        expect(await waitUntil(() => !existsSync(info.workDir), 10_000)).toBe(true);
        expect(groupMembers(info.pid).length > 0).toBe(false);
        expect(await refused(info.port)).toBe(true);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        if (alive(info.pid)) process.kill(-info.pid, 'SIGKILL');
        rmSync(info.workDir, { recursive: true, force: true });
      }
    });
  }
});

describe('the watchdog script (run by /bin/sh when the Node process that started Postfix dies)', () => {
  it('SIGKILLs a process group that ignores SIGTERM, and removes the folder only once no member is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'domsec-watchdog-'));
    writeFileSync(join(dir, 'marker'), 'x');
    // A stand-in for the master and two children, all ignoring SIGTERM (an ignored signal stays ignored across exec).
    const group = spawn('sh', ['-c', "trap '' TERM; sleep 60 & sleep 60 & wait"], { detached: true, stdio: 'ignore' });
    const pgid = group.pid!;
    try {
      expect(await waitUntil(() => groupMembers(pgid).length > 0, 5_000)).toBe(true);
      const watchdog = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'domsec-postfix-watchdog', String(pgid), dir], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      watchdog.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((r) => watchdog.once('exit', (code) => r(code)));
      // End-of-file on the pipe is the watchdog's signal that its parent is gone.
      watchdog.stdin!.end();
      expect(await exited, stderr).toBe(0);
      expect(groupMembers(pgid).length > 0).toBe(false);
      expect(existsSync(dir)).toBe(false);
    } finally {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
