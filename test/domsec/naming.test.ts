import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  certificateDomains,
  certificatePurpose,
  checkDcaEncryptionCertificate,
  checkDomainSignerNaming,
  isEqualOrAscendant,
  originatorDomain,
} from '../../src/domsec/naming.js';
import { parseCertificate, type CertInfo } from '../../src/x509/certificate.js';
import { DomsecError } from '../../src/errors.js';
import { KU, makeCert, type TestCa } from '../x509/helpers.js';

const fx = (name: string): Buffer => readFileSync(new URL(`../fixtures/x509/${name}`, import.meta.url));

describe('originatorDomain (N9)', () => {
  const good: Array<[string, string, string]> = [
    ['alice@example.test', 'example.test', 'alice@example.test'],
    ['Alice <alice@Example.TEST>', 'example.test', 'alice@example.test'],
    ['"Doe, John" <john@example.test>', 'example.test', 'john@example.test'],
    ['"a <b@evil.test>" <real@example.test>', 'example.test', 'real@example.test'],
    ['alice@example.test (Alice, <x@evil.test>)', 'example.test', 'alice@example.test'],
    ['(comment (nested, x@evil.test)) Bob <bob@mail.example.test>', 'mail.example.test', 'bob@mail.example.test'],
    ['=?utf-8?q?J=C3=BCrgen?= <j@example.org>', 'example.org', 'j@example.org'],
    ['alice@example.test.', 'example.test', 'alice@example.test'],
    ['"john doe"@example.test', 'example.test', '"john doe"@example.test'],
    ['<@relay.test:dave@example.test>', 'example.test', 'dave@example.test'],
    ['  Erin\r\n <erin@example.test>  ', 'example.test', 'erin@example.test'],
    ['"quoted \\" comma, inside" <q@example.test>', 'example.test', 'q@example.test'],
    ['u@BÜCHER.example', 'bücher.example', 'u@bücher.example'],
  ];
  for (const [value, domain, address] of good) {
    it(`finds ${domain} in ${JSON.stringify(value)}`, () => {
      expect(originatorDomain(value)).toEqual({ ok: true, domain, address });
    });
  }

  const bad: Array<[string | undefined, string]> = [
    [undefined, 'no From'],
    ['', 'empty'],
    ['a@example.test, b@example.org', 'two mailboxes'],
    ['"Doe, John" <john@example.test>, x@example.org', 'two mailboxes, first with a quoted comma'],
    ['undisclosed-recipients:;', 'an empty group'],
    ['Team: a@example.test, b@example.test;', 'a group of two'],
    ['Alice', 'no address'],
    ['alice@[192.0.2.1]', 'a domain literal'],
    ['"unterminated <a@example.test>', 'an unterminated quoted string'],
    ['Alice <alice@example.test', 'an unterminated angle address'],
    ['(open comment alice@example.test', 'an unterminated comment'],
    ['a@b@example.test', 'two @'],
    ['alice@exa mple.test', 'a space in the domain'],
    ['alice@example..test', 'an empty label'],
    ['Alice <alice@example.test> trailing', 'text after the angle address'],
    // RFC 5322 3.6.2: From is a mailbox-list; group syntax (even a group of one) is not a mailbox (issue 12, item 3).
    ['Team: carol@example.test;', 'a group of one'],
    ['ceo@bank.example;', 'a stray ";" (issue 12)'],
    ['<ceo@bank.example', 'an unclosed angle address (issue 12)'],
    ['CEO <ceo@[127.0.0.1]>', 'an address literal (issue 12)'],
    ['Undisclosed:;', 'an empty group (issue 12)'],
  ];
  for (const [value, what] of bad) {
    it(`rejects ${what} with NAMING_NO_ORIGINATOR_DOMAIN`, () => {
      const r = originatorDomain(value);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reason).toBe('NAMING_NO_ORIGINATOR_DOMAIN');
    });
  }
});

describe('isEqualOrAscendant (N9)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['example.test', 'example.test', true],
    ['EXAMPLE.test', 'example.TEST', true],
    ['example.test.', 'example.test', true],
    ['example.test', 'mail.example.test', true],
    ['example.test', 'a.b.mail.example.test', true],
    ['example.test', 'badexample.test', false],
    ['mail.example.test', 'example.test', false], // a descendant is not an ascendant
    ['example.test', 'example.test.evil', false],
    ['example.test', 'example.org', false],
    ['test', 'example.test', false], // single label: never an ascendant (project choice, N9)
    ['test', 'test', true], // ... but an exact match is still a match
    ['', 'example.test', false],
    ['.', 'example.test', false],
    ['example.test', '', false],
  ];
  for (const [signer, originator, expected] of cases) {
    it(`${JSON.stringify(signer)} covers ${JSON.stringify(originator)}: ${expected}`, () => {
      expect(isEqualOrAscendant(signer, originator)).toBe(expected);
    });
  }
});

describe('certificateDomains (N10)', () => {
  it('accepts only the strict <protocol>://<domain>[/] forms and plain dNSNames', () => {
    const d = certificateDomains(parseCertificate(fx('san-forms.crt')));
    // port, userinfo, path and https forms are not naming-convention forms; the wildcard is not a FQDN
    expect(d.uriSmtp).toEqual(['example.test', 'upper.example.test']);
    expect(d.uriSubmit).toEqual(['sub.example.test']);
    expect(d.dnsNames).toEqual(['mail.example.test']);
    expect(d.all).toEqual(['example.test', 'upper.example.test', 'sub.example.test', 'mail.example.test']);
  });
});

describe('naming and purpose checks', () => {
  let root: TestCa;
  const cert = async (sans: Parameters<typeof makeCert>[0]['sans'], keyUsage: number | 'omit' = KU.digitalSignature, alg: 'ec' | 'rsa' | 'ed25519' = 'ec'): Promise<CertInfo> =>
    (await makeCert({ subject: 'CN=t', issuer: root, sans, keyUsage, alg })).info;
  const full = (d: string): Array<{ type: 'url' | 'dns'; value: string }> => [
    { type: 'url', value: `smtp://${d}` },
    { type: 'url', value: `submit://${d}` },
    { type: 'dns', value: d },
  ];
  const from = (v: string): ReturnType<typeof originatorDomain> => originatorDomain(v);

  beforeAll(async () => {
    root = await makeCert({ subject: 'CN=Naming Root', ca: true });
  });

  it('passes a signer for the originator domain and for an ascendant, naming the match', async () => {
    const c = await cert(full('example.test'));
    const r = checkDomainSignerNaming(c, from('Alice <alice@example.test>'));
    expect(r).toMatchObject({ ok: true, reasons: [], matchedDomain: 'example.test' });
    expect(checkDomainSignerNaming(c, from('x@mail.example.test'))).toMatchObject({ ok: true, matchedDomain: 'example.test' });
  });

  it('prefers the most specific matching domain', async () => {
    const c = await cert([...full('example.test'), { type: 'dns', value: 'mail.example.test' }]);
    expect(checkDomainSignerNaming(c, from('x@mail.example.test')).matchedDomain).toBe('mail.example.test');
  });

  it('flags a foreign, a look-alike and a descendant domain as NAMING_DOMAIN_MISMATCH', async () => {
    for (const d of ['foreign.test', 'badexample.test', 'mail.example.test']) {
      const r = checkDomainSignerNaming(await cert(full(d)), from('alice@example.test'));
      expect(r.reasons).toEqual(['NAMING_DOMAIN_MISMATCH']);
      expect(r.ok).toBe(false);
      expect(r.signerDomains).toEqual([d]);
    }
  });

  it('flags a certificate with no naming form as NAMING_NO_DOMAIN_NAME (an rfc822Name or CN does not count)', async () => {
    const r = checkDomainSignerNaming(await cert([{ type: 'email', value: 'postmaster@example.test' }]), from('alice@example.test'));
    expect(r.reasons).toEqual(['NAMING_NO_DOMAIN_NAME']);
  });

  it('reports NAMING_NO_ORIGINATOR_DOMAIN when From: is ambiguous', async () => {
    const r = checkDomainSignerNaming(await cert(full('example.test')), from('a@example.test, b@example.test'));
    expect(r.reasons).toEqual(['NAMING_NO_ORIGINATOR_DOMAIN']);
  });

  it('counts submit:// only for MSAs and smtp:// only for MTAs; dNSName for both', async () => {
    const submitOnly = await cert([{ type: 'url', value: 'submit://example.test' }]);
    const smtpOnly = await cert([{ type: 'url', value: 'smtp://example.test' }]);
    const dnsOnly = await cert([{ type: 'dns', value: 'example.test' }]);
    const o = from('alice@example.test');
    expect(checkDomainSignerNaming(submitOnly, o, { role: 'msa' }).ok).toBe(true);
    expect(checkDomainSignerNaming(submitOnly, o, { role: 'mta' }).reasons).toEqual(['NAMING_NO_DOMAIN_NAME']);
    expect(checkDomainSignerNaming(submitOnly, o).ok).toBe(true);
    expect(checkDomainSignerNaming(smtpOnly, o, { role: 'mta' }).ok).toBe(true);
    expect(checkDomainSignerNaming(smtpOnly, o, { role: 'msa' }).reasons).toEqual(['NAMING_NO_DOMAIN_NAME']);
    for (const role of ['msa', 'mta', 'any'] as const) expect(checkDomainSignerNaming(dnsOnly, o, { role }).ok).toBe(true);
  });

  it('adds CERT_KEY_USAGE_NOT_SIGNING for an encryption-only certificate unless told not to (N11)', async () => {
    const c = await cert(full('example.test'), KU.keyEncipherment, 'rsa');
    expect(checkDomainSignerNaming(c, from('alice@example.test')).reasons).toEqual(['CERT_KEY_USAGE_NOT_SIGNING']);
    expect(checkDomainSignerNaming(c, from('alice@example.test'), { checkKeyUsage: false }).ok).toBe(true);
  });

  it('reports several reasons together', async () => {
    const c = await cert([], KU.keyAgreement);
    expect(checkDomainSignerNaming(c, from('')).reasons).toEqual(['NAMING_NO_DOMAIN_NAME', 'NAMING_NO_ORIGINATOR_DOMAIN', 'CERT_KEY_USAGE_NOT_SIGNING']);
  });

  it('derives signing/encryption purpose from keyUsage and key type (N11)', async () => {
    const p = async (ku: number | 'omit', alg: 'ec' | 'rsa' | 'ed25519'): Promise<{ signing: boolean; encryption: boolean }> => certificatePurpose(await cert([], ku, alg));
    expect(await p(KU.digitalSignature, 'rsa')).toEqual({ signing: true, encryption: false });
    expect(await p(KU.nonRepudiation, 'ec')).toEqual({ signing: true, encryption: false });
    expect(await p(KU.keyEncipherment, 'rsa')).toEqual({ signing: false, encryption: true });
    expect(await p(KU.keyAgreement, 'ec')).toEqual({ signing: false, encryption: true });
    expect(await p(KU.keyEncipherment, 'ec')).toEqual({ signing: false, encryption: false }); // EC cannot transport keys
    expect(await p(KU.keyAgreement, 'rsa')).toEqual({ signing: false, encryption: false }); // RSA cannot agree keys
    expect(await p(KU.digitalSignature | KU.keyEncipherment, 'rsa')).toEqual({ signing: true, encryption: true });
    expect(await p('omit', 'rsa')).toEqual({ signing: true, encryption: true }); // absent = unrestricted
    expect(await p('omit', 'ed25519')).toEqual({ signing: true, encryption: false }); // ... within what the key can do
    expect(certificatePurpose(parseCertificate(fx('san-forms.crt')))).toEqual({ signing: true, encryption: true });
    expect(certificatePurpose(parseCertificate(fx('ec384.crt')))).toEqual({ signing: false, encryption: false });
  });

  it('checks a DCA encryption certificate: smtp:// or dNSName for the domain or an ascendant, and encryption keyUsage', async () => {
    const dca = await cert([{ type: 'url', value: 'smtp://example.test' }], KU.keyEncipherment, 'rsa');
    expect(checkDcaEncryptionCertificate(dca, 'example.test')).toMatchObject({ ok: true, encryption: true, matchedDomain: 'example.test' });
    expect(checkDcaEncryptionCertificate(dca, 'Mail.Example.Test.')).toMatchObject({ ok: true });
    expect(checkDcaEncryptionCertificate(dca, 'example.org')).toMatchObject({ ok: false, reasons: ['NAMING_DOMAIN_MISMATCH'] });
    const submitOnly = await cert([{ type: 'url', value: 'submit://example.test' }], KU.keyEncipherment, 'rsa');
    expect(checkDcaEncryptionCertificate(submitOnly, 'example.test')).toMatchObject({ ok: false, reasons: ['NAMING_NO_DOMAIN_NAME'] });
    const signingOnly = await cert([{ type: 'dns', value: 'example.test' }], KU.digitalSignature, 'rsa');
    expect(checkDcaEncryptionCertificate(signingOnly, 'example.test')).toMatchObject({ ok: false, reasons: [], encryption: false });
    const ecdh = await cert([{ type: 'dns', value: 'example.test' }], KU.keyAgreement, 'ec');
    expect(checkDcaEncryptionCertificate(ecdh, 'example.test')).toMatchObject({ ok: true, encryption: true });
    expect(() => checkDcaEncryptionCertificate(ecdh, 'not a domain')).toThrowError(DomsecError);
  });
});
