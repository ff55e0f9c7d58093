/**
 * A scripted gateway for report tests: it behaves per case as a script says, so that one run yields every
 * verdict with realistic evidence. Outbound by default it domain-signs with the engine
 * (applyDomainSignature, refusing with 554 what the engine refuses); inbound by default it delivers with
 * an Authentication-Results header stating the verdict the case expects. A script entry overrides that:
 * relay unchanged, reject with any reply text (hostile text included), drop the connection in DATA,
 * stamp another verdict, or stamp no header.
 *
 * Cases are recognised by the envelope recipient the harness gives them: case-N.RUNID@domain.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { submit } from '../../src/smtp/submit.js';
import { applyDomainSignature } from '../../src/domsec/apply.js';
import type { TestPki } from '../../src/pki/index.js';
import type { CaseDecl } from '../../src/harness/model.js';
import { keyOf } from '../helpers/pki.js';

export type Behaviour =
  | { kind: 'sign' }
  | { kind: 'unchanged' }
  | { kind: 'reject'; code: number; text: string }
  | { kind: 'disconnect' }
  | { kind: 'stamp'; verdict: string }
  | { kind: 'no-header' };

export interface ScriptedGatewayOptions {
  pki: TestPki;
  domain: string;
  nextHop: { host: string; port: number };
  /** The run's cases in order: case-N is cases[N-1]. */
  cases: readonly CaseDecl[];
  script: Readonly<Record<string, Behaviour>>;
  validationTime: string;
}

export interface ScriptedGateway {
  port: number;
  close(): Promise<void>;
}

interface Connection {
  session?: { id?: string };
  _socket?: { destroy(): void };
}

export async function startScriptedGateway(o: ScriptedGatewayOptions): Promise<ScriptedGateway> {
  const signer = keyOf(o.pki, `${o.domain}/signer-rsa`);
  const dca = keyOf(o.pki, `${o.domain}/dca-rsa`);
  const server: SMTPServer = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    banner: 'scripted gateway',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const n = Number(/^case-(\d+)\./.exec(to[0] ?? '')?.[1] ?? 0);
        const decl = o.cases[n - 1];
        const inbound = (to[0] ?? '').endsWith(`@${o.domain}`);
        const b: Behaviour = (decl && o.script[decl.id]) ?? (inbound ? { kind: 'stamp', verdict: decl?.expect.kind === 'verdict' ? decl.expect.verdict : 'pass' } : { kind: 'sign' });
        const relay = (body: Buffer) => void submit({ endpoint: o.nextHop, mailFrom: from, rcptTo: to, raw: body });
        switch (b.kind) {
          case 'reject':
            return callback(Object.assign(new Error(b.text), { responseCode: b.code }));
          case 'disconnect':
            for (const c of (server as unknown as { connections: Set<Connection> }).connections) if (c.session?.id === session.id) c._socket?.destroy();
            return;
          case 'unchanged':
            callback();
            return relay(raw);
          case 'no-header':
            callback();
            return relay(raw);
          case 'stamp':
            callback();
            return relay(Buffer.concat([Buffer.from(`Authentication-Results: scripted.gateway; smime=${b.verdict}\r\n`), raw]));
          case 'sign': {
            let signed: Buffer;
            try {
              signed = applyDomainSignature(raw, { signers: [signer], dca, policy: { encryptOutbound: false }, trustAnchors: [o.pki.ca.certDer], validationTime: new Date(o.validationTime) }).message;
            } catch (e) {
              return callback(Object.assign(new Error(`5.7.1 refused: ${(e as Error).message.split('\n')[0]}`), { responseCode: 554 }));
            }
            callback();
            return relay(signed);
          }
        }
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}
