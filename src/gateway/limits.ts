/**
 * Limits and timeouts of the reference gateway, named with their reason. Every wait is bounded, so a
 * stuck client or next hop costs a reply, never a hung gateway.
 */
import { SINK_MAX_MESSAGE_BYTES } from '../smtp/limits.js';

/**
 * SIZE (RFC 1870) of both listeners: the suite's sink takes 100 MiB, and what the gateway relays is larger
 * than what it received (a signature layer and base64), so it accepts what the sink can take back.
 */
export const GATEWAY_MAX_MESSAGE_BYTES = SINK_MAX_MESSAGE_BYTES;

/** RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients per transaction; more are refused with 452. */
export const MAX_RECIPIENTS = 100;

/** Concurrent SMTP clients per listener: the suite runs a handful of cases at once; this bounds memory (each holds a message). */
export const MAX_CLIENTS = 64;

/** Idle time before smtp-server drops a connection: a case's DATA takes milliseconds on loopback, 30 s spares slow CI machines. */
export const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Total time a client has for one command line, counted from the gateway's previous reply (or greeting) to
 * the line's end. The idle timeout above restarts at every byte, so without this a client trickling one
 * byte a second held its slot forever (issue 12, item 11). A command line is at most 512 octets (RFC 5321
 * 4.5.3.1.4) and loopback clients send it at once; 30 s is the idle allowance plus nothing to trickle with.
 */
export const COMMAND_MAX_MS = 30_000;

/**
 * Total time for the message content of one DATA, from the 354 reply to the final ".": 100 MiB (the SIZE
 * limit) at 1 MB/s, slow for loopback and any LAN. RFC 5321 4.5.3.2.6 bounds each read at 3 minutes; this
 * bounds the whole, so a client trickling the content cannot keep a slot (issue 12, item 11).
 */
export const DATA_MAX_MS = 120_000;

/**
 * Total time of one SMTP session: a client that keeps sending short commands (NOOP, RSET) within
 * COMMAND_MAX_MS each would otherwise still hold a slot for ever. The suite opens one session per case;
 * ten minutes is far above any case and still frees every slot in bounded time.
 */
export const SESSION_MAX_MS = 10 * 60_000;

/**
 * Concurrent sessions from one client address per listener: half of MAX_CLIENTS, so one client cannot take
 * every slot, and above what the suite (DEFAULT_CONCURRENCY) or a relaying MTA (Postfix's default
 * destination concurrency is 20) opens at once.
 */
export const MAX_CLIENTS_PER_ADDRESS = 32;

/**
 * DOMSEC work per message runs in worker threads (src/gateway/pool.ts), so that a costly message never
 * stops the listeners, the relay or SIGTERM (issue 12, item 6). Two workers for a 2-core machine; further
 * messages wait their turn (at most one per connection, so the queue is bounded by MAX_CLIENTS per listener).
 */
export const MESSAGE_WORKERS = 2;

/**
 * Engine time one message may take in its worker before the worker is stopped and the message refused
 * (552 5.3.4, a processing limit): 100 MiB signs, encrypts or verifies in a few seconds (npm run bench), so
 * a message still running after 60 s is one the engine cannot finish in reasonable time (a CPU bomb), and
 * the client is answered well within the 10 minutes RFC 5321 4.5.3.2.6 has it wait for the reply to DATA.
 */
export const MESSAGE_PROCESSING_MAX_MS = 60_000;

/** How long close() lets open sessions finish before they get 421 and are cut. */
export const CLOSE_TIMEOUT_MS = 2_000;

/** Relaying to the next hop (loopback): connection and greeting answer in milliseconds; a DATA round trip with 100 MiB in seconds. */
export const RELAY_CONNECT_TIMEOUT_MS = 5_000;
export const RELAY_GREETING_TIMEOUT_MS = 5_000;
export const RELAY_SOCKET_TIMEOUT_MS = 20_000;

/**
 * Total time of one relay (all attempts): the socket timeout above is idle time, so a next hop that trickles
 * its replies could otherwise hold the client's DATA reply for ever. 100 MiB on loopback takes seconds; past
 * this the client gets 451 (try again later) and the gateway stops waiting.
 */
export const RELAY_TOTAL_MAX_MS = 90_000;

/**
 * Retries when the next hop answers 4xx, while the client waits for the DATA reply: one retry (200 ms) keeps
 * the client's wait short; past that the gateway answers 451 and the sender retries (RFC 5321 4.5.4.1).
 */
export const RELAY_MAX_RETRIES = 1;

/** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with the code and CRLF; the text is cut to this. */
export const MAX_REPLY_TEXT = 480;

/**
 * Gateway runtimes (keys, certificates) one worker keeps, one per gateway config it served: the gateways of
 * one process share the workers (tests start dozens); older ones are rebuilt on demand.
 */
export const MAX_RUNTIMES_PER_WORKER = 32;

/**
 * How long idle workers outlive the last gateway of a process (unref'd: they never keep it alive), so that
 * a gateway started right after another (tests; the harness's run per policy) finds them started.
 */
export const POOL_LINGER_MS = 10_000;
