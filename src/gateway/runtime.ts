/**
 * What the gateway works with once started: the config resolved against the PKI (keys loaded, certificates
 * looked up), so that a wrong entry name is a start-time error and not a per-message failure.
 */
import type { KeyObject } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { DomsecError } from '../errors.js';
import { loadTestPki, type PkiEntry, type TestPki } from '../pki/index.js';
import { loadPrivateKey } from '../x509/keys.js';
import { readPemFile } from '../smtp/tls.js';
import { normalizeDomain, type NamingRole } from '../domsec/naming.js';
import type { DomainSignerKey } from '../message/build.js';
import type { RecipientKey } from '../cms/recipient-info.js';
import type { FaultName } from './faults.js';
import type { GatewayConfig, OriginatorAuthenticationMethod } from './config.js';

export interface KeyPair {
  certDer: Buffer;
  key: KeyObject;
}

export interface GatewayRuntime {
  domain: string;
  authservId: string;
  policy: { encryptOutbound: boolean };
  signers: DomainSignerKey[];
  dca: RecipientKey;
  trustAnchors: Buffer[];
  /** Remote domain (normalised) -> its DCA's certificate. */
  recipientDcas: Map<string, Buffer>;
  users?: Record<string, string>;
  namingRole: NamingRole;
  /** Pinned validation time; undefined = now at each message. */
  validationTime?: Date;
  faults: ReadonlySet<FaultName>;
  /** STARTTLS credentials (PEM), read at start. */
  tls?: { key: string; cert: string };
  /** Keys the seeded faults sign with, resolved at start. */
  faultKeys: { foreign?: KeyPair; lookalike?: KeyPair };
  /** Draft 3.2, N17: how the originator of unsigned mail is authenticated outside S/MIME. */
  originatorAuthentication: { method: OriginatorAuthenticationMethod; isTrusted(address: string): boolean };
  /** Draft 4.1, case (c): end-recipient address (lowercased) -> its own encryption certificate. */
  endRecipients: Map<string, Buffer>;
}

/** A client address matcher for originatorAuthentication.trustedAddresses (IP addresses or CIDR ranges). */
export function trustedAddressMatcher(list: readonly string[]): (address: string) => boolean {
  const block = new BlockList();
  for (const entry of list) {
    const [addr, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) block.addAddress(addr, type);
    else block.addSubnet(addr, Number(prefix), type);
  }
  return (address: string): boolean => {
    // smtp-server normalises IPv4-mapped IPv6 (::ffff:127.0.0.1) to IPv4; check both forms anyway.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (v4) return block.check(v4, 'ipv4');
    const t = isIP(address);
    return t === 4 ? block.check(address, 'ipv4') : t === 6 ? block.check(address, 'ipv6') : false;
  };
}

function lookup(pki: TestPki, name: string, field: string): PkiEntry {
  const e = pki.entries[name];
  if (!e) {
    const near = Object.keys(pki.entries).filter((n) => n.endsWith(name.split('/').pop() ?? name)).slice(0, 5);
    throw new DomsecError('BAD_ARGUMENT', `gateway config: ${field} names no entry "${name}" of the PKI${near.length ? ` (similar: ${near.join(', ')})` : ''}`);
  }
  return e;
}

const pair = (e: PkiEntry): KeyPair => ({ certDer: e.certDer, key: loadPrivateKey(e.keyPem) });

/** The certificate a seeded signer fault uses: the entry for this domain if the PKI has one, else any entry of that kind. */
function faultEntry(pki: TestPki, domain: string, shortName: string): PkiEntry | undefined {
  return pki.entries[`${domain}/${shortName}`] ?? Object.values(pki.entries).find((e) => e.shortName === shortName);
}

export async function buildRuntime(config: GatewayConfig): Promise<GatewayRuntime> {
  const pki = await loadTestPki(config.pki);
  const domain = normalizeDomain(config.domain)!;
  const faults = new Set(config.faults ?? []);
  const recipientDcas = new Map<string, Buffer>();
  for (const [d, name] of Object.entries(config.recipientDcas)) recipientDcas.set(normalizeDomain(d)!, lookup(pki, name, `recipientDcas["${d}"]`).certDer);
  const rt: GatewayRuntime = {
    domain,
    authservId: config.authservId ?? `mx.${domain}`,
    policy: { encryptOutbound: config.policy.encryptOutbound },
    signers: config.signers.map((n) => pair(lookup(pki, n, 'signers'))),
    dca: pair(lookup(pki, config.dca, 'dca')),
    trustAnchors: (config.trustAnchors ?? ['ca']).map((n) => lookup(pki, n, 'trustAnchors').certDer),
    recipientDcas,
    namingRole: config.namingRole ?? 'any',
    faults,
    faultKeys: {},
    originatorAuthentication: {
      method: config.originatorAuthentication?.method ?? 'smtp-auth',
      isTrusted: trustedAddressMatcher(config.originatorAuthentication?.trustedAddresses ?? []),
    },
    endRecipients: new Map(Object.entries(config.recipientCertificates ?? {}).map(([a, name]) => [a.toLowerCase(), lookup(pki, name, `recipientCertificates["${a}"]`).certDer])),
  };
  if (config.users) rt.users = config.users;
  if (config.tls) rt.tls = { key: readPemFile(config.tls.key, 'gateway config: tls.key'), cert: readPemFile(config.tls.cert, 'gateway config: tls.cert') };
  // Read now, so that a wrong path is a start-time error, not a relay failure per message.
  if (config.nextHop.tlsCaFile) readPemFile(config.nextHop.tlsCaFile, 'gateway config: nextHop.tlsCaFile');
  if (config.validationTime) rt.validationTime = new Date(config.validationTime);
  if (faults.has('foreign-domain-signer')) {
    // foreign.test's certificate; a PKI without one: the signer of another of its domains.
    const other = pki.domains.find((d) => d !== domain);
    const e = faultEntry(pki, domain, 'bad-foreign') ?? (other ? pki.entries[`${other}/signer-rsa`] : undefined);
    if (!e) throw new DomsecError('BAD_ARGUMENT', 'fault foreign-domain-signer: the PKI has neither a bad-foreign entry nor a second domain');
    rt.faultKeys.foreign = pair(e);
  }
  if (faults.has('lookalike-domain-signer')) {
    const e = faultEntry(pki, domain, 'bad-lookalike');
    if (!e) throw new DomsecError('BAD_ARGUMENT', 'fault lookalike-domain-signer: the PKI has no bad-lookalike entry');
    rt.faultKeys.lookalike = pair(e);
  }
  return rt;
}
