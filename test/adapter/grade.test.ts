/**
 * Grading a client case, rule by rule, on outputs made here the way a conforming or a faulty client
 * would make them (src/adapter/grade.ts is pure: no command runs in this file).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey } from '../../src/x509/keys.js';
import { gradeClient, type ClientGradeContext, type OutputFile } from '../../src/adapter/grade.js';
import { ClientCaseContext } from '../../src/adapter/context.js';
import type { ClientCaseDecl, ClientInput } from '../../src/adapter/model.js';
import type { CommandOutcome } from '../../src/adapter/spawn.js';
import type { CommandRun } from '../../src/harness/model.js';
import type { TestPki } from '../../src/pki/index.js';
import { encryptMessage } from '../../src/cli/commands/encrypt.js';
import { decryptMessage } from '../../src/cli/commands/decrypt.js';
import { clientCases } from '../../suites/client.js';
import { testPki, keyOf } from '../helpers/pki.js';

const MID = '<grade-test@domsec-suite.test>';
const CONTENT = Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\nGrade test content.\r\n');
let pki: TestPki;
let ctx: ClientCaseContext;
let g: ClientGradeContext;

beforeAll(async () => {
  pki = await testPki();
  ctx = new ClientCaseContext(pki, 'example.org', 'example.test', MID, new Date('2026-03-01T12:00:00Z'), CONTENT);
  g = {
    trustAnchors: [pki.ca.certDer],
    validationTime: new Date('2026-03-01T12:00:00Z'),
    keys: Object.values(pki.entries).filter((e) => e.role === 'dca' || e.role === 'user').map((e) => ({ name: e.name, certDer: e.certDer, key: loadPrivateKey(e.keyPem) })),
  };
});

const decl = (id: string): ClientCaseDecl => {
  const d = clientCases.find((c) => c.id === `domsec::client::${id}`);
  if (!d) throw new Error(`no client case ${id}`);
  return d;
};
const ran = (o: Partial<CommandRun> = {}, spawnError?: string): CommandOutcome => ({
  run: { step: 'test', argv: ['tool', 'x'], exitCode: 0, timedOut: false, stdoutTail: '', stderrTail: '', durationMs: 12, ...o },
  ...(spawnError ? { spawnError } : {}),
});
function grade(id: string, make: (input: ClientInput) => OutputFile, outcome: CommandOutcome = ran()) {
  const d = decl(id);
  const input = d.prepare(ctx);
  const r = gradeClient(d, { input, messageId: MID }, outcome, make(input), g);
  return { ...r, input, failed: r.checks.filter((c) => !c.ok) };
}
const encryptFor = (input: ClientInput, who: string, opts: { cipher?: 'aes-256-gcm' } = {}) => encryptMessage(input.message, { recipients: [{ certDer: pki.entries[who]!.certDer }], ...opts });
const asLf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

describe('transmission (case b: for the recipient DCA)', () => {
  it('PASS: encrypted for the DCA, which opens it to the same content; evidence of both files and the command', () => {
    const r = grade('case-b-transmit-rsa', (input) => ({ bytes: encryptFor(input, 'example.test/dca-rsa') }));
    expect(r.verdict, r.reason).toBe('PASS');
    expect(r.failed).toEqual([]);
    expect(r.evidence.command?.[0]?.argv).toEqual(['tool', 'x']);
    expect(r.evidence.sent).toMatchObject({ messageId: MID, mailFrom: 'bob@example.org', rcptTo: ['alice@example.test'], shape: 'S[-](data)' });
    expect(r.evidence.received?.[0]?.shape).toBe('E(S[-](data))');
    expect(r.evidence.foundShape).toBe('E(S[-](data))');
    // Layer by layer, as for a gateway case: the client's envelope names the DCA's certificate, which opened it.
    const written = r.evidence.received?.[0]?.layers?.layers ?? [];
    expect(written.map((l) => l.kind)).toEqual(['envelopedData', 'signedData', 'content']);
    expect(written[0]!.recipients?.[0]?.certificates.map((c) => c.subject)).toEqual([expect.stringContaining('example.test DCA encryption (RSA)')]);
    expect(written[0]!.recipients?.[0]?.used).toBe(true);
    expect(r.evidence.sentLayers?.layers.map((l) => l.kind)).toEqual(['signedData', 'content']);
  });

  it('PASS: authEnvelopedData, LF line endings, or the whole message inside the envelope', () => {
    expect(grade('case-b-transmit-rsa', (input) => ({ bytes: encryptFor(input, 'example.test/dca-rsa', { cipher: 'aes-256-gcm' }) })).verdict).toBe('PASS');
    expect(grade('case-b-transmit-rsa', (input) => ({ bytes: asLf(encryptFor(input, 'example.test/dca-rsa')) })).verdict).toBe('PASS');
    const whole = grade('case-b-transmit-rsa', (input) => ({ bytes: ctx.message(ctx.enveloped(input.message, ['example.test/dca-rsa']), input.from, input.to) }));
    expect(whole.verdict, whole.reason).toBe('PASS');
  });

  it('FAIL: encrypted for the end recipient instead of the DCA, naming the RecipientInfo rule and who it is for', () => {
    const r = grade('case-b-transmit-rsa', (input) => ({ bytes: encryptFor(input, 'example.test/user-alice') }));
    expect(r.verdict).toBe('FAIL');
    expect(r.failed.map((c) => c.requirement)).toEqual(['DOMSEC-4.1-RECIPIENT-INFO']);
    expect(r.failed[0]!.message).toBe("no RecipientInfo for the recipient's DCA (example.test/dca-rsa); it is encrypted for example.test/user-alice");
  });

  it('FAIL: written unencrypted', () => {
    const r = grade('case-b-transmit-rsa', (input) => ({ bytes: input.message }));
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toMatch(/^written unencrypted \(S\[-\]\(data\)\)/);
    expect(r.failed[0]!.requirement).toBe('DOMSEC-4-CLIENT-CASES');
  });

  it('FAIL: other content inside, with where it differs', () => {
    const r = grade('case-a-transmit-rsa', (input) => ({ bytes: encryptMessage(Buffer.from(input.message.toString('latin1').replace('Grade test', 'Grade tost'), 'latin1'), { recipients: [{ certDer: pki.entries['example.test/user-alice']!.certDer }] }) }));
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toMatch(/^the decrypted content differs from the message's content: first difference at byte 53 of 65: expected "est content\.", found "ost content\."$/);
  });

  it('FAIL: exit status not 0 (with the tool\'s last stderr line), nothing written, unreadable output, garbage', () => {
    const failed = grade('case-a-transmit-rsa', () => ({}), ran({ exitCode: 4, stderrTail: 'loading...\nmy-tool: certificate has no email address\n\n' }));
    expect(failed).toMatchObject({ verdict: 'FAIL', reason: 'the command failed with exit status 4: my-tool: certificate has no email address' });
    expect(grade('case-a-transmit-rsa', () => ({}))).toMatchObject({ verdict: 'FAIL', reason: 'exit status 0, but nothing was written to {out}' });
    expect(grade('case-a-transmit-rsa', () => ({ problem: 'a symbolic link, not a file' })).reason).toBe('the output at {out} was not read: a symbolic link, not a file');
    const garbage = grade('case-a-transmit-rsa', () => ({ bytes: Buffer.from([0x30, 0x82, 0xff, 0x00, 0x13]) }));
    expect(garbage.verdict).toBe('FAIL');
    expect(garbage.reason).toMatch(/^the output does not parse as a message: /);
    expect(garbage.evidence.received?.[0]).toMatchObject({ bytes: 5, shape: '(unparseable)' });
  });

  it('ERROR: not started, timed out or crashed, whatever was written', () => {
    const bytes = Buffer.from('anything');
    expect(grade('case-a-transmit-rsa', () => ({ bytes }), ran({ exitCode: null }, 'my-tool: ENOENT'))).toMatchObject({ verdict: 'ERROR', reason: 'the command could not be started: my-tool: ENOENT', checks: [] });
    expect(grade('case-a-transmit-rsa', () => ({ bytes }), ran({ exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 2001 })).reason).toBe('the command did not finish within its time bound (2001 ms); its process group was killed');
    expect(grade('case-a-transmit-rsa', () => ({ bytes }), ran({ exitCode: null, signal: 'SIGSEGV' }))).toMatchObject({ verdict: 'ERROR', reason: 'the command was killed by SIGSEGV (it crashed)' });
  });
});

describe('reception (case c: encrypted by the originator DCA)', () => {
  const bob = () => keyOf(pki, 'example.org/user-bob');

  it("PASS: the decrypted message, or the bare entity, with the originator's domain signature intact", () => {
    const r = grade('case-c-receive-rsa', (input) => ({ bytes: decryptMessage(input.message, bob()) }));
    expect(r.verdict, r.reason).toBe('PASS');
    expect(r.checks.map((c) => c.message)).toContain("the originator's domain signature survives decryption and verifies");
    expect(r.evidence.expectedShape).toBe('S[domainSig](S[-](data))');
    const bare = grade('case-c-receive-rsa', (input) => ({ bytes: input.step === 'decrypt' ? input.plaintext : Buffer.alloc(0) }));
    expect(bare.verdict, bare.reason).toBe('PASS');
  });

  it('FAIL: still encrypted', () => {
    const r = grade('case-c-receive-rsa', (input) => ({ bytes: input.message }));
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toMatch(/^the output is still encrypted \(E\(/);
  });

  it('FAIL: the domain signature is gone or does not verify', () => {
    const stripped = grade('case-c-receive-rsa', (input) => ({ bytes: ctx.message(ctx.signed(CONTENT, 'example.test/user-alice'), input.from, input.to) }));
    expect(stripped.verdict).toBe('FAIL');
    expect(stripped.failed.map((c) => c.message)).toContain('output shape S[-](data), expected S[domainSig](S[-](data))');
    const untrusted = grade('case-c-receive-rsa', (input) => ({ bytes: ctx.message(ctx.domainSigned(ctx.signed(CONTENT, 'example.test/user-alice'), 'example.test/bad-untrusted'), input.from, input.to) }));
    expect(untrusted.verdict).toBe('FAIL');
    expect(untrusted.failed.some((c) => c.message.startsWith('the domain signature does not verify after decryption (smime=fail'))).toBe(true);
  });
});

describe('reception that must fail (a message not for this user)', () => {
  it('PASS: exit status not 0 and nothing written', () => {
    const r = grade('receive-not-for-this-user', () => ({}), ran({ exitCode: 2, stderrTail: 'decrypt: NO_MATCHING_RECIPIENT\n' }));
    expect(r.verdict, r.reason).toBe('PASS');
    expect(r.checks[0]!.message).toBe('refused with exit status 2: decrypt: NO_MATCHING_RECIPIENT');
  });

  it('FAIL: exit status 0 with whatever it wrote', () => {
    const r = grade('receive-not-for-this-user', () => ({ bytes: Buffer.from('From: x\r\n\r\n') }));
    expect(r.verdict).toBe('FAIL');
    expect(r.reason).toBe('exit status 0 for a message it cannot decrypt, and wrote 11 bytes: success reported without the plaintext');
  });

  it('WARN: refused, but left an output file behind', () => {
    const r = grade('receive-not-for-this-user', () => ({ bytes: Buffer.alloc(0) }), ran({ exitCode: 1 }));
    expect(r.verdict).toBe('WARN');
    expect(r.failed).toEqual([expect.objectContaining({ strength: 'SHOULD', requirement: 'DOMSEC-4-CLIENT-CASES' })]);
  });

  it('ERROR: a crash is not a refusal', () => {
    expect(grade('receive-not-for-this-user', () => ({}), ran({ exitCode: null, signal: 'SIGABRT' })).verdict).toBe('ERROR');
  });
});
