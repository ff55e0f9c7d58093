/**
 * The reference gateway's configuration: `domsec gateway --config FILE` reads it as JSON, and the harness
 * passes it to startGateway(). See src/gateway/server.ts for what the gateway does with it.
 *
 * Example (the PKI written by `domsec pki --out vectors/keys`; paths relative to the config file):
 *
 *   {
 *     "domain": "example.org",
 *     "listen": { "outboundPort": 2525, "inboundPort": 2526 },
 *     "nextHop": { "host": "127.0.0.1", "port": 2527 },
 *     "pki": "vectors/keys",
 *     "signers": ["example.org/signer-rsa"],
 *     "dca": "example.org/dca-rsa",
 *     "policy": { "encryptOutbound": false },
 *     "recipientDcas": { "example.test": "example.test/dca-rsa" },
 *     "users": { "alice@example.org": "secret" },
 *     "originatorAuthentication": { "method": "smtp-auth" }
 *   }
 *
 * Signing with two algorithms (draft 3.1.1: the same SignatureType in every SignerInfo) is two entries in
 * `signers`, e.g. ["example.org/signer-rsa", "example.org/signer-ec"].
 */
import type { NamingRole } from '../domsec/naming.js';
import type { FaultName } from './faults.js';

export type { FaultName } from './faults.js';
export { startGateway, type RunningGateway, type GatewayEvent, type GatewayHooks } from './server.js';

export interface GatewayConfig {
  /** The local domain, e.g. 'example.test'. */
  domain: string;
  /** Default host 127.0.0.1; a non-loopback host only with `tls` (AUTH is then taken over TLS only); port 0 = a free port. */
  listen?: { host?: string; outboundPort?: number; inboundPort?: number };
  /**
   * STARTTLS (RFC 3207) on both listeners: PEM files, relative to the config file. With it the outbound
   * listener takes AUTH only after STARTTLS (RFC 4954 4: no plaintext passwords on an unprotected link).
   */
  tls?: { key: string; cert: string };
  /**
   * Where both directions relay / deliver (the suite's sink). STARTTLS is used when the next hop offers it;
   * `requireTls` refuses to relay without it; `tlsCaFile` is the trust anchor for its certificate (PEM file,
   * relative to the config file; default the system's CAs).
   */
  nextHop: { host: string; port: number; requireTls?: boolean; tlsCaFile?: string };
  /** Folder written by `domsec pki` / writeTestPki (pki.json). */
  pki: string;
  /** PKI entry names of the domain signer(s), e.g. ['example.test/signer-rsa']. */
  signers: string[];
  /** The local DCA entry, e.g. 'example.test/dca-rsa'. */
  dca: string;
  /** Entry names, default ['ca']. */
  trustAnchors?: string[];
  /** Section 4/5 local policy. */
  policy: { encryptOutbound: boolean };
  /** Remote domain -> its DCA certificate entry, e.g. {'example.org': 'example.org/dca-rsa'}. */
  recipientDcas: Record<string, string>;
  /**
   * SMTP AUTH users (outbound submission) -> password; an authenticated session means the originator is
   * authenticated externally (draft 3.2). Without it any AUTH succeeds (test setups only).
   */
  users?: Record<string, string>;
  /** For Authentication-Results, default `mx.<domain>`. */
  authservId?: string;
  namingRole?: NamingRole;
  /** ISO; default now (tests/vectors pin 2026-03-01T12:00:00Z). */
  validationTime?: string;
  /** Seeded faults (faulty variants), default none. */
  faults?: FaultName[];
  /**
   * Draft 3.2, N17: how the originator of mail that carries no valid originator signature is
   * authenticated: `smtp-auth` (default: an SMTP-authenticated session), `trusted-address` (a submission
   * from one of `trustedAddresses`, IP addresses or CIDR ranges), `signature-only` (no external mechanism:
   * only a valid originator signature whose certificate names the From: address).
   */
  originatorAuthentication?: { method: OriginatorAuthenticationMethod; trustedAddresses?: string[] };
  /**
   * Draft 4.1, case (c): end recipients the gateway encrypts for with their own certificate instead of
   * their domain's DCA, address -> PKI entry, e.g. {"bob@example.org": "example.org/user-bob"}. Used
   * whenever the message is encrypted (local policy or a lower envelopedData, Section 5).
   */
  recipientCertificates?: Record<string, string>;
}

export type OriginatorAuthenticationMethod = 'smtp-auth' | 'trusted-address' | 'signature-only';

export { validateGatewayConfig, loadGatewayConfig } from './validate.js';
