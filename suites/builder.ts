/**
 * Fluent declaration of conformance cases (x509-limbo style):
 *
 *   testCase('domsec::section5::example-4', 'section5', 'domain-signer')
 *     .title('...').requirements('DOMSEC-5.1-EXAMPLE-4').must().outbound()
 *     .expect({ kind: 'domain-signed', shape: {...} })
 *     .build((ctx) => message)
 */
import type { CaseContext } from '../src/harness/context.js';
import type { CaseDecl, Expectation, Role, Strength } from '../src/harness/model.js';
import type { RequirementId } from '../src/harness/requirement-ids.js';
import type { ClientCaseContext } from '../src/adapter/context.js';
import type { ClientCaseDecl, ClientExpectation, ClientFeature, ClientInput, ClientStep } from '../src/adapter/model.js';

/** What every case declaration has, gateway or client (CaseDecl's fields): identity, title, requirements, strength, features. */
type DeclCommon<F extends string> = Pick<CaseDecl, 'id' | 'suite' | 'role' | 'title' | 'requirements' | 'strength'> & { features?: F[] };

/** The fluent calls both builders share; each subclass adds its direction or command and its expectation. */
abstract class DeclBuilder<D extends DeclCommon<F>, F extends string> {
  protected d: Partial<D> & Pick<D, 'id' | 'suite' | 'role' | 'requirements' | 'strength'>;
  constructor(id: string, suite: string, role: Role) {
    this.d = { id, suite, role, requirements: [], strength: 'MUST' } as unknown as Partial<D> & Pick<D, 'id' | 'suite' | 'role' | 'requirements' | 'strength'>;
  }
  title(t: string): this {
    this.d.title = t;
    return this;
  }
  requirements(...r: RequirementId[]): this {
    this.d.requirements.push(...r);
    return this;
  }
  strength(s: Strength): this {
    this.d.strength = s;
    return this;
  }
  features(...f: F[]): this {
    this.d.features = f;
    return this;
  }
}

export class CaseBuilder extends DeclBuilder<CaseDecl, string> {
  /** `authenticate`: how the case uses the originator authentication the profile declares (CaseDecl.authenticate). */
  outbound(opts: { authenticate?: CaseDecl['authenticate'] } = {}): this {
    this.d.direction = 'outbound';
    if (opts.authenticate) this.d.authenticate = opts.authenticate;
    return this;
  }
  inbound(): this {
    this.d.direction = 'inbound';
    return this;
  }
  onlyPolicy(p: 'encrypt' | 'noEncrypt'): this {
    this.d.policy = p;
    return this;
  }
  /** Case (c): send to the fixed address <user>@<remote>, whose certificate the gateway holds (CaseDecl.endRecipient). */
  endRecipient(user: string): this {
    this.d.endRecipient = user;
    return this;
  }
  skipIf(fn: (ctx: CaseContext) => string | undefined): this {
    this.d.skipIf = fn;
    return this;
  }
  expect(e: Expectation): this {
    this.d.expect = e;
    return this;
  }
  build(fn: (ctx: CaseContext) => Buffer): CaseDecl {
    const d = { ...this.d, build: fn } as CaseDecl;
    if (!d.title || !d.direction || !d.expect || d.requirements.length === 0) throw new Error(`case ${d.id}: title, direction, expectation and requirements are required`);
    return d;
  }
}

export const testCase = (id: string, suite: string, role: Role): CaseBuilder => new CaseBuilder(id, suite, role);

/**
 * The same fluent style for client cases (the command adapter, docs/client-adapter.md): the last call
 * says which command runs and what the suite writes for it.
 *
 *   clientCase('domsec::client::case-b-transmit-rsa')
 *     .title('...').requirements('DOMSEC-4-CLIENT-CASES').expect({ kind: 'encrypted-for', encryptionCase: 'b' })
 *     .encrypt((ctx) => ({ message, from, to, recipient: 'example.test/dca-rsa' }))
 */
export class ClientCaseBuilder extends DeclBuilder<ClientCaseDecl, ClientFeature> {
  constructor(id: string) {
    super(id, 'client', 'client');
  }
  expect(e: ClientExpectation): this {
    this.d.expect = e;
    return this;
  }
  /** Transmission: the suite writes the message and the certificate to encrypt for. */
  encrypt(fn: (ctx: ClientCaseContext) => Omit<Extract<ClientInput, { step: 'encrypt' }>, 'step'>): ClientCaseDecl {
    return this.done('encrypt', (ctx) => ({ step: 'encrypt', ...fn(ctx) }));
  }
  /** Reception: the suite writes the encrypted message and the user's certificate and key. */
  decrypt(fn: (ctx: ClientCaseContext) => Omit<Extract<ClientInput, { step: 'decrypt' }>, 'step'>): ClientCaseDecl {
    return this.done('decrypt', (ctx) => ({ step: 'decrypt', ...fn(ctx) }));
  }
  private done(step: ClientStep, prepare: (ctx: ClientCaseContext) => ClientInput): ClientCaseDecl {
    const d = { ...this.d, step, prepare } as ClientCaseDecl;
    if (!d.title || !d.expect || d.requirements.length === 0) throw new Error(`case ${d.id}: title, expectation and requirements are required`);
    if ((d.expect.kind === 'encrypted-for') !== (step === 'encrypt')) throw new Error(`case ${d.id}: expectation ${d.expect.kind} does not fit the ${step} command`);
    return d;
  }
}

export const clientCase = (id: string): ClientCaseBuilder => new ClientCaseBuilder(id);
