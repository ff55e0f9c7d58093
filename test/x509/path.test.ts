import { describe, expect, it, beforeAll } from 'vitest';
import { validatePath, MAX_CHAIN_LENGTH, type PathResult } from '../../src/x509/path.js';
import { AT, KU, T1, makeCert, newKeys, type TestCa } from './helpers.js';

function reasonOf(r: PathResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('validatePath', () => {
  let root: TestCa;
  let inter: TestCa;
  let leaf: TestCa;
  let unrelated: TestCa;

  beforeAll(async () => {
    root = await makeCert({ subject: 'CN=Root', ca: true });
    inter = await makeCert({ subject: 'CN=Inter', issuer: root, ca: true });
    leaf = await makeCert({ subject: 'CN=Leaf', issuer: inter, sans: [{ type: 'dns', value: 'example.test' }] });
    unrelated = await makeCert({ subject: 'CN=Other Root', ca: true });
  });

  it('builds leaf -> intermediate -> anchor from unordered candidates with unrelated certificates', () => {
    const r = validatePath(leaf.info, [unrelated.info, leaf.info, inter.info], [unrelated.info, root.info], AT);
    expect(r.ok).toBe(true);
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=Leaf', 'CN=Inter', 'CN=Root']);
  });

  it('accepts a leaf that is itself a trust anchor', () => {
    const r = validatePath(root.info, [], [root.info], AT);
    expect(r).toMatchObject({ ok: true });
    expect(r.chain).toHaveLength(1);
  });

  it('reports CERT_UNTRUSTED when the intermediate is missing', () => {
    const r = validatePath(leaf.info, [unrelated.info], [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_UNTRUSTED');
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=Leaf']);
  });

  it('reports CERT_UNTRUSTED for a self-signed certificate that is not an anchor', () => {
    expect(reasonOf(validatePath(unrelated.info, [unrelated.info], [root.info], AT))).toBe('CERT_UNTRUSTED');
  });

  it('treats validity as inclusive of notAfter and reports CERT_EXPIRED one millisecond later', () => {
    expect(validatePath(leaf.info, [inter.info], [root.info], T1).ok).toBe(true);
    const r = validatePath(leaf.info, [inter.info], [root.info], new Date(T1.getTime() + 1));
    // the leaf is checked first, so the leaf is the one named even though all three expire together
    expect(reasonOf(r)).toBe('CERT_EXPIRED');
    expect(r.ok ? '' : r.detail).toContain('CN=Leaf');
  });

  it('reports CERT_NOT_YET_VALID before notBefore', () => {
    expect(reasonOf(validatePath(leaf.info, [inter.info], [root.info], new Date('2024-12-31T23:59:59Z')))).toBe('CERT_NOT_YET_VALID');
  });

  it('reports CERT_EXPIRED for an expired intermediate', async () => {
    const old = await makeCert({ subject: 'CN=Old Inter', issuer: root, ca: true, notAfter: new Date('2025-06-01T00:00:00Z') });
    const l = await makeCert({ subject: 'CN=Leaf2', issuer: old });
    const r = validatePath(l.info, [old.info], [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_EXPIRED');
    expect(r.ok ? '' : r.detail).toContain('CN=Old Inter');
  });

  it('prefers a valid renewed intermediate over an expired one with the same name and key', async () => {
    const keys = await newKeys();
    const expired = await makeCert({ subject: 'CN=Renewed', issuer: root, ca: true, keys, notAfter: new Date('2025-06-01T00:00:00Z') });
    const renewed = await makeCert({ subject: 'CN=Renewed', issuer: root, ca: true, keys });
    const l = await makeCert({ subject: 'CN=Leaf3', issuer: renewed });
    const r = validatePath(l.info, [expired.info, renewed.info], [root.info], AT);
    expect(r.ok).toBe(true);
    expect(r.chain[1]!.der.equals(renewed.info.der)).toBe(true);
    // with only the expired one, the same leaf fails
    expect(reasonOf(validatePath(l.info, [expired.info], [root.info], AT))).toBe('CERT_EXPIRED');
  });

  it('reports CERT_ISSUER_NOT_CA for an intermediate with cA=false', async () => {
    const notCa = await makeCert({ subject: 'CN=Not A CA', issuer: root, ca: false, keyUsage: KU.keyCertSign });
    const l = await makeCert({ subject: 'CN=Leaf4', issuer: notCa });
    const r = validatePath(l.info, [notCa.info], [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_ISSUER_NOT_CA');
    expect(r.ok ? '' : r.detail).toContain('basicConstraints');
  });

  it('reports CERT_ISSUER_NOT_CA for an intermediate without basicConstraints', async () => {
    const noBc = await makeCert({ subject: 'CN=No BC', issuer: root, ca: 'omit', keyUsage: KU.keyCertSign });
    const l = await makeCert({ subject: 'CN=Leaf5', issuer: noBc });
    expect(reasonOf(validatePath(l.info, [noBc.info], [root.info], AT))).toBe('CERT_ISSUER_NOT_CA');
  });

  it('reports CERT_ISSUER_NOT_CA for a CA whose keyUsage lacks keyCertSign, and accepts one without keyUsage', async () => {
    const noCertSign = await makeCert({ subject: 'CN=No CertSign', issuer: root, ca: true, keyUsage: KU.digitalSignature | KU.cRLSign });
    const l = await makeCert({ subject: 'CN=Leaf6', issuer: noCertSign });
    const r = validatePath(l.info, [noCertSign.info], [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_ISSUER_NOT_CA');
    expect(r.ok ? '' : r.detail).toContain('keyCertSign');
    const noKu = await makeCert({ subject: 'CN=No KU', issuer: root, ca: true, keyUsage: 'omit' });
    const l2 = await makeCert({ subject: 'CN=Leaf7', issuer: noKu });
    expect(validatePath(l2.info, [noKu.info], [root.info], AT).ok).toBe(true);
  });

  it('enforces pathLenConstraint', async () => {
    const root0 = await makeCert({ subject: 'CN=Root pathlen 0', ca: true, pathLen: 0 });
    const i1 = await makeCert({ subject: 'CN=Under pathlen 0', issuer: root0, ca: true, pathLen: 0 });
    const direct = await makeCert({ subject: 'CN=Direct', issuer: root0 });
    const below = await makeCert({ subject: 'CN=Below', issuer: i1 });
    expect(validatePath(direct.info, [], [root0.info], AT).ok).toBe(true);
    const r = validatePath(below.info, [i1.info], [root0.info], AT);
    expect(reasonOf(r)).toBe('CERT_ISSUER_NOT_CA');
    expect(r.ok ? '' : r.detail).toContain('pathLenConstraint 0');
    // pathlen 0 on the intermediate itself still allows it to issue end-entity certificates
    const root1 = await makeCert({ subject: 'CN=Root pathlen 1', ca: true, pathLen: 1 });
    const i2 = await makeCert({ subject: 'CN=Inter pathlen 0', issuer: root1, ca: true, pathLen: 0 });
    const l = await makeCert({ subject: 'CN=Leaf8', issuer: i2 });
    expect(validatePath(l.info, [i2.info], [root1.info], AT).ok).toBe(true);
  });

  it('reports CERT_SIGNATURE_INVALID for a certificate signed by the wrong key', async () => {
    const impostor = await newKeys();
    const forged = await makeCert({ subject: 'CN=Forged', issuer: root, signWith: impostor });
    const r = validatePath(forged.info, [], [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_SIGNATURE_INVALID');
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=Forged', 'CN=Root']);
  });

  it('skips a same-named issuer with the wrong key when the right one is also offered', async () => {
    const fakeRoot = await makeCert({ subject: 'CN=Root', ca: true }); // same name, other key
    const direct = await makeCert({ subject: 'CN=Direct2', issuer: root });
    expect(validatePath(direct.info, [fakeRoot.info], [fakeRoot.info, root.info], AT).ok).toBe(true);
  });

  it('verifies across key types (RSA CA, Ed25519 leaf; Ed25519 CA)', async () => {
    const rsaRoot = await makeCert({ subject: 'CN=RSA Root', ca: true, alg: 'rsa' });
    const ed = await makeCert({ subject: 'CN=Ed leaf', issuer: rsaRoot, alg: 'ed25519' });
    expect(validatePath(ed.info, [], [rsaRoot.info], AT).ok).toBe(true);
    const edRoot = await makeCert({ subject: 'CN=Ed Root', ca: true, alg: 'ed25519' });
    const l = await makeCert({ subject: 'CN=Under Ed', issuer: edRoot });
    expect(validatePath(l.info, [], [edRoot.info], AT).ok).toBe(true);
  });

  it('terminates on a cross-signing loop without an anchor', async () => {
    const ka = await newKeys();
    const kb = await newKeys();
    const aKeysOnly: TestCa = { name: 'CN=Loop A', keys: ka, alg: 'ec', info: undefined as never };
    const bKeysOnly: TestCa = { name: 'CN=Loop B', keys: kb, alg: 'ec', info: undefined as never };
    const aByB = await makeCert({ subject: 'CN=Loop A', issuer: bKeysOnly, keys: ka, ca: true });
    const bByA = await makeCert({ subject: 'CN=Loop B', issuer: aKeysOnly, keys: kb, ca: true });
    const l = await makeCert({ subject: 'CN=Leaf9', issuer: aKeysOnly });
    const r = validatePath(l.info, [aByB.info, bByA.info], [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_UNTRUSTED');
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=Leaf9', 'CN=Loop A', 'CN=Loop B']);
  });

  it(`gives up beyond MAX_CHAIN_LENGTH (${MAX_CHAIN_LENGTH}) certificates`, async () => {
    const build = async (intermediates: number): Promise<{ leaf: TestCa; chain: TestCa[] }> => {
      const chain: TestCa[] = [];
      let issuer = root;
      for (let i = 0; i < intermediates; i++) {
        issuer = await makeCert({ subject: `CN=Deep ${intermediates}-${i}`, issuer, ca: true });
        chain.push(issuer);
      }
      return { leaf: await makeCert({ subject: `CN=Deep leaf ${intermediates}`, issuer }), chain };
    };
    const fits = await build(MAX_CHAIN_LENGTH - 2); // leaf + 8 + root = 10
    expect(validatePath(fits.leaf.info, fits.chain.map((c) => c.info), [root.info], AT).ok).toBe(true);
    const tooLong = await build(MAX_CHAIN_LENGTH - 1);
    const r = validatePath(tooLong.leaf.info, tooLong.chain.map((c) => c.info), [root.info], AT);
    expect(reasonOf(r)).toBe('CERT_UNTRUSTED');
    expect(r.ok ? '' : r.detail).toContain(`within ${MAX_CHAIN_LENGTH}`);
  });
});
