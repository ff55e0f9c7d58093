/**
 * Fluent declaration of golden vectors (in the manner of x509-limbo's builders):
 *
 *   vector('domsec::receive::naming-foreign-domain', 'verify')
 *     .describe('...').sections('2.4').notes('N9').requirements('DOMSEC-2.4-FLAG-DOMAIN-MISMATCH')
 *     .flags('ForeignDomain').result('invalid')
 *     .expectVerify({ verdict: 'policy', reasons: ['NAMING_DOMAIN_MISMATCH'], ... })
 *     .build((ctx) => ({ message: ... }))
 */
import type { Flag } from './flags.js';
import type { Built, DecryptExpectation, SignExpectation, SignParams, VectorDecl, VectorKind, VectorResult, VerifyExpectation, VerifyParams } from './model.js';
import type { VectorContext } from './context.js';

export class VectorBuilder {
  private readonly d: Omit<VectorDecl, 'build'> & { build?: VectorDecl['build'] };

  constructor(id: string, kind: VectorKind) {
    this.d = { id, kind, description: '', sections: [], notes: [], requirements: [], flags: [], result: 'valid', keys: [] };
  }
  describe(text: string): this {
    this.d.description = text;
    return this;
  }
  sections(...s: string[]): this {
    this.d.sections.push(...s);
    return this;
  }
  notes(...n: string[]): this {
    this.d.notes.push(...n);
    return this;
  }
  requirements(...r: string[]): this {
    this.d.requirements.push(...r);
    return this;
  }
  flags(...f: Flag[]): this {
    this.d.flags.push(...f);
    return this;
  }
  result(r: VectorResult): this {
    this.d.result = r;
    return this;
  }
  keys(...k: string[]): this {
    this.d.keys.push(...k);
    return this;
  }
  compact(): this {
    this.d.compact = true;
    return this;
  }
  signParams(p: SignParams): this {
    this.d.sign = p;
    return this;
  }
  verifyParams(p: VerifyParams): this {
    this.d.verify = p;
    return this;
  }
  expectVerify(e: VerifyExpectation): this {
    this.d.expectVerify = e;
    return this;
  }
  expectSign(e: SignExpectation): this {
    this.d.expectSign = e;
    return this;
  }
  expectDecrypt(e: DecryptExpectation): this {
    this.d.expectDecrypt = e;
    return this;
  }
  build(fn: (ctx: VectorContext) => Built): VectorDecl {
    const d = { ...this.d, build: fn } as VectorDecl;
    const expectation = { verify: d.expectVerify, sign: d.expectSign, decrypt: d.expectDecrypt }[d.kind];
    if (!expectation) throw new Error(`vector ${d.id}: a ${d.kind} vector needs its expectation`);
    if (!d.description || d.sections.length === 0 || d.requirements.length === 0) throw new Error(`vector ${d.id}: description, sections and requirements are required`);
    // Wycheproof's acceptable: the latitude must be stated (the other verdicts allowed), and only then.
    const latitude = d.expectVerify?.acceptable ?? [];
    if ((d.result === 'acceptable') !== latitude.length > 0) throw new Error(`vector ${d.id}: result acceptable goes with expectVerify.acceptable, and only with it`);
    return d;
  }
}

export function vector(id: string, kind: VectorKind): VectorBuilder {
  return new VectorBuilder(id, kind);
}
