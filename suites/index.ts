/** Every conformance suite, by name (`domsec run --suite NAME`). */
import type { CaseDecl } from '../src/harness/model.js';
import { section5Cases } from './section5.js';
import { domainSignerCases, outboundDcaCases } from './domain-signer.js';
import { inboundDcaCases, inboundVerifierCases } from './inbound.js';

export const SUITES: Readonly<Record<string, readonly CaseDecl[]>> = {
  'domain-signer': domainSignerCases,
  section5: section5Cases,
  'outbound-dca': outboundDcaCases,
  'inbound-dca': inboundDcaCases,
  'inbound-verifier': inboundVerifierCases,
};

export function allCases(names?: string[]): CaseDecl[] {
  const selected = names?.length ? names : Object.keys(SUITES);
  return selected.flatMap((n) => {
    const s = SUITES[n];
    if (!s) throw new Error(`unknown suite ${n}`);
    return [...s];
  });
}
