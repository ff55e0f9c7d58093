/**
 * Deliberately misbehaving gateways, for proving that the harness never hangs or crashes and records
 * every case: each is a loopback server with one fault.
 */
import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { submit } from '../../src/smtp/submit.js';

export type Misbehaviour =
  | 'greeting-never-sent'
  | 'always-4xx'
  | 'always-5xx'
  | 'disconnect-in-data'
  | 'nothing-relayed'
  | 'relayed-twice'
  | 'relayed-garbage'
  | 'relayed-to-wrong-recipient'
  | 'relayed-unchanged';

export interface FakeGateway {
  port: number;
  close(): Promise<void>;
}

/** A raw TCP server: for faults below the SMTP library (no greeting, a cut in DATA). */
async function rawServer(onConnection: (s: net.Socket) => void): Promise<FakeGateway> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

export async function startFakeGateway(kind: Misbehaviour, nextHop: { host: string; port: number }): Promise<FakeGateway> {
  if (kind === 'greeting-never-sent') return rawServer(() => undefined);
  if (kind === 'disconnect-in-data') {
    return rawServer((s) => {
      s.write('220 fake ESMTP\r\n');
      let inData = false;
      s.on('data', (d) => {
        if (inData) {
          s.destroy();
          return;
        }
        for (const line of d.toString('latin1').split('\r\n').filter(Boolean)) {
          if (/^DATA/i.test(line)) {
            inData = true;
            s.write('354 go ahead\r\n');
          } else if (/^(EHLO|HELO)/i.test(line)) s.write('250 fake\r\n');
          else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
          else s.write('250 ok\r\n');
        }
      });
    });
  }
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (kind === 'always-4xx') return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        if (kind === 'always-5xx') return callback(Object.assign(new Error('rejected by policy'), { responseCode: 554 }));
        callback();
        const relay = (body: Buffer, rcpt: string[]) => submit({ endpoint: nextHop, mailFrom: from, rcptTo: rcpt, raw: body });
        void (async () => {
          if (kind === 'nothing-relayed') return;
          if (kind === 'relayed-garbage') return void relay(Buffer.from('Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\r\n'), to);
          if (kind === 'relayed-to-wrong-recipient') return void relay(raw, ['someone-else@example.org']);
          await relay(raw, to);
          if (kind === 'relayed-twice') await relay(raw, to);
        })();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}
