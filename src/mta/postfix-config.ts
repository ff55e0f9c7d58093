/**
 * The configuration of a private Postfix between the suite and a gateway (pure: text in, text out; the
 * process is src/mta/postfix.ts). Postfix FILTER_README's after-queue content filter, with two filtered
 * entry points and one re-injection point:
 *
 *   suite --submission smtpd--> queue --content_filter--> gateway outbound listener --+
 *   suite --inbound smtpd-----> queue --content_filter--> gateway inbound listener  --+
 *                                                                                     v
 *   sink <--transport_maps (relay domains)-- queue <-- re-injection smtpd (content_filter empty)
 *
 * SMTP AUTH: the submission smtpd authenticates users (Cyrus SASL, a private sasldb). An authenticated
 * session is routed (check_sasl_access -> FILTER) to a filter transport of its own, whose SMTP client
 * authenticates to the gateway as the same user: the gateway decides "externally authenticated
 * originator" (draft 3.2) from its own SMTP session, as without Postfix. Unauthenticated mail goes to the
 * gateway unauthenticated (plain `smtp:` filter).
 *
 * Keeping the message as it is (what the grades rely on): Postfix prepends Received: and nothing else.
 *   local_header_rewrite_clients empty   no Message-Id:, Date:, From:, To: added, no address rewriting in headers
 *   disable_mime_output_conversion       no 8bit -> quoted-printable conversion (signed bodies stay byte-exact)
 *   smtp_line_length_limit = 0           no folding of long lines on output
 *   no header/body checks, milters, always_bcc, canonical or virtual maps, masquerading, recipient delimiter
 */

export interface HostPort {
  host: string;
  port: number;
}

export interface PostfixLayout {
  /** config_directory: main.cf, master.cf, sasl/, maps. */
  configDir: string;
  queueDir: string;
  dataDir: string;
  /** maillog_file (postlogd). */
  logFile: string;
  /** Cyrus SASL: smtpd.conf lives here; the sasldb next to it. */
  saslDir: string;
  sasldb: string;
}

export interface PostfixConfigInput {
  layout: PostfixLayout;
  /** The folder maillog_file must lie under (maillog_file_prefixes). */
  logPrefix: string;
  myhostname: string;
  listenHost: string;
  ports: { submission: number; inbound: number; reinject: number };
  /** Domains Postfix relays for: re-injected mail for them (and their subdomains) goes to `deliverTo`. */
  relayDomains: string[];
  deliverTo: HostPort;
  filters: { submission: HostPort; inbound: HostPort };
  /** SMTP AUTH login names, in a fixed order (transport i authenticates as users[i]). */
  users: string[];
  messageSizeLimit: number;
}

/** The master.cf service name of the filter transport that authenticates to the gateway as users[i]. */
export const authTransport = (i: number): string => `domsec-auth-${i}`;

/** File names inside configDir. */
export const MAPS = {
  transport: 'transport',
  saslFilters: 'sasl-filters',
  saslPassword: (i: number): string => `sasl-password-${i}`,
} as const;

const nexthop = (h: HostPort): string => `[${h.host}]:${h.port}`;

/** A value Postfix reads literally from main.cf / texthash: no white space, commas, braces or control characters. */
export function assertToken(v: string, what: string): string {
  if (!v || /[\s,{}=#\x00-\x1f\x7f]/.test(v)) throw new Error(`${what} "${v}" cannot be written into a Postfix configuration`);
  return v;
}

export function mainCf(c: PostfixConfigInput): string {
  const L = c.layout;
  const lines: Array<[string, string | number]> = [
    ['compatibility_level', '3.6'],
    ['queue_directory', L.queueDir],
    ['data_directory', L.dataDir],
    ['maillog_file', L.logFile],
    ['maillog_file_prefixes', c.logPrefix],
    ['myhostname', c.myhostname],
    ['mydomain', c.myhostname.split('.').slice(1).join('.') || c.myhostname],
    ['myorigin', '$myhostname'],
    // Nothing is delivered locally: no aliases, no local recipients, no local transport.
    ['mydestination', ''],
    ['local_recipient_maps', ''],
    ['local_transport', 'error:5.1.1 local delivery is disabled in the domsec-suite test MTA'],
    ['alias_maps', ''],
    ['alias_database', ''],
    ['biff', 'no'],
    ['inet_interfaces', c.listenHost],
    ['inet_protocols', 'ipv4'],
    ['mynetworks_style', 'host'],
    ['mynetworks', '127.0.0.0/8'],
    ['relay_domains', c.relayDomains.join(' ')],
    ['smtpd_relay_restrictions', 'permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination'],
    ['transport_maps', `texthash:${c.layout.configDir}/${MAPS.transport}`],
    // Anything outside the relay domains (a misrouted bounce) is returned, never sent anywhere else.
    ['default_transport', 'error:5.1.2 the domsec-suite test MTA delivers only to its relay domains'],
    ['relay_transport', 'smtp'],
    // Keep headers and body unchanged (see the file comment).
    ['local_header_rewrite_clients', ''],
    ['remote_header_rewrite_domain', ''],
    ['always_add_missing_headers', 'no'],
    ['disable_mime_output_conversion', 'yes'],
    ['smtp_line_length_limit', 0],
    ['line_length_limit', 1_000_000],
    ['recipient_delimiter', ''],
    ['message_size_limit', c.messageSizeLimit],
    ['mailbox_size_limit', 0],
    // Loopback test MTA: no DNS, no TLS, no waiting.
    ['smtpd_peername_lookup', 'no'],
    ['smtp_dns_support_level', 'disabled'],
    ['smtp_tls_security_level', 'none'],
    ['smtpd_tls_security_level', 'none'],
    ['smtpd_error_sleep_time', '0s'],
    ['in_flow_delay', '0s'],
    ['queue_run_delay', '1s'],
    ['minimal_backoff_time', '1s'],
    ['maximal_backoff_time', '4s'],
    ['maximal_queue_lifetime', '10m'],
    ['bounce_queue_lifetime', '10m'],
    ['delay_warning_time', '0h'],
    ['smtpd_banner', '$myhostname ESMTP domsec-suite test MTA (Postfix)'],
    // SMTP AUTH on the submission smtpd only (master.cf); Cyrus SASL with a private sasldb.
    ['smtpd_sasl_auth_enable', 'no'],
    ['smtpd_sasl_type', 'cyrus'],
    ['smtpd_sasl_path', 'smtpd'],
    ['cyrus_sasl_config_path', L.saslDir],
    ['smtpd_sasl_security_options', 'noanonymous'],
    ['smtpd_sasl_authenticated_header', 'no'],
    ['smtpd_tls_auth_only', 'no'],
    ['domsec_submission_restrictions', c.users.length ? `check_sasl_access texthash:${c.layout.configDir}/${MAPS.saslFilters}, permit` : 'permit'],
  ];
  return ['# generated by domsec-suite src/mta/postfix-config.ts', ...lines.map(([k, v]) => `${k} = ${v}`), ''].join('\n');
}

export function masterCf(c: PostfixConfigInput): string {
  const at = (port: number): string => `${c.listenHost}:${port}`;
  const svc = (name: string, type: string, priv: string, unpriv: string, chroot: string, wakeup: string, maxproc: string, command: string, opts: string[] = []): string =>
    [[name, type, priv, unpriv, chroot, wakeup, maxproc, command].join(' '), ...opts.map((o) => `  -o ${o}`)].join('\n');
  const services = [
    // Where the suite submits outbound mail (the domain's users; SMTP AUTH offered).
    svc(at(c.ports.submission), 'inet', 'n', '-', 'n', '-', '-', 'smtpd', [
      'syslog_name=postfix/submission',
      'smtpd_sasl_auth_enable=yes',
      `content_filter=smtp:${nexthop(c.filters.submission)}`,
      'smtpd_recipient_restrictions=$domsec_submission_restrictions',
      'receive_override_options=no_address_mappings',
    ]),
    // Where the suite submits inbound mail (as a remote domain).
    svc(at(c.ports.inbound), 'inet', 'n', '-', 'n', '-', '-', 'smtpd', [
      'syslog_name=postfix/inbound',
      `content_filter=smtp:${nexthop(c.filters.inbound)}`,
      'receive_override_options=no_address_mappings',
    ]),
    // Where the gateway relays / delivers what it processed: not filtered again.
    svc(at(c.ports.reinject), 'inet', 'n', '-', 'n', '-', '-', 'smtpd', [
      'syslog_name=postfix/reinject',
      'content_filter=',
      'receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters',
      'smtpd_relay_restrictions=permit_mynetworks,reject',
      'smtpd_recipient_restrictions=',
    ]),
    svc('cleanup', 'unix', 'n', '-', 'n', '-', '0', 'cleanup'),
    svc('qmgr', 'unix', 'n', '-', 'n', '300', '1', 'qmgr'),
    svc('rewrite', 'unix', '-', '-', 'n', '-', '-', 'trivial-rewrite'),
    svc('bounce', 'unix', '-', '-', 'n', '-', '0', 'bounce'),
    svc('defer', 'unix', '-', '-', 'n', '-', '0', 'bounce'),
    svc('trace', 'unix', '-', '-', 'n', '-', '0', 'bounce'),
    svc('verify', 'unix', '-', '-', 'n', '-', '1', 'verify'),
    svc('flush', 'unix', 'n', '-', 'n', '1000?', '0', 'flush'),
    svc('proxymap', 'unix', '-', '-', 'n', '-', '-', 'proxymap'),
    svc('smtp', 'unix', '-', '-', 'n', '-', '-', 'smtp'),
    svc('relay', 'unix', '-', '-', 'n', '-', '-', 'smtp'),
    svc('showq', 'unix', 'n', '-', 'n', '-', '-', 'showq'),
    svc('error', 'unix', '-', '-', 'n', '-', '-', 'error'),
    svc('retry', 'unix', '-', '-', 'n', '-', '-', 'error'),
    svc('discard', 'unix', '-', '-', 'n', '-', '-', 'discard'),
    svc('anvil', 'unix', '-', '-', 'n', '-', '1', 'anvil'),
    svc('scache', 'unix', '-', '-', 'n', '-', '1', 'scache'),
    svc('postlog', 'unix-dgram', 'n', '-', 'n', '-', '1', 'postlogd'),
    // One filter transport per SMTP AUTH user: it authenticates to the gateway as that user.
    ...c.users.map((_, i) =>
      svc(authTransport(i), 'unix', '-', '-', 'n', '-', '-', 'smtp', [
        `syslog_name=postfix/${authTransport(i)}`,
        'smtp_sasl_auth_enable=yes',
        `smtp_sasl_password_maps=texthash:${c.layout.configDir}/${MAPS.saslPassword(i)}`,
        'smtp_sasl_security_options=noanonymous',
        'smtp_sasl_mechanism_filter=plain,login',
      ]),
    ),
  ];
  return ['# generated by domsec-suite src/mta/postfix-config.ts', ...services, ''].join('\n');
}

/** transport_maps: each relay domain and its subdomains -> the sink. */
export function transportMap(c: PostfixConfigInput): string {
  return c.relayDomains.flatMap((d) => [`${d} smtp:${nexthop(c.deliverTo)}`, `.${d} smtp:${nexthop(c.deliverTo)}`]).join('\n') + '\n';
}

/** check_sasl_access: SASL login name -> FILTER through that user's authenticating transport. */
export function saslFiltersMap(c: PostfixConfigInput): string {
  return c.users.map((u, i) => `${u} FILTER ${authTransport(i)}:${nexthop(c.filters.submission)}`).join('\n') + '\n';
}

/** smtp_sasl_password_maps of transport i: the gateway's next hop -> user:password. */
export function saslPasswordMap(c: PostfixConfigInput, i: number, password: string): string {
  return `${nexthop(c.filters.submission)} ${c.users[i]}:${password}\n`;
}

/** Cyrus SASL's smtpd.conf (in cyrus_sasl_config_path): PLAIN and LOGIN against the private sasldb. */
export function cyrusSmtpdConf(c: PostfixConfigInput): string {
  return ['pwcheck_method: auxprop', 'auxprop_plugin: sasldb', `sasldb_path: ${c.layout.sasldb}`, 'mech_list: PLAIN LOGIN', ''].join('\n');
}
