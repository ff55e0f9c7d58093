/**
 * The reference gateway under attack (issue 12, items 6 and 10-13, and "also seen"), each on a message or
 * client made here: a slow message does not stop the listeners, DATA past SIZE is not kept, trickling
 * clients are cut off, a case (b) message is never decrypted for a recipient outside the domain, forged
 * Authentication-Results go whatever the header looks like, and the config of issue 13 (originator
 * authentication, case (c), two signing algorithms) does what it says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { domainSignerInputs, envelopeLayer, signedLayer } from '../../src/message/build.js';
import { layerChain } from '../../src/message/layers.js';
import { certRef } from '../../src/cms/cert-ref.js';
import { recipientInfoMatches } from '../../src/cms/recipient-info.js';
import { isDomainSignature, signatureTypesOf } from '../../src/domsec/signature-type.js';
import { startGateway, type GatewayEvent } from '../../src/gateway/server.js';
import { claimsAuthservId, stripOwnAuthenticationResults } from '../../src/gateway/headers.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { exampleParties, HEADERS, SIGNING_TIME } from '../helpers/messages.js';
import { keyOf } from '../helpers/pki.js';
import { rawSmtp, type RawSmtp } from '../smtp/raw-smtp.js';
import { ALICE_AUTH, baseConfig, fixture, header, parsed, rcpt, send, shape, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await fixture();
});
afterAll(async () => {
  await fx.teardown();
});

const CONTENT = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\nhostile test\r\n');
const withHeaders = (entity: Buffer, headers: Array<[string, string]>) => Buffer.concat([Buffer.from(headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')), entity]);
const plain = (extra: Array<[string, string]> = []): Buffer => withHeaders(CONTENT, [...HEADERS, ...extra]);

/** Mail from example.test for example.org: S_dom(S1(C)), enveloped for example.org's DCA when `encrypt` (case b/d). */
function inbound(opts: { encrypt?: boolean; headers?: Array<[string, string]>; inner?: Buffer } = {}): Buffer {
  const headers: Array<[string, string]> = opts.headers ?? [['From', 'alice@example.test'], ['To', 'bob@example.org'], ['Subject', 'inbound']];
  const s1 = signedLayer(opts.inner ?? CONTENT, { signers: [keyOf(fx.pki, 'example.test/user-alice')], signingTime: SIGNING_TIME });
  const sdom = signedLayer(s1, { signers: domainSignerInputs([keyOf(fx.pki, 'example.test/signer-rsa')]), signingTime: SIGNING_TIME, ...(opts.encrypt ? {} : { headers }) });
  return opts.encrypt ? envelopeLayer(sdom, { recipients: [{ certDer: keyOf(fx.pki, 'example.org/dca-rsa').certDer }], headers }) : sdom;
}

async function greeted(port: number): Promise<RawSmtp> {
  const c = await rawSmtp(port);
  expect(await c.reply()).toMatch(/^220 /);
  return c;
}

describe('item 6: the listeners answer while a message is processed', () => {
  const SLOW_WORKER = new URL('./fixtures/slow-worker.ts', import.meta.url);

  it('EHLO is answered at once on both listeners while a message takes seconds of CPU; past the bound it is refused 552 5.3.4 and the next message is relayed', async () => {
    const g = await startGateway(baseConfig('example.test', fx.pkiDir, fx.sink), { workerEntry: SLOW_WORKER, limits: { messageMs: 4000, workers: 1 } });
    try {
      // Warm the worker up so that the timing below is the message's, not the worker's start.
      const warm = rcpt('example.org', 'warm');
      const w = await send(g, 'outbound', 'alice@example.test', [warm], plain(), ALICE_AUTH('example.test'));
      expect(w.accepted, w.response).toBe(true);
      const to = rcpt('example.org', 'slow');
      const t0 = Date.now();
      const slow = send(g, 'outbound', 'alice@example.test', [to], plain([['X-Test-Busy-Ms', '12000']]), ALICE_AUTH('example.test'));
      await new Promise((r) => setTimeout(r, 800)); // the message is now in its worker
      for (const port of [g.outboundPort, g.inboundPort]) {
        const e0 = Date.now();
        const c = await greeted(port);
        expect(await c.command('EHLO tester.example', 2000)).toMatch(/^250 /m);
        expect(Date.now() - e0).toBeLessThan(1500);
        c.end();
      }
      const r = await slow;
      expect(r.code).toBe(552);
      expect(r.response).toMatch(/^552 5\.3\.4 .*longer than 4000 ms/);
      expect(Date.now() - t0).toBeLessThan(10_000); // answered at the bound, not after the 12 s of work
      expect(fx.sink.for(to)).toEqual([]);
      const next = rcpt('example.org', 'after-slow');
      const n = await send(g, 'outbound', 'alice@example.test', [next], plain(), ALICE_AUTH('example.test'));
      expect(n.accepted, n.response).toBe(true); // a fresh worker took it
      expect(shape(fx.pki, fx.sink.for(next)[0]!.raw)).toBe('S[domainSig](S[empty](data))');
    } finally {
      await g.close();
    }
  });

  it('close() returns promptly while a message is in a worker, and the client gets a transient answer', async () => {
    const g = await startGateway(baseConfig('example.test', fx.pkiDir, fx.sink), { workerEntry: SLOW_WORKER, limits: { workers: 1 } });
    const slow = send(g, 'outbound', 'alice@example.test', [rcpt('example.org', 'closing')], plain([['X-Test-Busy-Ms', '20000']]), ALICE_AUTH('example.test'));
    await new Promise((r) => setTimeout(r, 4000)); // worker started, message in it
    const t0 = Date.now();
    await g.close();
    expect(Date.now() - t0).toBeLessThan(4000);
    const r = await slow;
    expect(r.accepted).toBe(false);
    expect(String(r.code)).toMatch(/^4/);
  });
});

describe('item 10: DATA past SIZE', () => {
  it('a DATA somewhat over a small limit gets 552, is not relayed, and no more than the limit is held', async () => {
    const events: GatewayEvent[] = [];
    const g = await startGateway(baseConfig('example.test', fx.pkiDir, fx.sink), { limits: { maxMessageBytes: 30_000 }, onEvent: (e) => events.push(e) });
    try {
      const to = rcpt('example.org', 'big');
      const body = Buffer.from(`${'y'.repeat(998)}\r\n`.repeat(40));
      const r = await send(g, 'outbound', 'alice@example.test', [to], Buffer.concat([plain(), body]), ALICE_AUTH('example.test'));
      expect(r.code).toBe(552);
      expect(fx.sink.for(to)).toEqual([]);
      const e = events.find((x) => x.rcptTo.includes(to))!;
      expect(e.outcome).toBe('refused');
      expect(e.bytes).toBeGreaterThan(40_000);
      const held = Number(/at most (\d+) bytes held/.exec(e.detail ?? '')?.[1]);
      expect(held).toBeLessThanOrEqual(30_000);
    } finally {
      await g.close();
    }
  });
});

describe('item 11: slow clients', () => {
  it('a trickled command line is cut off with 421 4.4.2 after the command bound while another client is served', async () => {
    const g = await startGateway(baseConfig('example.test', fx.pkiDir, fx.sink), { limits: { commandMs: 500, dataMs: 700, sessionMs: 30_000 } });
    try {
      const slow = await greeted(g.outboundPort);
      const t0 = Date.now();
      const timer = setInterval(() => slow.write('E'), 50);
      try {
        const other = await greeted(g.outboundPort);
        expect(await other.command('EHLO tester.example')).toMatch(/^250 /m);
        other.end();
        expect(await slow.reply(5000)).toMatch(/^421 4\.4\.2 .*time limit for a command line \(500 ms\)/);
        await slow.closed;
        expect(Date.now() - t0).toBeLessThan(3000);
      } finally {
        clearInterval(timer);
      }
      // The same for message content trickled after 354.
      const d = await greeted(g.outboundPort);
      await d.command('EHLO tester.example');
      await d.command('MAIL FROM:<alice@example.test>');
      await d.command(`RCPT TO:<${rcpt('example.org', 'trickle')}>`);
      expect(await d.command('DATA')).toMatch(/^354 /);
      const t2 = setInterval(() => d.write('x'), 50);
      try {
        expect(await d.reply(5000)).toMatch(/^421 4\.4\.2 .*time limit for the message content \(700 ms\)/);
      } finally {
        clearInterval(t2);
      }
    } finally {
      await g.close();
    }
  });

  it('a next hop that trickles its replies: the client gets 451 after the relay bound, not never', async () => {
    const sockets: Socket[] = [];
    const hop = createServer((sock) => {
      sockets.push(sock);
      sock.on('error', () => undefined);
      sock.write('220 slow.example ESMTP\r\n');
      const t = setInterval(() => sock.write('2'), 100); // a reply that never ends, never idle
      sock.on('close', () => clearInterval(t));
    });
    await new Promise<void>((r) => hop.listen(0, '127.0.0.1', () => r()));
    const g = await startGateway({ ...baseConfig('example.org', fx.pkiDir, fx.sink), nextHop: { host: '127.0.0.1', port: (hop.address() as AddressInfo).port } }, { limits: { relayMs: 1500 } });
    try {
      const t0 = Date.now();
      const r = await send(g, 'inbound', 'alice@example.test', [rcpt('example.org', 'slow-hop')], plain());
      expect(r.code).toBe(451);
      expect(r.response).toMatch(/^451 4\.4\.1 .*did not finish within 1500 ms/);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await g.close();
      for (const s of sockets) s.destroy();
      hop.close();
    }
  });

  it('one client address cannot take every slot: past the per-address bound it gets 421', async () => {
    const g = await startGateway(baseConfig('example.test', fx.pkiDir, fx.sink), { limits: { maxClientsPerAddress: 2 } });
    try {
      const a = await greeted(g.inboundPort);
      const b = await greeted(g.inboundPort);
      const c = await rawSmtp(g.inboundPort);
      expect(await c.reply()).toMatch(/^421 4\.7\.0 too many connections from/);
      await c.closed;
      a.end();
      await a.closed;
      await new Promise((r) => setTimeout(r, 100));
      const d = await greeted(g.inboundPort);
      d.end();
      b.end();
    } finally {
      await g.close();
    }
  });
});

describe('item 12: decrypt only for the domain\'s own recipients (draft 4)', () => {
  it('a case (b) message replayed to mallory@evil.test is refused at RCPT TO; to a local recipient it is decrypted', async () => {
    const g = await fx.gateway('example.org');
    const msg = inbound({ encrypt: true });
    const evil = await send(g, 'inbound', 'alice@example.test', ['mallory@evil.test'], msg);
    expect(evil.accepted).toBe(false);
    expect(evil.response).toMatch(/^550 5\.7\.1 relaying denied/);
    expect(fx.sink.for('mallory@evil.test')).toEqual([]);
    // One local and one foreign recipient: the foreign one is refused, so nothing is decrypted for it.
    const local = rcpt('example.org', 'local');
    const mixed = await send(g, 'inbound', 'alice@example.test', [local, 'mallory2@evil.test'], msg);
    expect(fx.sink.for('mallory2@evil.test')).toEqual([]);
    if (mixed.accepted) expect(fx.sink.for(local)[0]!.rcptTo).toEqual([local]);
    const sub = rcpt('mail.example.org', 'sub');
    const ok = await send(g, 'inbound', 'alice@example.test', [sub], msg);
    expect(ok.accepted, ok.response).toBe(true);
    expect(parsed(fx.pki, fx.sink.for(sub)[0]!.raw).kind).toBe('signedData');
  });
});

describe('item 5 (gateway part): unauthenticated encryption is said in the Authentication-Results comment', () => {
  it('case (d) under AES-CBC: smime=pass with the ENCRYPTION_NOT_AUTHENTICATED note; a signed-only message has no such note', async () => {
    const g = await fx.gateway('example.org');
    const enc = rcpt('example.org', 'cbc');
    expect((await send(g, 'inbound', 'alice@example.test', [enc], inbound({ encrypt: true }))).accepted).toBe(true);
    const [ar] = header(fx.sink.for(enc)[0]!.raw, 'Authentication-Results');
    expect(ar).toMatch(/^mx\.example\.org; smime=pass \(.*ENCRYPTION_NOT_AUTHENTICATED: content under unauthenticated encryption is not integrity-protected/);
    expect(header(fx.sink.for(enc)[0]!.raw, 'MIME-Version')).toEqual(['1.0']); // once (issue 12, "also seen": it was twice)
    const signed = rcpt('example.org', 'signed-only');
    expect((await send(g, 'inbound', 'alice@example.test', [signed], inbound())).accepted).toBe(true);
    expect(header(fx.sink.for(signed)[0]!.raw, 'Authentication-Results')[0]).not.toMatch(/ENCRYPTION_NOT_AUTHENTICATED/);
  });
});

describe('item 13: forged Authentication-Results', () => {
  const ID = 'mx.example.org';
  const FORGERIES: Array<[string, string]> = [
    ['plain', `Authentication-Results: ${ID}; smime=pass\r\n`],
    ['folded', `Authentication-Results:\r\n ${ID};\r\n\tsmime=pass\r\n`],
    ['other case', `AUTHENTICATION-RESULTS: MX.Example.ORG; smime=pass\r\n`],
    ['space before the colon', `Authentication-Results : ${ID}; smime=pass\r\n`],
    ['comment first', `Authentication-Results: (trust me) ${ID}; smime=pass\r\n`],
    ['quoted, with a version', `Authentication-Results: "${ID}" 1; smime=pass\r\n`],
  ];

  it('claimsAuthservId reads the authserv-id as RFC 8601 2.2 writes it, and no other', () => {
    expect(claimsAuthservId(` ${ID}; smime=pass`, ID)).toBe(true);
    expect(claimsAuthservId(` mx.example.org.evil.test; smime=pass`, ID)).toBe(false);
    expect(claimsAuthservId(` other.example; smime=pass (${ID})`, ID)).toBe(false);
  });

  for (const [name, field] of FORGERIES) {
    it(`${name}, after a header line without a colon: removed, ours on top is the only one claiming ${ID}`, async () => {
      const g = await fx.gateway('example.org');
      const to = rcpt('example.org', 'forged');
      const msg = Buffer.concat([Buffer.from(`From: alice@example.test\r\nThis line has no colon\r\n${field}Subject: forged\r\n\r\nhello\r\n`)]);
      const r = await send(g, 'inbound', 'alice@example.test', [to], msg);
      expect(r.accepted, r.response).toBe(true);
      const out = fx.sink.for(to)[0]!.raw.toString('latin1');
      const head = out.slice(0, out.indexOf('\r\n\r\n'));
      const fields = head.split(/\r\n(?![ \t])/).filter((f) => /^authentication-results[ \t]*:/i.test(f));
      expect(fields).toHaveLength(1);
      expect(fields[0]).toMatch(new RegExp(`^Authentication-Results: ${ID.replace(/\./g, '\\.')}; smime=`));
      expect(head).not.toMatch(/smime=pass/);
      expect(head).toContain('This line has no colon'); // nothing else is touched
    });
  }

  it('inside an encrypted entity (case b): the decrypted header loses the forgery too', async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'forged-inner');
    const inner = Buffer.from(`Authentication-Results: ${ID}; smime=pass\r\nContent-Type: text/plain\r\n\r\ninner\r\n`);
    const r = await send(g, 'inbound', 'alice@example.test', [to], inbound({ encrypt: true, inner }));
    expect(r.accepted, r.response).toBe(true);
    const arHeaders = header(fx.sink.for(to)[0]!.raw, 'Authentication-Results');
    expect(arHeaders).toHaveLength(1);
  });

  it('the stripper keeps everything else byte for byte, including a message with no body', () => {
    const m = Buffer.from(`A: 1\r\nAuthentication-Results: ${ID}; x=y\r\n  folded\r\nB: 2\r\n`);
    expect(stripOwnAuthenticationResults(m, ID).toString()).toBe('A: 1\r\nB: 2\r\n');
    const body = Buffer.from(`A: 1\r\n\r\nAuthentication-Results: ${ID}; smime=pass\r\n`);
    expect(stripOwnAuthenticationResults(body, ID)).toBe(body); // in the body it is text, not a field
  });
});

describe('issue 13: originator authentication (draft 3.2, N17)', () => {
  it('trusted-address: unsigned mail from a trusted client is domain-signed without AUTH; from an untrusted one it is refused even with AUTH', async () => {
    const trusted = await fx.gateway('example.test', { originatorAuthentication: { method: 'trusted-address', trustedAddresses: ['127.0.0.0/8'] } });
    const t1 = rcpt('example.org', 'trusted');
    const r1 = await send(trusted, 'outbound', 'alice@example.test', [t1], plain());
    expect(r1.accepted, r1.response).toBe(true);
    expect(shape(fx.pki, fx.sink.for(t1)[0]!.raw)).toBe('S[domainSig](S[empty](data))');
    const other = await fx.gateway('example.test', { originatorAuthentication: { method: 'trusted-address', trustedAddresses: ['192.0.2.0/24', '2001:db8::/32'] } });
    const r2 = await send(other, 'outbound', 'alice@example.test', [rcpt('example.org', 'untrusted')], plain(), ALICE_AUTH('example.test'));
    expect(r2.response).toMatch(/^550 5\.7\.1 .*ORIGINATOR_NOT_AUTHENTICATED/);
  });

  it('signature-only: SMTP AUTH does not authenticate; a valid originator signature naming From: does', async () => {
    const g = await fx.gateway('example.test', { originatorAuthentication: { method: 'signature-only' } });
    const r1 = await send(g, 'outbound', 'alice@example.test', [rcpt('example.org', 'sigonly-auth')], plain(), ALICE_AUTH('example.test'));
    expect(r1.response).toMatch(/^550 5\.7\.1 .*ORIGINATOR_NOT_AUTHENTICATED/);
    const to = rcpt('example.org', 'sigonly-signed');
    const r2 = await send(g, 'outbound', 'alice@example.test', [to], buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(fx.pki)).message);
    expect(r2.accepted, r2.response).toBe(true);
    expect(shape(fx.pki, fx.sink.for(to)[0]!.raw)).toBe('S[domainSig](S[-](data))');
  });

  it('smtp-auth (the default) is today\'s behaviour', async () => {
    const g = await fx.gateway('example.test', { originatorAuthentication: { method: 'smtp-auth' } });
    expect((await send(g, 'outbound', 'alice@example.test', [rcpt('example.org', 'smtpauth-no')], plain())).code).toBe(550);
    expect((await send(g, 'outbound', 'alice@example.test', [rcpt('example.org', 'smtpauth-yes')], plain(), ALICE_AUTH('example.test'))).accepted).toBe(true);
  });

  it('a bad originatorAuthentication is one line naming the field', async () => {
    const base = baseConfig('example.test', fx.pkiDir, fx.sink);
    await expect(startGateway({ ...base, originatorAuthentication: { method: 'ip' as never } })).rejects.toThrow(/originatorAuthentication\.method must be equal to one of the allowed values \(smtp-auth, trusted-address, signature-only\)/);
    await expect(startGateway({ ...base, originatorAuthentication: { method: 'trusted-address' } })).rejects.toThrow(/originatorAuthentication must have required property 'trustedAddresses'/);
    await expect(startGateway({ ...base, originatorAuthentication: { method: 'smtp-auth', trustedAddresses: ['127.0.0.1'] } })).rejects.toThrow(/trustedAddresses is only for method "trusted-address"/);
    await expect(startGateway({ ...base, originatorAuthentication: { method: 'trusted-address', trustedAddresses: ['10.0.0.0/33'] } })).rejects.toThrow(/"10\.0\.0\.0\/33" is not an IP address or CIDR range/);
    await expect(startGateway({ ...base, recipientCertificates: { 'bob@example.org': 'example.org/none' } })).rejects.toThrow(/recipientCertificates\["bob@example.org"\] names no entry/);
  });
});

describe('issue 13: case (c) and two signing algorithms', () => {
  it('case (c): a recipient with its own certificate gets a RecipientInfo for it, not for its domain\'s DCA', async () => {
    const to = rcpt('example.org', 'case-c');
    const g = await fx.gateway('example.test', { policy: { encryptOutbound: true }, recipientCertificates: { [to]: 'example.org/user-bob' } });
    const r = await send(g, 'outbound', 'alice@example.test', [to], buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(fx.pki)).message);
    expect(r.accepted, r.response).toBe(true);
    const top = parsed(fx.pki, fx.sink.for(to)[0]!.raw);
    expect(top.kind).toBe('envelopedData');
    if (top.kind !== 'envelopedData') return;
    const forCert = (name: string) => top.env.recipientInfos.some((ri) => recipientInfoMatches(ri, certRef(keyOf(fx.pki, name).certDer)));
    expect(forCert('example.org/user-bob')).toBe(true);
    expect(forCert('example.org/dca-rsa')).toBe(false);
    expect(shape(fx.pki, fx.sink.for(to)[0]!.raw)).toBe('E(S[domainSig](S[-](data)))');
  });

  it('two signers (RSA and P-256): two SignerInfos in the domain signature, SignatureType identical in both (3.1.1)', async () => {
    const g = await fx.gateway('example.test', { signers: ['example.test/signer-rsa', 'example.test/signer-ec'] });
    const to = rcpt('example.org', 'dual');
    const r = await send(g, 'outbound', 'alice@example.test', [to], buildExampleInput(SECTION5_EXAMPLES[0]!, exampleParties(fx.pki)).message);
    expect(r.accepted, r.response).toBe(true);
    const outer = layerChain(parsed(fx.pki, fx.sink.for(to)[0]!.raw))[0]!;
    expect(outer.kind).toBe('signedData');
    if (outer.kind !== 'signedData') return;
    expect(outer.sd.signerInfos).toHaveLength(2);
    const types = outer.sd.signerInfos.map((si) => signatureTypesOf(si));
    expect(new Set(types.map((t) => t.canonical)).size).toBe(1);
    expect(types.every((t) => t.present && isDomainSignature(t))).toBe(true);
  });
});
