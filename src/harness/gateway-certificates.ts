/**
 * A gateway under test that uses its own certificates for its domain (profile `certificates`), not the
 * suite's test PKI: the suite still builds its messages with the test PKI (users, the remote domain, the
 * certificates that break the naming rule), but it trusts the vendor's anchors when it verifies the
 * gateway's domain signatures, and encrypts for the vendor's DCA certificate where a case encrypts for
 * the gateway's domain (inbound cases b and d, the inner envelopes of Section 5).
 *
 * Everything is checked when the run starts, so that a wrong file is one clear line and not a run in
 * which every case fails for the same reason: the files parse, the DCA certificate is named for the
 * gateway's domain with an encryption keyUsage (draft 4.1, N10, N11), and it chains to a trust anchor at
 * the validation time.
 */
import { readFileSync } from 'node:fs';
import { DomsecError } from '../errors.js';
import { checkDcaEncryptionCertificate } from '../domsec/naming.js';
import { parseCertificates, type CertInfo } from '../x509/certificate.js';
import { validatePath } from '../x509/path.js';
import type { Profile } from './profile.js';

export interface GatewayCertificates {
  /** Added to the test PKI's CA when the gateway's output is verified. */
  trustAnchors: Buffer[];
  /** Path-building candidates the gateway may leave out of its SignedData. */
  intermediates: Buffer[];
  /** The gateway's DCA certificate, replacing `<domain>/dca-rsa` of the test PKI in the cases. */
  dca?: Buffer;
}

function readCertificates(path: string, field: string): CertInfo[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DomsecError('FILE_UNREADABLE', `profile certificates.${field}: ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseCertificates(bytes);
  } catch (e) {
    throw new DomsecError('BAD_ARGUMENT', `profile certificates.${field}: ${path} holds no certificate: ${(e as Error).message}`);
  }
}

/**
 * Load and check the profile's `certificates`. `suiteAnchors` are the test PKI's trust anchors (the
 * gateway's certificates may also be issued by the suite's CA).
 */
export function loadGatewayCertificates(c: NonNullable<Profile['certificates']>, domain: string, suiteAnchors: Buffer[], validationTime: Date): GatewayCertificates {
  const anchors = (c.trustAnchors ?? []).flatMap((f) => readCertificates(f, 'trustAnchors'));
  const intermediates = (c.intermediates ?? []).flatMap((f) => readCertificates(f, 'intermediates'));
  const out: GatewayCertificates = { trustAnchors: anchors.map((a) => a.der), intermediates: intermediates.map((a) => a.der) };
  if (c.dca) {
    const certs = readCertificates(c.dca, 'dca');
    if (certs.length !== 1) throw new DomsecError('BAD_ARGUMENT', `profile certificates.dca: ${c.dca} holds ${certs.length} certificates; name exactly one, the DCA's (give CA certificates as trustAnchors or intermediates)`);
    const dca = certs[0]!;
    const naming = checkDcaEncryptionCertificate(dca, domain);
    if (!naming.ok) throw new DomsecError('BAD_ARGUMENT', `profile certificates.dca: ${dca.subject} is not a DCA encryption certificate for ${domain} (draft 4.1, N10, N11): ${naming.detail}`);
    const allAnchors = [...suiteAnchors.flatMap((a) => parseCertificates(a)), ...anchors];
    const path = validatePath(dca, intermediates, allAnchors, validationTime);
    if (!path.ok) throw new DomsecError('BAD_ARGUMENT', `profile certificates.dca: ${dca.subject} does not chain to a trust anchor at ${validationTime.toISOString()}: ${path.reason}: ${path.detail}`);
    out.dca = dca.der;
  }
  return out;
}
