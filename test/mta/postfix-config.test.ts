/**
 * The generated Postfix configuration (src/mta/postfix-config.ts), as text: the FILTER_README topology
 * (two filtered smtpd services, one re-injection smtpd with no filter), delivery to the sink for the relay
 * domains only, SMTP AUTH routed to a per-user authenticating filter transport, and the settings that keep
 * messages unchanged.
 */
import { describe, expect, it } from 'vitest';
import { assertToken, authTransport, cyrusSmtpdConf, mainCf, masterCf, saslFiltersMap, saslPasswordMap, transportMap, type PostfixConfigInput } from '../../src/mta/postfix-config.js';

const cfg: PostfixConfigInput = {
  layout: { configDir: '/w/etc', queueDir: '/w/queue', dataDir: '/w/data', logFile: '/w/log/maillog', saslDir: '/w/etc/sasl', sasldb: '/w/sasldb/sasldb2' },
  logPrefix: '/w',
  myhostname: 'mta.domsec-suite.test',
  listenHost: '127.0.0.1',
  ports: { submission: 10025, inbound: 10026, reinject: 10027 },
  relayDomains: ['example.org', 'example.test'],
  deliverTo: { host: '127.0.0.1', port: 20000 },
  filters: { submission: { host: '127.0.0.1', port: 30001 }, inbound: { host: '127.0.0.1', port: 30002 } },
  users: ['alice@example.org'],
  messageSizeLimit: 1000,
};

const param = (text: string, name: string): string | undefined => new RegExp(`^${name} = (.*)$`, 'm').exec(text)?.[1];

describe('main.cf', () => {
  const main = mainCf(cfg);
  it('a private, loopback-only instance that delivers nothing locally', () => {
    expect(param(main, 'queue_directory')).toBe('/w/queue');
    expect(param(main, 'data_directory')).toBe('/w/data');
    expect(param(main, 'inet_interfaces')).toBe('127.0.0.1');
    expect(param(main, 'mydestination')).toBe('');
    expect(param(main, 'relay_domains')).toBe('example.org example.test');
    expect(param(main, 'transport_maps')).toBe('texthash:/w/etc/transport');
    expect(param(main, 'default_transport')).toMatch(/^error:/);
  });
  it('keeps headers and bodies as they are', () => {
    expect(param(main, 'local_header_rewrite_clients')).toBe('');
    expect(param(main, 'always_add_missing_headers')).toBe('no');
    expect(param(main, 'disable_mime_output_conversion')).toBe('yes');
    expect(param(main, 'smtp_line_length_limit')).toBe('0');
    expect(main).not.toMatch(/^(always_bcc|header_checks|body_checks|smtpd_milters|canonical_maps|masquerade_domains) =/m);
  });
  it('SMTP AUTH is configured but off by default (on for the submission smtpd only)', () => {
    expect(param(main, 'smtpd_sasl_auth_enable')).toBe('no');
    expect(param(main, 'cyrus_sasl_config_path')).toBe('/w/etc/sasl');
    expect(param(main, 'domsec_submission_restrictions')).toBe('check_sasl_access texthash:/w/etc/sasl-filters, permit');
    expect(param(mainCf({ ...cfg, users: [] }), 'domsec_submission_restrictions')).toBe('permit');
  });
});

describe('master.cf', () => {
  const master = masterCf(cfg);
  const service = (name: string): string => {
    const i = master.indexOf(`\n${name} `);
    expect(i, name).toBeGreaterThan(-1);
    const rest = master.slice(i + 1);
    const end = rest.search(/\n\S/);
    return end < 0 ? rest : rest.slice(0, end);
  };
  it('submission and inbound smtpd hand everything to the gateway (after-queue content_filter)', () => {
    const sub = service('127.0.0.1:10025');
    expect(sub).toMatch(/ smtpd\n/);
    expect(sub).toContain('-o content_filter=smtp:[127.0.0.1]:30001');
    expect(sub).toContain('-o smtpd_sasl_auth_enable=yes');
    const inb = service('127.0.0.1:10026');
    expect(inb).toContain('-o content_filter=smtp:[127.0.0.1]:30002');
    expect(inb).not.toContain('smtpd_sasl_auth_enable=yes');
  });
  it('the re-injection smtpd has no filter', () => {
    const re = service('127.0.0.1:10027');
    expect(re).toMatch(/-o content_filter=\n/);
    expect(re).toContain('no_header_body_checks');
  });
  it('no service is chrooted', () => {
    for (const line of master.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#'))) expect(line.split(/\s+/)[4], line).toBe('n');
  });
  it('one authenticating smtp transport per user', () => {
    const t = service(authTransport(0));
    expect(t).toMatch(/ smtp\n/);
    expect(t).toContain('-o smtp_sasl_auth_enable=yes');
    expect(t).toContain('-o smtp_sasl_password_maps=texthash:/w/etc/sasl-password-0');
  });
});

describe('maps and SASL files', () => {
  it('transport: each relay domain and its subdomains to the sink', () => {
    expect(transportMap(cfg).trim().split('\n')).toEqual([
      'example.org smtp:[127.0.0.1]:20000',
      '.example.org smtp:[127.0.0.1]:20000',
      'example.test smtp:[127.0.0.1]:20000',
      '.example.test smtp:[127.0.0.1]:20000',
    ]);
  });
  it('check_sasl_access: the login name selects its authenticating filter; the password map answers for the gateway', () => {
    expect(saslFiltersMap(cfg)).toBe('alice@example.org FILTER domsec-auth-0:[127.0.0.1]:30001\n');
    expect(saslPasswordMap(cfg, 0, 'pass word')).toBe('[127.0.0.1]:30001 alice@example.org:pass word\n');
  });
  it('Cyrus smtpd.conf: PLAIN and LOGIN against the private sasldb', () => {
    expect(cyrusSmtpdConf(cfg)).toContain('sasldb_path: /w/sasldb/sasldb2');
    expect(cyrusSmtpdConf(cfg)).toContain('mech_list: PLAIN LOGIN');
  });
  it('refuses values that would change the meaning of a configuration line', () => {
    for (const v of ['', 'a b', 'a,b', 'a{b', 'a\nb', 'a=b', 'a#b']) expect(() => assertToken(v, 'x')).toThrow(/cannot be written/);
    expect(assertToken('alice@example.org', 'x')).toBe('alice@example.org');
  });
});
