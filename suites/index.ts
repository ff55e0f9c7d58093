/** Every conformance suite, by name (`domsec run --suite NAME`). */
import type { CaseDecl } from '../src/harness/model.js';
import { section5Cases } from './section5.js';
import { section5OrderingCases } from './section5-orderings.js';
import { domainSignerCases, outboundDcaCases } from './domain-signer.js';
import { inboundDcaCases, inboundVerifierCases } from './inbound.js';
import { clientCases } from './client.js';
import type { ClientCaseDecl } from '../src/adapter/model.js';

export const SUITES: Readonly<Record<string, readonly CaseDecl[]>> = {
  'domain-signer': domainSignerCases,
  // The seven 5.1 examples, then the property-generated orderings kept one per behaviour class.
  section5: [...section5Cases, ...section5OrderingCases],
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

/**
 * Client suites, run through the command adapter (`domsec run --adapter FILE`), not over SMTP: kept
 * apart from SUITES so that a gateway run never lists client cases.
 */
export const CLIENT_SUITES: Readonly<Record<string, readonly ClientCaseDecl[]>> = {
  client: clientCases,
};

export function allClientCases(names?: string[]): ClientCaseDecl[] {
  const selected = names?.length ? names : Object.keys(CLIENT_SUITES);
  return selected.flatMap((n) => {
    const s = CLIENT_SUITES[n];
    if (!s) throw new Error(`unknown client suite ${n}`);
    return [...s];
  });
}
