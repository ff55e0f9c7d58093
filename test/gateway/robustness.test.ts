/**
 * Never crash on input: damaged messages (bytes flipped, cut short, base64 broken) end in a refusal with a
 * typed engine error (outbound) or in a flag (inbound), never in an unexpected exception, which the
 * listener would have to answer 451 (and the sender would retry forever).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildExampleInput, SECTION5_EXAMPLES } from '../../src/domsec/examples.js';
import { DomsecError } from '../../src/errors.js';
import { buildRuntime, type GatewayRuntime } from '../../src/gateway/runtime.js';
import { processInbound } from '../../src/gateway/inbound.js';
import { processOutbound } from '../../src/gateway/outbound.js';
import { exampleParties } from '../helpers/messages.js';
import { fixture, type Fixture } from './helpers.js';
import { baseConfig } from './helpers.js';

let fx: Fixture;
let outboundRt: GatewayRuntime;
let inboundRt: GatewayRuntime;
let inputs: Buffer[];
beforeAll(async () => {
  fx = await fixture();
  outboundRt = await buildRuntime(baseConfig('example.test', fx.pkiDir, fx.sink));
  inboundRt = await buildRuntime(baseConfig('example.org', fx.pkiDir, fx.sink));
  inputs = SECTION5_EXAMPLES.map((ex) => buildExampleInput(ex, exampleParties(fx.pki)).message);
  await fx.teardown();
});

const damage = fc.record({
  which: fc.nat(),
  kind: fc.constantFrom('flip', 'cut', 'insert'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  byte: fc.integer({ min: 0, max: 255 }),
});

function damaged(d: { which: number; kind: string; at: number; byte: number }): Buffer {
  const m = Buffer.from(inputs[d.which % inputs.length]!);
  const i = Math.min(m.length - 1, Math.floor(d.at * m.length));
  if (d.kind === 'flip') m[i] = m[i]! ^ (d.byte || 1);
  if (d.kind === 'cut') return m.subarray(0, i);
  if (d.kind === 'insert') return Buffer.concat([m.subarray(0, i), Buffer.from([d.byte]), m.subarray(i)]);
  return m;
}

describe('damaged input', () => {
  it('outbound: a relayable result or a DomsecError, nothing else', () => {
    fc.assert(
      fc.property(damage, (d) => {
        try {
          processOutbound(damaged(d), { mailFrom: 'alice@example.test', rcptTo: ['bob@example.org'], authenticated: true }, outboundRt);
        } catch (e) {
          expect(e, String((e as Error)?.stack)).toBeInstanceOf(DomsecError);
        }
      }),
      { numRuns: 150, seed: 20260301 },
    );
  });

  it('inbound: always a flagged message to deliver', () => {
    fc.assert(
      fc.property(damage, (d) => {
        const r = processInbound(damaged(d), inboundRt);
        expect(['pass', 'fail', 'policy', 'none', 'neutral', 'permerror']).toContain(r.result);
        expect(r.message.subarray(0, 24).toString()).toBe('Authentication-Results: ');
      }),
      { numRuns: 150, seed: 20260301 },
    );
  });
});
