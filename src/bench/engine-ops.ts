/**
 * The engine side of every benchmark row, in-process: each operation reads its input file, does the
 * work through the engine's public functions and writes its output file, i.e. what the matching
 * `domsec` command does minus Node/tsx start-up and argument parsing (and what `openssl cms` does
 * minus process start-up). Certificates and keys are loaded once, before timing, as a gateway would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseEntity, splitOuterHeaders } from '../mime/index.js';
import { envelopeLayer, signedLayer } from '../message/build.js';
import { verifyMessage } from '../domsec/verify.js';
import { applyDomainSignature } from '../domsec/apply.js';
import { decryptMessage } from '../cli/commands/decrypt.js';
import type { Parties } from './parties.js';

export const ENGINE_OPS = ['sign', 'domainSign', 'verify', 'encrypt', 'decrypt', 'example7'] as const;
export type EngineOp = (typeof ENGINE_OPS)[number];

export function isEngineOp(s: string): s is EngineOp {
  return (ENGINE_OPS as readonly string[]).includes(s);
}

/** What an operation reports about its result, checked once (outside timing) so no row measures a failure path. */
export interface OpOutcome {
  outBytes: number;
  detail: string;
}

function fail(op: string, why: string): never {
  throw new Error(`bench ${op}: ${why}`);
}

/** CMS sign, as `openssl cms -sign -nodetach`: one SignedData (the originator's, RSA-2048, SHA-256) around the entity. */
function sign(p: Parties, input: string, output: string): OpOutcome {
  const { outer, inner } = splitOuterHeaders(parseEntity(readFileSync(input)));
  const out = signedLayer(inner, { signers: [{ certDer: p.originator.certDer, key: p.originator.key }], headers: outer });
  writeFileSync(output, out);
  return { outBytes: out.length, detail: 'S[-](data)' };
}

/** What `domsec sign FILE --authenticated` does on unsigned mail: Section 5 "neither" branch, N12 empty layer, domain signature. */
function domainSign(p: Parties, input: string, output: string): OpOutcome {
  const r = applyDomainSignature(readFileSync(input), {
    signers: [{ certDer: p.domain.certDer, key: p.domain.key }],
    policy: { encryptOutbound: false },
    trustAnchors: [p.caDer],
    originatorAuthenticated: true,
  });
  writeFileSync(output, r.message);
  return { outBytes: r.message.length, detail: r.outputShape };
}

/** Verify every signature, certificate path and DOMSEC rule; the report is the output (as `domsec verify`). */
function verify(p: Parties, input: string, output: string): OpOutcome {
  const report = verifyMessage(readFileSync(input), { trustAnchors: [p.caDer] });
  if (report.verdict !== 'pass') fail('verify', `verdict ${report.verdict} (${report.reasons.join(', ')})`);
  const text = `${report.shape} ${report.verdict}\nAuthentication-Results: ${report.authenticationResults}\n`;
  writeFileSync(output, text);
  return { outBytes: text.length, detail: `${report.shape} ${report.verdict}` };
}

/** EnvelopedData for the receiving domain's DCA: RSAES-PKCS1-v1_5 key transport, AES-256-CBC (as `domsec encrypt`). */
function encrypt(p: Parties, input: string, output: string): OpOutcome {
  const { outer, inner } = splitOuterHeaders(parseEntity(readFileSync(input)));
  const out = envelopeLayer(inner, { recipients: [{ certDer: p.remoteDca.certDer }], cipher: 'aes-256-cbc', headers: outer });
  writeFileSync(output, out);
  return { outBytes: out.length, detail: 'E(data)' };
}

/** Decrypt as the receiving domain's DCA (as `domsec decrypt`). */
function decrypt(p: Parties, input: string, output: string): OpOutcome {
  const out = decryptMessage(readFileSync(input), { certDer: p.remoteDca.certDer, key: p.remoteDca.key });
  writeFileSync(output, out);
  return { outBytes: out.length, detail: 'data' };
}

/**
 * Section 5 on Example 7, S3(E2(S2(E1(S1(C))))), as the sending domain's gateway (`domsec sign` with the
 * local DCA key): decrypt E2 and E1 with the local DCA key, verify S3, S2 and S1 (N8: every signature,
 * including those under an envelope), domain-sign S2(E1(S1(C))), re-encrypt for the receiving DCA (N7).
 */
function example7(p: Parties, input: string, output: string): OpOutcome {
  const r = applyDomainSignature(readFileSync(input), {
    signers: [{ certDer: p.domain.certDer, key: p.domain.key }],
    policy: { encryptOutbound: false },
    dca: { certDer: p.localDca.certDer, key: p.localDca.key },
    encryptFor: [{ certDer: p.remoteDca.certDer }],
    trustAnchors: [p.caDer],
  });
  if (r.outputShape !== 'E(S[domainSig](S[-](E(S[-](data)))))') fail('example7', `output shape ${r.outputShape}`);
  writeFileSync(output, r.message);
  return { outBytes: r.message.length, detail: `${r.inputShape} -> ${r.outputShape}` };
}

const OPS: Record<EngineOp, (p: Parties, input: string, output: string) => OpOutcome> = { sign, domainSign, verify, encrypt, decrypt, example7 };

export function runEngineOp(op: EngineOp, p: Parties, input: string, output: string): OpOutcome {
  return OPS[op](p, input, output);
}
