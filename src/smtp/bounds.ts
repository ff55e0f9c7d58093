/**
 * Bounds on what one SMTP client can cost a server of the suite (the reference gateway's listeners and the
 * capture sink), issue 12 items 10 and 11:
 *
 *  - boundedData: DATA content is kept only up to the SIZE limit (RFC 1870). smtp-server counts the bytes
 *    and answers 552 once the message ends, but it still hands every byte to the onData handler, and a
 *    handler that collects chunks until 'end' held a 1.2 GB DATA whole. Past the limit nothing more is
 *    kept and what was kept is dropped, so memory per session stays at the limit.
 *  - boundSessions: smtp-server's socketTimeout counts idle time only and restarts at every byte, so a
 *    client trickling one byte a second kept its slot for ever, and 64 of them locked the gateway out.
 *    This adds a total time for each command line (from the server's previous reply to the line's end),
 *    for each DATA's content (from 354 to the final "."), for the whole session, and a bound on sessions
 *    per client address. A client past a bound gets 421 4.4.2 and the connection is closed (RFC 5321
 *    3.8, 4.2.3: 421 means the server closes the transmission channel).
 *
 * smtp-server has no option for these (3.21: socketTimeout, maxClients, size only), so boundSessions hooks
 * three of its per-connection methods (send, _onCommand, and the server's connect); each hook only
 * observes and then calls the original, so smtp-server's own behaviour is unchanged.
 */
import type { Readable } from 'node:stream';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';

/** What a bounded DATA collection kept. */
export interface BoundedData {
  /** The message, or undefined when it went past the limit (nothing of it is kept then). */
  message?: Buffer;
  /** Bytes the client sent as content (all of them, kept or not). */
  receivedBytes: number;
  /** The most bytes held at any time: never above maxBytes. */
  peakKeptBytes: number;
  exceeded: boolean;
}

/**
 * Collect a DATA stream, keeping at most `maxBytes`: once the content goes past it, every chunk held so
 * far is released and the rest is only counted. Resolves at the stream's end; rejects if it errors (the
 * client went away).
 */
export function boundedData(stream: Readable & { sizeExceeded?: boolean }, maxBytes: number): Promise<BoundedData> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let kept = 0;
    let peak = 0;
    let received = 0;
    let exceeded = false;
    stream.on('data', (c: Buffer) => {
      received += c.length;
      if (exceeded) return;
      if (kept + c.length > maxBytes || stream.sizeExceeded) {
        exceeded = true;
        chunks = [];
        kept = 0;
        return;
      }
      chunks.push(c);
      kept += c.length;
      if (kept > peak) peak = kept;
    });
    stream.once('error', reject);
    stream.once('end', () => {
      exceeded ||= !!stream.sizeExceeded;
      resolve({ ...(exceeded ? {} : { message: Buffer.concat(chunks, kept) }), receivedBytes: received, peakKeptBytes: peak, exceeded });
    });
  });
}

export interface SessionBounds {
  /** Total time for one command line, counted from the previous reply (or the greeting). */
  commandMs: number;
  /** Total time for the content of one DATA, from 354 to the final ".". */
  dataMs: number;
  /** Total time of a session. */
  sessionMs: number;
  /** Concurrent sessions from one client address; default no bound. */
  maxPerAddress?: number;
  /** Leave AUTH out of EHLO until STARTTLS (when AUTH is only taken over TLS; RFC 4954 4, RFC 3207 4.2). */
  hideAuthBeforeTls?: boolean;
}

/** The parts of smtp-server's SMTPConnection this hooks (smtp-server 3.21, dist/esm/smtp-connection.js). */
interface Connection {
  id: string;
  secure: boolean;
  remoteAddress: string;
  session: SMTPServerSession;
  _dataStream: (Readable & { readableEnded?: boolean }) | false | null;
  _closed: boolean;
  /** The accepted socket (the TLS socket after STARTTLS runs on top of it, so it closes with it). */
  _socket: { once(event: 'close', f: () => void): void };
  send(code: number, data?: string | string[], context?: string | false): void;
  _onCommand(command: Buffer, callback?: () => void): void;
}

interface ServerInternals {
  connections: Set<Connection>;
  connect(socket: unknown, socketOptions: unknown): void;
  onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void;
  options: { hideENHANCEDSTATUSCODES?: boolean };
}

/** Why a bound ended a session, for the 421 reply. */
export type BoundName = 'command' | 'data' | 'session';

/** Apply the bounds to every connection `server` accepts from now on. `onBound` is told when one ends a session. */
export function boundSessions(server: SMTPServer, bounds: SessionBounds, onBound?: (which: BoundName, session: SMTPServerSession) => void): void {
  const s = server as unknown as ServerInternals;
  const enhanced = (code: string, text: string): [string, string | false | undefined] => (s.options.hideENHANCEDSTATUSCODES ? [`${code} ${text}`, false] : [text, 'CONNECTION_TIMEOUT']);

  if (bounds.maxPerAddress !== undefined) {
    const max = bounds.maxPerAddress;
    const onConnect = s.onConnect.bind(server);
    s.onConnect = (session, callback) => {
      let n = 0;
      for (const c of s.connections) if (c.remoteAddress === session.remoteAddress) n++;
      if (n > max) return callback(Object.assign(new Error(`${s.options.hideENHANCEDSTATUSCODES ? '4.7.0 ' : ''}too many connections from ${session.remoteAddress}, at most ${max}; try again later`), { responseCode: 421 }));
      onConnect(session, callback);
    };
  }

  const connect = s.connect.bind(server);
  s.connect = (socket, socketOptions) => {
    const before = new Set(s.connections);
    connect(socket, socketOptions);
    for (const c of s.connections) if (!before.has(c)) watch(c);
  };

  function watch(conn: Connection): void {
    let commandTimer: NodeJS.Timeout | undefined;
    let dataTimer: NodeJS.Timeout | undefined;
    const expire = (which: BoundName, ms: number): void => {
      if (conn._closed) return;
      clearTimeout(commandTimer);
      clearTimeout(dataTimer);
      try {
        onBound?.(which, conn.session);
      } catch {
        /* a logging hook must not keep the session */
      }
      const what = which === 'command' ? 'a command line' : which === 'data' ? 'the message content' : 'the session';
      const [text, context] = enhanced('4.4.2', `time limit for ${what} (${ms} ms) exceeded, closing connection`);
      conn.send(421, text, context as string | false);
    };
    const sessionTimer = setTimeout(() => expire('session', bounds.sessionMs), bounds.sessionMs);
    sessionTimer.unref();
    conn._socket.once('close', () => {
      clearTimeout(sessionTimer);
      clearTimeout(commandTimer);
      clearTimeout(dataTimer);
    });

    const send = conn.send.bind(conn);
    conn.send = (code, data, context) => {
      if (bounds.hideAuthBeforeTls && code === 250 && Array.isArray(data) && !conn.secure) data = data.filter((l) => !/^AUTH\b/i.test(l));
      send(code, data, context);
      clearTimeout(commandTimer);
      if (code === 421 || conn._closed) return;
      if (code === 354) {
        // The content follows; its own bound runs until the data stream ends.
        const stream = conn._dataStream;
        clearTimeout(dataTimer);
        dataTimer = setTimeout(() => expire('data', bounds.dataMs), bounds.dataMs);
        dataTimer.unref();
        if (stream && !stream.readableEnded) stream.once('end', () => clearTimeout(dataTimer));
        else clearTimeout(dataTimer);
        return;
      }
      commandTimer = setTimeout(() => expire('command', bounds.commandMs), bounds.commandMs);
      commandTimer.unref();
    };
    const onCommand = conn._onCommand.bind(conn);
    conn._onCommand = (command, callback) => {
      // The line is complete: what follows is the server's work, not the client's.
      clearTimeout(commandTimer);
      onCommand(command, callback);
    };
  }
}
