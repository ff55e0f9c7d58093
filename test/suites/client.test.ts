/**
 * The client suite as data: namespaced unique ids, requirement ids of the catalogue, the draft 4 (N3)
 * client cases all present, the catalogue's list of DOMSEC-4-CLIENT-CASES cases in step with the suite,
 * and inputs that are what each case says they are.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClientCaseContext } from '../../src/adapter/context.js';
import { parseMessage, shapeOf } from '../../src/message/layers.js';
import { certRef } from '../../src/cms/cert-ref.js';
import { recipientInfoMatches } from '../../src/cms/recipient-info.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import type { TestPki } from '../../src/pki/index.js';
import { clientCases } from '../../suites/client.js';
import { CLIENT_SUITES, SUITES } from '../../suites/index.js';
import { keyOf, testPki } from '../helpers/pki.js';

interface Req {
  id: string;
  roles: string[];
  level: string;
  untestable?: string;
  cases?: string[];
}
const catalogue = (JSON.parse(readFileSync(fileURLToPath(new URL('../../suites/requirements.json', import.meta.url)), 'utf8')) as { requirements: Req[] }).requirements;

let pki: TestPki;
let ctx: ClientCaseContext;
beforeAll(async () => {
  pki = await testPki();
  ctx = new ClientCaseContext(pki, 'example.org', 'example.test', '<suite-test@domsec-suite.test>', new Date('2026-03-01T12:00:00Z'), Buffer.from('Content-Type: text/plain\r\n\r\nx\r\n'));
});

describe('client suite', () => {
  it('has unique domsec::client:: ids, is a client suite and not a gateway suite', () => {
    const ids = clientCases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of clientCases) expect([c.id, c.suite, c.role]).toEqual([expect.stringMatching(/^domsec::client::[a-z0-9-]+$/), 'client', 'client']);
    expect(CLIENT_SUITES.client).toBe(clientCases);
    expect(Object.values(SUITES).flat().some((c) => c.role === 'client')).toBe(false);
  });

  it('names requirements of the catalogue that apply to clients, DOMSEC-4-CLIENT-CASES first', () => {
    for (const c of clientCases) {
      expect(c.requirements[0], c.id).toBe('DOMSEC-4-CLIENT-CASES');
      for (const r of c.requirements) expect(catalogue.find((q) => q.id === r)?.roles, `${c.id} ${r}`).toContain('client');
    }
  });

  it('covers what draft 4 asks of a client (N3): case (b) transmission, case (c) reception, case (a) both ways', () => {
    const kinds = new Set(clientCases.map((c) => (c.expect.kind === 'refused' ? 'refused' : `${c.expect.encryptionCase}-${c.step}`)));
    expect([...kinds].sort()).toEqual(['a-decrypt', 'a-encrypt', 'b-encrypt', 'c-decrypt', 'refused']);
  });

  it('the catalogue lists exactly the cases that test DOMSEC-4-CLIENT-CASES, and no longer calls it untestable', () => {
    const req = catalogue.find((r) => r.id === 'DOMSEC-4-CLIENT-CASES')!;
    expect(req.untestable).toBeUndefined();
    expect(req.cases).toEqual(clientCases.filter((c) => (c.requirements as readonly string[]).includes(req.id)).map((c) => c.id));
  });

  it('transmission inputs: a message from the client user, and the certificate of the party the case names', () => {
    for (const c of clientCases.filter((d) => d.step === 'encrypt')) {
      const input = c.prepare(ctx);
      if (input.step !== 'encrypt' || c.expect.kind !== 'encrypted-for') throw new Error(`${c.id}: not a transmission`);
      expect(shapeOf(parseMessage(input.message)), c.id).toMatch(/^(S\[-\]\()?data\)?$/);
      const cert = parseCertificate(pki.entries[input.recipient]!.certDer);
      // Case (b): the recipient's DCA, named for the domain (draft 4.1, 2.4), not for the person (no e-mail name).
      if (c.expect.encryptionCase === 'b') expect([pki.entries[input.recipient]!.role, cert.sanEmails, cert.sanUris]).toEqual(['dca', [], [`smtp://${ctx.remote}`]]);
      else expect(cert.sanEmails).toEqual([input.to]);
    }
  });

  it("reception inputs: an envelope the user's key opens to the plaintext, except for the cases that must fail", () => {
    for (const c of clientCases.filter((d) => d.step === 'decrypt')) {
      const input = c.prepare(ctx);
      if (input.step !== 'decrypt') throw new Error(`${c.id}: not a reception`);
      const root = parseMessage(input.message, { keys: [keyOf(pki, input.user)] });
      if (root.kind !== 'envelopedData' && root.kind !== 'authEnvelopedData') throw new Error(`${c.id}: not encrypted`);
      const forUser = root.env.recipientInfos.some((ri) => recipientInfoMatches(ri, certRef(pki.entries[input.user]!.certDer)));
      if (c.expect.kind === 'refused') {
        expect(root.inner, c.id).toBeUndefined();
        continue;
      }
      expect(forUser, c.id).toBe(true);
      expect(root.inner?.raw.equals(input.plaintext), c.id).toBe(true);
      if (c.expect.kind === 'decrypted' && c.expect.encryptionCase === 'c') {
        // N13: the encrypting DCA's certificate travels in originatorInfo.
        expect(root.env.originatorCertificates.map((d) => pki.entries[`${ctx.remote}/dca-rsa`]!.certDer.equals(d) || pki.entries[`${ctx.remote}/dca-ec`]!.certDer.equals(d)), c.id).toEqual([true]);
      }
    }
  });
});
