/**
 * SMTP limits and timeouts, named with their reason. Every network wait in the suite is bounded, so a
 * gateway that hangs or disconnects ends a case in ERROR instead of hanging the run.
 */

/** Largest message the sink accepts: 25 MB attachments base64-expand and gain S/MIME layers; 100 MiB covers them. */
export const SINK_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/**
 * The capture sink's bounds on its clients (src/smtp/bounds.ts; issue 12 item 11): total time for a command
 * line, for one DATA's content, and for a session. A gateway under test relays each case's message at once
 * on loopback; these only stop a gateway (or anything else on the port) that trickles bytes from holding
 * the sink for longer than a case can wait anyway.
 */
export const SINK_COMMAND_MAX_MS = 30_000;
export const SINK_DATA_MAX_MS = 120_000;
export const SINK_SESSION_MAX_MS = 10 * 60_000;

/** How long the suite waits for a TCP connection or the 220 greeting: loopback answers in milliseconds. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const GREETING_TIMEOUT_MS = 5_000;

/** One SMTP command round trip (DATA included) on loopback. */
export const SOCKET_TIMEOUT_MS = 15_000;

/** Default per-case wait for the gateway to relay or deliver what it received. */
export const DEFAULT_CASE_TIMEOUT_MS = 10_000;

/** Bounded retries on 4xx (RFC 5321 4.2.1: transient), with exponential backoff from this base. */
export const MAX_TRANSIENT_RETRIES = 3;
export const RETRY_BASE_DELAY_MS = 200;

/** Cases in flight at once: enough to overlap gateway latency, few enough for a 2-core machine. */
export const DEFAULT_CONCURRENCY = 4;

/** Overall bound on a run, whatever the profile says, so CI jobs always end with results. */
export const MAX_RUN_MS = 30 * 60_000;
