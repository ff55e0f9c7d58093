/**
 * The reference gateway over SMTP: outbound Section 5 shapes relayed with the same envelope, refusals
 * with nothing relayed, SMTP AUTH as external authentication, inbound decryption and flagging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import * as O from '../../src/asn1/oids.js';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { domainSignerInputs, envelopeLayer, signedLayer } from '../../src/message/build.js';
import { layerChain } from '../../src/message/layers.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { certRef } from '../../src/cms/cert-ref.js';
import { recipientInfoMatches } from '../../src/cms/recipient-info.js';
import { tamperSignatureValue } from '../../src/vectors/tamper.js';
import { startGateway } from '../../src/gateway/config.js';
import { exampleParties, HEADERS, SIGNING_TIME, VALIDATION_TIME } from '../helpers/messages.js';
import { keyOf } from '../helpers/pki.js';
import { ALICE_AUTH, allKeys, baseConfig, fixture, header, parsed, rcpt, send, shape, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await fixture();
});
afterAll(async () => {
  await fx.teardown();
});

/** The EHLO reply of a listener, read over a raw socket. */
function ehlo(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    let sent = false;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!sent && /^220 .*\r\n/m.test(buf)) {
        sent = true;
        buf = '';
        s.write('EHLO tester.example\r\n');
      } else if (sent && /^250 .*\r\n/m.test(buf)) {
        s.end('QUIT\r\n');
        resolve(buf);
      }
    });
    s.on('error', reject);
  });
}

const CONTENT = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\nHello from the gateway tests.\r\n');
const example = (n: number) => buildExampleInput(SECTION5_EXAMPLES[n - 1]!, exampleParties(fx.pki));
const withHeaders = (entity: Buffer, headers: Array<[string, string]>) => Buffer.concat([Buffer.from(headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')), entity]);

/** Mail from example.test to example.org as example.test's gateway would send it: S_dom(S1(C)), optionally enveloped for example.org's DCA. */
function inboundMessage(opts: { signer?: string; from?: string; encrypt?: boolean } = {}): Buffer {
  const from = opts.from ?? 'Alice <alice@example.test>';
  const headers: Array<[string, string]> = [['From', from], ['To', 'bob@example.org'], ['Subject', 'inbound'], ['Message-ID', '<in@example.test>']];
  const s1 = signedLayer(CONTENT, { signers: [keyOf(fx.pki, 'example.test/user-alice')], signingTime: SIGNING_TIME });
  const sdom = signedLayer(s1, { signers: domainSignerInputs([keyOf(fx.pki, opts.signer ?? 'example.test/signer-rsa')]), signingTime: SIGNING_TIME, ...(opts.encrypt ? {} : { headers }) });
  if (!opts.encrypt) return sdom;
  return envelopeLayer(sdom, { recipients: [{ certDer: keyOf(fx.pki, 'example.org/dca-rsa').certDer }], originatorCertificates: [keyOf(fx.pki, 'example.test/dca-rsa').certDer], headers });
}

describe('reference gateway, outbound (domain example.test)', () => {
  for (const [n, encrypt] of [[1, false], [1, true], [4, false], [4, true], [7, false], [7, true]] as const) {
    const ex = SECTION5_EXAMPLES[n - 1]!;
    it(`Example ${n}, ${encrypt ? 'encrypt' : 'no-encrypt'} policy: ${encrypt ? ex.expected.encrypt : ex.expected.noEncrypt}, same envelope`, async () => {
      const g = await fx.gateway('example.test', { policy: { encryptOutbound: encrypt } });
      const to = rcpt('example.org', `ex${n}`);
      const input = example(n).message;
      const r = await send(g, 'outbound', 'alice@example.test', [to], input);
      expect(r.accepted, r.response).toBe(true);
      expect(r.response).toMatch(/^250 2\.0\.0 OK: relayed/);
      const got = fx.sink.for(to);
      expect(got).toHaveLength(1);
      expect(got[0]!.mailFrom).toBe('alice@example.test');
      expect(got[0]!.rcptTo).toEqual([to]);
      expect(shape(fx.pki, got[0]!.raw)).toBe(encrypt ? ex.expected.encrypt : ex.expected.noEncrypt);
      // The message header fields stay outermost, with this hop's trace field on top.
      expect(header(got[0]!.raw, 'From')).toEqual(['Alice <alice@example.test>']);
      expect(header(got[0]!.raw, 'Received')[0]).toMatch(/by mx\.example\.test \(domsec-suite reference gateway, outbound\)/);
      // What leaves the domain verifies for the receiving domain, with every signature valid.
      const report = verifyMessage(got[0]!.raw, { trustAnchors: [fx.pki.ca.certDer], validationTime: VALIDATION_TIME, keys: allKeys(fx.pki) });
      expect(report.verdict).toBe('pass');
      expect(report.domainSignatures).toBeGreaterThan(0);
      // Encryption, when there is any, is for example.org's DCA with the local DCA in originatorInfo (N13).
      const top = parsed(fx.pki, got[0]!.raw);
      if (top.kind === 'envelopedData') {
        expect(top.env.recipientInfos.some((ri) => recipientInfoMatches(ri, certRef(keyOf(fx.pki, 'example.org/dca-rsa').certDer)))).toBe(true);
        expect(top.env.originatorCertificates.map((c) => c.toString('hex'))).toEqual([keyOf(fx.pki, 'example.test/dca-rsa').certDer.toString('hex')]);
      }
      // The originator's signature S1 is kept byte for byte.
      const sentLayers = layerChain(parsed(fx.pki, input));
      const s1 = sentLayers[sentLayers.length - 2]!;
      expect(s1.kind).toBe('signedData');
      expect(layerChain(top).some((l) => l.kind === 'signedData' && s1.kind === 'signedData' && l.der.equals(s1.der))).toBe(true);
    });
  }

  it('refuses an invalid originator signature with 550 5.7.7 SIGNATURE_INVALID and relays nothing', async () => {
    const g = await fx.gateway('example.test');
    const to = rcpt('example.org', 'invalid');
    const s1 = withHeaders(tamperSignatureValue(signedLayer(CONTENT, { signers: [keyOf(fx.pki, 'example.test/user-alice')], signingTime: SIGNING_TIME })), HEADERS);
    const r = await send(g, 'outbound', 'alice@example.test', [to], s1, ALICE_AUTH('example.test'));
    expect(r.accepted).toBe(false);
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/^550 5\.7\.7 .*SIGNATURE_INVALID/);
    expect(fx.sink.for(to)).toHaveLength(0);
  });

  it('refuses unsigned mail without SMTP AUTH (550 5.7.1 ORIGINATOR_NOT_AUTHENTICATED)', async () => {
    const g = await fx.gateway('example.test');
    const to = rcpt('example.org', 'unauth');
    const r = await send(g, 'outbound', 'alice@example.test', [to], withHeaders(CONTENT, HEADERS));
    expect(r.code).toBe(550);
    expect(r.response).toMatch(/^550 5\.7\.1 .*ORIGINATOR_NOT_AUTHENTICATED/);
    expect(fx.sink.for(to)).toHaveLength(0);
  });

  it('unsigned mail with SMTP AUTH gets the empty signature layer under the domain signature (N12)', async () => {
    const g = await fx.gateway('example.test');
    const to = rcpt('example.org', 'auth');
    const r = await send(g, 'outbound', 'alice@example.test', [to], withHeaders(CONTENT, HEADERS), ALICE_AUTH('example.test'));
    expect(r.accepted, r.response).toBe(true);
    const [m] = fx.sink.for(to);
    expect(shape(fx.pki, m!.raw)).toBe('S[domainSig](S[empty](data))');
    const empty = layerChain(parsed(fx.pki, m!.raw))[1]!;
    expect(empty.kind === 'signedData' && empty.sd.eContentType).toBe(O.id_data);
  });

  it('rejects wrong AUTH credentials with 535 5.7.8', async () => {
    const g = await fx.gateway('example.test');
    const to = rcpt('example.org', 'badauth');
    const r = await send(g, 'outbound', 'alice@example.test', [to], withHeaders(CONTENT, HEADERS), { user: 'alice@example.test', pass: 'wrong' });
    expect(r.accepted).toBe(false);
    expect(r.response).toMatch(/^535 5\.7\.8/);
    expect(fx.sink.for(to)).toHaveLength(0);
  });

  it('a recipient domain without a known DCA: 550 5.7.5 NO_RECIPIENTS when encryption is needed, relayed when not', async () => {
    const g = await fx.gateway('example.test', { policy: { encryptOutbound: true } });
    const to = rcpt('unknown.example', 'nodca');
    const r = await send(g, 'outbound', 'alice@example.test', [to], example(1).message);
    expect(r.response).toMatch(/^550 5\.7\.5 .*NO_RECIPIENTS.*unknown\.example/);
    expect(fx.sink.for(to)).toHaveLength(0);
    const plain = await fx.gateway('example.test');
    const to2 = rcpt('unknown.example', 'nodca-plain');
    expect((await send(plain, 'outbound', 'alice@example.test', [to2], example(1).message)).accepted).toBe(true);
    expect(shape(fx.pki, fx.sink.for(to2)[0]!.raw)).toBe('S[domainSig](S[-](data))');
  });

  it('two recipients in two domains: one envelopedData with a RecipientInfo per domain DCA, one relay with both recipients', async () => {
    const g = await fx.gateway('example.test', { policy: { encryptOutbound: true }, recipientDcas: { 'example.org': 'example.org/dca-rsa', 'other.example': 'example.org/dca-ec' } });
    const to = [rcpt('example.org', 'two'), rcpt('other.example', 'two')];
    expect((await send(g, 'outbound', 'alice@example.test', to, example(1).message)).accepted).toBe(true);
    const got = fx.sink.for(to[0]!);
    expect(got).toHaveLength(1);
    expect(got[0]!.rcptTo).toEqual(to);
    const top = parsed(fx.pki, got[0]!.raw);
    expect(top.kind === 'envelopedData' && top.env.recipientInfos.length).toBe(2);
  });

  it('garbage S/MIME is refused with 554 5.6.0, never a crash', async () => {
    const g = await fx.gateway('example.test');
    const to = rcpt('example.org', 'garbage');
    const garbage = Buffer.from('From: alice@example.test\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\r\n');
    const r = await send(g, 'outbound', 'alice@example.test', [to], garbage, ALICE_AUTH('example.test'));
    expect(r.response).toMatch(/^554 5\.6\.0 .*MALFORMED_DER/);
    expect(fx.sink.for(to)).toHaveLength(0);
    // The listener still serves the next message.
    const to2 = rcpt('example.org', 'after-garbage');
    expect((await send(g, 'outbound', 'alice@example.test', [to2], example(1).message)).accepted).toBe(true);
  });

  it('the next hop unreachable: 451 4.4.1 (transient), nothing lost silently', async () => {
    const g = await fx.gateway('example.test', { nextHop: { host: '127.0.0.1', port: 1 } });
    const r = await send(g, 'outbound', 'alice@example.test', [rcpt('example.org', 'nohop')], example(1).message);
    expect(r.code).toBe(451);
    expect(r.response).toMatch(/^451 4\.4\.1 .*connection-refused/);
  });
});

describe('reference gateway, inbound (domain example.org)', () => {
  it("case (d): E(S_dom(S1(C))) for example.org's DCA is delivered decrypted with smime=pass", async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'case-d');
    const r = await send(g, 'inbound', 'alice@example.test', [to], inboundMessage({ encrypt: true }));
    expect(r.accepted, r.response).toBe(true);
    const [m] = fx.sink.for(to);
    expect(m!.mailFrom).toBe('alice@example.test');
    expect(m!.rcptTo).toEqual([to]);
    expect(shape(fx.pki, m!.raw)).toBe('S[domainSig](S[-](data))');
    const ar = header(m!.raw, 'Authentication-Results');
    expect(ar).toHaveLength(1);
    expect(ar[0]).toMatch(/^mx\.example\.org; smime=pass /);
    expect(ar[0]).toContain('body.smime-identifier=alice@example.test');
    expect(header(m!.raw, 'From')).toEqual(['Alice <alice@example.test>']);
    expect(header(m!.raw, 'Subject')).toEqual(['inbound']);
    // The delivered message still verifies on its own (the domain signature was not touched).
    expect(verifyMessage(m!.raw, { trustAnchors: [fx.pki.ca.certDer], validationTime: VALIDATION_TIME }).verdict).toBe('pass');
  });

  it('a naming violation (a foreign.test signer on mail from example.test) is flagged smime=policy', async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'foreign');
    expect((await send(g, 'inbound', 'alice@example.test', [to], inboundMessage({ signer: 'example.test/bad-foreign' }))).accepted).toBe(true);
    const ar = header(fx.sink.for(to)[0]!.raw, 'Authentication-Results');
    expect(ar[0]).toMatch(/^mx\.example\.org; smime=policy \(.*NAMING_DOMAIN_MISMATCH/);
  });

  it('a whole-label ascendant (example.test signing for mail.example.test) is not flagged', async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'ascendant');
    expect((await send(g, 'inbound', 'alice@mail.example.test', [to], inboundMessage({ from: 'alice@mail.example.test' }))).accepted).toBe(true);
    expect(header(fx.sink.for(to)[0]!.raw, 'Authentication-Results')[0]).toMatch(/smime=pass/);
  });

  it('an envelope not for the local DCA is delivered as it came, smime=neutral', async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'not-for-us');
    const msg = envelopeLayer(inboundMessage(), { recipients: [{ certDer: keyOf(fx.pki, 'example.org/user-bob').certDer }], headers: [['From', 'alice@example.test']] });
    expect((await send(g, 'inbound', 'alice@example.test', [to], msg)).accepted).toBe(true);
    const [m] = fx.sink.for(to);
    expect(header(m!.raw, 'Authentication-Results')[0]).toMatch(/smime=neutral/);
    expect(parsed(fx.pki, m!.raw).kind).toBe('envelopedData');
  });

  it('undecodable S/MIME is delivered with smime=permerror (RFC 7281), and a forged Authentication-Results for our authserv-id is removed', async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'permerror');
    const garbage = Buffer.from('Authentication-Results: mx.example.org; smime=pass\r\nAuthentication-Results: other.example; smime=pass\r\nFrom: alice@example.test\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\r\n');
    const r = await send(g, 'inbound', 'alice@example.test', [to], garbage);
    expect(r.accepted, r.response).toBe(true);
    const ar = header(fx.sink.for(to)[0]!.raw, 'Authentication-Results');
    expect(ar).toHaveLength(2);
    expect(ar[0]).toMatch(/^mx\.example\.org; smime=permerror \(MALFORMED_DER/);
    expect(ar[1]).toBe('other.example; smime=pass');
  });

  it('plain mail gets smime=none', async () => {
    const g = await fx.gateway('example.org');
    const to = rcpt('example.org', 'plain');
    expect((await send(g, 'inbound', 'alice@example.test', [to], withHeaders(CONTENT, [['From', 'alice@example.test']]))).accepted).toBe(true);
    expect(header(fx.sink.for(to)[0]!.raw, 'Authentication-Results')[0]).toBe('mx.example.org; smime=none');
  });

  it('the inbound listener offers no AUTH and no STARTTLS; the outbound one offers AUTH PLAIN LOGIN', async () => {
    const g = await fx.gateway('example.org');
    const inbound = await ehlo(g.inboundPort);
    expect(inbound).toMatch(/^250[ -]/m);
    expect(inbound).not.toMatch(/AUTH|STARTTLS/);
    const outbound = await ehlo(g.outboundPort);
    expect(outbound).toMatch(/AUTH (PLAIN LOGIN|LOGIN PLAIN)/);
    expect(outbound).not.toMatch(/STARTTLS/);
  });
});

describe('configuration and lifecycle', () => {
  it('refuses a bad config with one line naming the field', async () => {
    const base = baseConfig('example.test', fx.pkiDir, fx.sink);
    await expect(startGateway({ ...base, signers: ['example.test/nope'] })).rejects.toThrow(/signers names no entry "example.test\/nope"/);
    await expect(startGateway({ ...base, listen: { host: '0.0.0.0' } })).rejects.toThrow(/loopback/);
    await expect(startGateway({ ...base, faults: ['no-such-fault' as never] })).rejects.toThrow(/unknown fault "no-such-fault"/);
    await expect(startGateway({ ...base, domain: 'nodots' })).rejects.toThrow(/multi-label/);
    await expect(startGateway({ ...base, extra: 1 } as never)).rejects.toThrow(/unknown field "extra"/);
  });

  it('a busy port is a start error, and the other listener is not left open', async () => {
    const g = await fx.gateway('example.test');
    await expect(startGateway({ ...baseConfig('example.test', fx.pkiDir, fx.sink), listen: { outboundPort: 0, inboundPort: g.outboundPort } })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
  });

  it('close() releases both ports (no leftover listeners) and is idempotent', async () => {
    const g = await startGateway(baseConfig('example.test', fx.pkiDir, fx.sink));
    await Promise.all([g.close(), g.close()]);
    for (const port of [g.outboundPort, g.inboundPort]) {
      const err = await new Promise<string>((resolve) => {
        const s = connect(port, g.host);
        s.on('connect', () => (s.destroy(), resolve('connected')));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(err).toBe('ECONNREFUSED');
    }
  });
});
