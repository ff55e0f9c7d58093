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

export class CaseBuilder {
  private d: Partial<CaseDecl> & Pick<CaseDecl, 'id' | 'suite' | 'role' | 'requirements'>;
  constructor(id: string, suite: string, role: Role) {
    this.d = { id, suite, role, requirements: [], strength: 'MUST' };
  }
  title(t: string): this {
    this.d.title = t;
    return this;
  }
  requirements(...r: string[]): this {
    this.d.requirements.push(...r);
    return this;
  }
  strength(s: Strength): this {
    this.d.strength = s;
    return this;
  }
  outbound(opts: { authenticate?: boolean } = {}): this {
    this.d.direction = 'outbound';
    if (opts.authenticate) this.d.authenticate = true;
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
  features(...f: string[]): this {
    this.d.features = f;
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
