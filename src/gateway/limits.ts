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

/** How long close() lets open sessions finish before they get 421 and are cut. */
export const CLOSE_TIMEOUT_MS = 2_000;

/** Relaying to the next hop (loopback): connection and greeting answer in milliseconds; a DATA round trip with 100 MiB in seconds. */
export const RELAY_CONNECT_TIMEOUT_MS = 5_000;
export const RELAY_GREETING_TIMEOUT_MS = 5_000;
export const RELAY_SOCKET_TIMEOUT_MS = 20_000;

/**
 * Retries when the next hop answers 4xx, while the client waits for the DATA reply: one retry (200 ms) keeps
 * the client's wait short; past that the gateway answers 451 and the sender retries (RFC 5321 4.5.4.1).
 */
export const RELAY_MAX_RETRIES = 1;

/** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with the code and CRLF; the text is cut to this. */
export const MAX_REPLY_TEXT = 480;
