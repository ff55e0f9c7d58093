/**
 * A raw SMTP client for tests that must misbehave (trickle bytes, never finish a line) or read exactly what
 * a server advertises: a socket, the replies as they come, and whether the server closed it.
 */
import { connect, type Socket } from 'node:net';

export interface RawSmtp {
  socket: Socket;
  /** Every complete reply so far (multi-line replies joined), in order. */
  replies: string[];
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Wait for the next complete reply (at most `ms`), or reject. */
  reply(ms?: number): Promise<string>;
  /** Send a command line and wait for its reply. */
  command(line: string, ms?: number): Promise<string>;
  write(data: string | Buffer): void;
  end(): void;
}

export function rawSmtp(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const replies: string[] = [];
    const waiting: Array<(r: string) => void> = [];
    let taken = 0;
    let buf = '';
    let closed = false;
    const closedP = new Promise<void>((res) => socket.once('close', () => ((closed = true), res())));
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const m = /^\d{3} [^\r\n]*\r\n/m.exec(buf);
        if (!m) break;
        replies.push(buf.slice(0, m.index + m[0].length));
        buf = buf.slice(m.index + m[0].length);
        const w = waiting.shift();
        if (w) w(replies[taken++]!);
      }
    });
    const c: RawSmtp = {
      socket,
      replies,
      closed: closedP,
      isClosed: () => closed,
      reply(ms = 5000) {
        if (taken < replies.length) return Promise.resolve(replies[taken++]!);
        return new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error(`no reply within ${ms} ms; replies so far: ${replies.join(' | ')}`)), ms);
          waiting.push((r) => (clearTimeout(t), res(r)));
        });
      },
      command(line, ms) {
        socket.write(`${line}\r\n`);
        return c.reply(ms);
      },
      write: (d) => void socket.write(d),
      end: () => socket.destroy(),
    };
    socket.once('connect', () => resolve(c));
    socket.once('error', reject);
  });
}
