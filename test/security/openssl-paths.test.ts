/**
 * Issue 12, item 4: the engine's certificate path decisions against `openssl cms -verify -purpose smimesign`
 * on a table of crafted certificates (made here, ./certs.ts). Each row says what the engine must decide
 * (written from the RFC named) and what OpenSSL decides; where they differ, `why` gives the section that
 * decides it for the engine. The test fails if either side departs from its column.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as x509 from '@peculiar/x509';
import * as O from '../../src/asn1/oids.js';
import type { TestPki } from '../../src/pki/index.js';
import { verifyMessage } from '../../src/domsec/verify.js';
import { signedLayer } from '../../src/message/build.js';
import { certToPem, parseCertificate } from '../../src/x509/certificate.js';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { entry, testPki } from '../helpers/pki.js';
import { fixture, HEADERS, SIGNING_TIME } from '../helpers/messages.js';
import { anyExtendedKeyUsage, caExtensions, craft, id_kp_serverAuth, KU, leafExtensions, nameConstraintsExtension, rawExtension, type Issuer } from './certs.js';

const AT = new Date('2026-03-01T12:00:00Z');
const ALICE = 'example.test/user-alice';

type Decision = 'accept' | 'reject';
interface Row {
  name: string;
  /** Leaf extension options, or full control of the leaf. */
  leaf?: Parameters<typeof leafExtensions>[1];
  leafExtensions?: x509.Extension[];
  /** An intermediate between the root and the leaf, with these CA options (absent: the root issues the leaf). */
  intermediate?: Parameters<typeof caExtensions>[0];
  notBefore?: Date;
  notAfter?: Date;
  engine: Decision;
  openssl: Decision;
  /** Why the engine decides as it does where OpenSSL differs (the RFC section that decides it). */
  why?: string;
}

/** nameConstraints permitting rfc822Name example.test (the leaf's address is inside it). */
function permitsExampleTest(): x509.Extension {
  const name = Buffer.from('example.test', 'latin1');
  const general = [0x81, name.length, ...name];
  const subtree = [0x30, general.length, ...general];
  const permitted = [0xa0, subtree.length, ...subtree];
  return rawExtension(O.id_ce_nameConstraints, true, [0x30, permitted.length, ...permitted]);
}

const ROWS: Row[] = [
  { name: 'well-formed leaf, emailProtection', engine: 'accept', openssl: 'accept' },
  { name: 'no extendedKeyUsage', leaf: { eku: null }, engine: 'accept', openssl: 'accept' },
  { name: 'extendedKeyUsage serverAuth only', leaf: { eku: [id_kp_serverAuth] }, engine: 'reject', openssl: 'reject' },
  {
    name: 'extendedKeyUsage anyExtendedKeyUsage only', leaf: { eku: [anyExtendedKeyUsage] }, engine: 'accept', openssl: 'reject',
    why: 'RFC 8550 4.4.4: receiving agents MUST check that extendedKeyUsage contains id-kp-emailProtection or anyExtendedKeyUsage (OpenSSL\'s smimesign purpose does not count anyExtendedKeyUsage)',
  },
  { name: 'serverAuth and emailProtection', leaf: { eku: [id_kp_serverAuth, O.id_kp_emailProtection] }, engine: 'accept', openssl: 'accept' },
  { name: 'unknown critical extension', leaf: { extra: [rawExtension('1.3.6.1.4.1.99999.1', true, [0x05, 0x00])] }, engine: 'reject', openssl: 'reject' },
  { name: 'unknown non-critical extension', leaf: { extra: [rawExtension('1.3.6.1.4.1.99999.1', false, [0x05, 0x00])] }, engine: 'accept', openssl: 'accept' },
  {
    name: 'critical policyConstraints (inhibitPolicyMapping 0)', leaf: { extra: [rawExtension(O.id_ce_policyConstraints, true, [0x30, 0x03, 0x81, 0x01, 0x00])] }, engine: 'reject', openssl: 'accept',
    why: 'RFC 5280 4.2: a critical extension the relying party cannot process MUST be rejected; the engine does not process certificate policies (README Security notes), OpenSSL does',
  },
  {
    name: 'critical cRLDistributionPoints', leaf: { extra: [rawExtension(O.id_ce_cRLDistributionPoints, true, [0x30, 0x00])] }, engine: 'reject', openssl: 'accept',
    why: 'RFC 5280 4.2: the engine checks no revocation, so it cannot process a critical cRLDistributionPoints; OpenSSL recognises the extension even when it checks no CRL',
  },
  { name: 'malformed subjectAltName (DER:05:00)', leaf: { san: rawExtension(O.id_ce_subjectAltName, false, [0x05, 0x00]) }, engine: 'reject', openssl: 'reject' },
  { name: 'keyUsage keyEncipherment only', leaf: { keyUsage: KU.keyEncipherment }, engine: 'reject', openssl: 'reject' },
  { name: 'keyUsage nonRepudiation only', leaf: { keyUsage: KU.nonRepudiation }, engine: 'accept', openssl: 'accept' },
  { name: 'expired at the validation time', notAfter: new Date('2026-02-01T00:00:00Z'), engine: 'reject', openssl: 'reject' },
  { name: 'not yet valid at the validation time', notBefore: new Date('2026-06-01T00:00:00Z'), engine: 'reject', openssl: 'reject' },
  { name: 'good intermediate', intermediate: {}, engine: 'accept', openssl: 'accept' },
  { name: 'intermediate cA=FALSE', intermediate: { ca: false }, engine: 'reject', openssl: 'reject' },
  { name: 'intermediate keyUsage without keyCertSign', intermediate: { keyUsage: KU.digitalSignature | KU.cRLSign }, engine: 'reject', openssl: 'reject' },
  { name: 'intermediate without keyUsage', intermediate: { keyUsage: null }, engine: 'accept', openssl: 'accept' },
  { name: 'intermediate pathLenConstraint 0 (leaf directly below)', intermediate: { pathLen: 0 }, engine: 'accept', openssl: 'accept' },
  { name: 'intermediate extendedKeyUsage serverAuth', intermediate: { eku: [id_kp_serverAuth] }, engine: 'reject', openssl: 'reject' },
  { name: 'intermediate extendedKeyUsage emailProtection', intermediate: { eku: [O.id_kp_emailProtection] }, engine: 'accept', openssl: 'accept' },
  { name: 'intermediate nameConstraints excluding the leaf (example.org only)', intermediate: { extra: [nameConstraintsExtension(true)] }, engine: 'reject', openssl: 'reject' },
  {
    name: 'intermediate nameConstraints the leaf satisfies (example.test)', intermediate: { extra: [permitsExampleTest()] }, engine: 'reject', openssl: 'accept',
    why: 'RFC 5280 4.2.1.10, 4.2: nameConstraints is critical and the engine does not process it, so it refuses the path (CERT_NAME_CONSTRAINTS_NOT_CHECKED) rather than accept it unchecked',
  },
  { name: 'intermediate unknown critical extension', intermediate: { extra: [rawExtension('1.3.6.1.4.1.99999.2', true, [0x05, 0x00])] }, engine: 'reject', openssl: 'reject' },
];

let pki: TestPki;
let dir: string;
const opensslOk = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(join(tmpdir(), 'domsec-openssl-paths-'));
  writeFileSync(join(dir, 'ca.pem'), certToPem(pki.ca.certDer));
}, 120_000);

async function messageFor(row: Row, i: number): Promise<Buffer> {
  const ca: Issuer = { name: parseCertificate(pki.ca.certDer).subject, keyPem: pki.ca.keyPem };
  const aliceKeyPem = entry(pki, ALICE).keyPem;
  let issuer = ca;
  const chain: Buffer[] = [];
  if (row.intermediate) {
    const name = `CN=Table Intermediate ${i}, O=Example Test`;
    const keyPem = entry(pki, 'example.test/signer-rsa').keyPem;
    chain.push(await craft({ serial: `70${i.toString().padStart(2, '0')}`, subject: name, issuer: ca, keyPem, extensions: caExtensions(row.intermediate) }));
    issuer = { name, keyPem };
  }
  const leaf = await craft({
    serial: `71${i.toString().padStart(2, '0')}`, subject: `CN=Alice (table ${i}), O=Example Test`, issuer, keyPem: aliceKeyPem,
    extensions: row.leafExtensions ?? leafExtensions('alice@example.test', row.leaf ?? {}),
    ...(row.notBefore ? { notBefore: row.notBefore } : {}), ...(row.notAfter ? { notAfter: row.notAfter } : {}),
  });
  return signedLayer(fixture('messages/plain-content.txt'), { signers: [{ certDer: leaf, key: loadPrivateKey(aliceKeyPem) }], signingTime: SIGNING_TIME, headers: HEADERS, certificates: chain });
}

function openssl(file: string): Decision {
  const r = spawnSync('openssl', ['cms', '-verify', '-purpose', 'smimesign', '-CAfile', join(dir, 'ca.pem'), '-attime', String(Math.floor(AT.getTime() / 1000)), '-in', file, '-out', '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? 'accept' : 'reject';
}

describe.runIf(opensslOk)('path validation: engine vs openssl cms -verify -purpose smimesign (issue 12, item 4)', () => {
  it('every disagreement in the table says which RFC section decides it', () => {
    for (const row of ROWS) if (row.engine !== row.openssl) expect(row.why, row.name).toMatch(/RFC \d+ [\d.]+/);
  });
  ROWS.forEach((row, i) => {
    it(`${row.name}: engine ${row.engine}, OpenSSL ${row.openssl}`, async () => {
      const msg = await messageFor(row, i);
      const file = join(dir, `row-${i}.eml`);
      writeFileSync(file, msg);
      const r = verifyMessage(msg, { trustAnchors: [pki.ca.certDer], validationTime: AT });
      const engine: Decision = r.verdict === 'pass' ? 'accept' : 'reject';
      expect(engine, `engine reasons: ${r.reasons.join(', ')}`).toBe(row.engine);
      expect(openssl(file)).toBe(row.openssl);
    }, 60_000);
  });
});
