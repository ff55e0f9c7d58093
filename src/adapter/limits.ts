/**
 * Limits of the command adapter (client implementations, draft 4), named with their reason. Every wait
 * on a vendor's command is bounded, so a command that hangs ends its case in ERROR instead of hanging
 * the run, and nothing a command prints or writes can exhaust the suite's memory.
 */
import { MAX_MESSAGE_BYTES } from '../limits.js';

/**
 * Default bound on one command: the engine's own CLI needs about 1.2 s to start on the reference machine
 * (README, Benchmark) and up to 4 s on a loaded 2-core runner; 30 s leaves room for slow vendor tools.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** Upper bound an adapter file may set for one command: a command that needs more is hung for the suite. */
export const MAX_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** Default and upper bound on a whole client run, as for SMTP runs (src/smtp/limits.ts), so CI jobs always end with results. */
export const DEFAULT_CLIENT_RUN_MS = 10 * 60_000;
export const MAX_CLIENT_RUN_MS = 30 * 60_000;

/**
 * After SIGTERM to a timed-out command's process group, how long it has to exit before SIGKILL: enough
 * for a tool to remove its own temporary files, short enough not to stretch the case.
 */
export const KILL_GRACE_MS = 1_000;

/**
 * How long to wait for the standard streams to close once the command has exited: a process that left
 * the process group (setsid) can keep them open forever; after this the suite stops reading.
 */
export const STREAM_DRAIN_MS = 1_000;

/** Bytes kept of each of stdout and stderr: the tail, where tools put their error message. The rest is counted, not stored. */
export const OUTPUT_TAIL_BYTES = 4 * 1024;

/** Largest output file the suite reads back: the engine's own message limit; a bigger file is a FAIL, not a read. */
export const MAX_OUTPUT_FILE_BYTES = MAX_MESSAGE_BYTES;

/** Commands in flight at once by default: each is a process, and the reference machine has 2 cores. */
export const DEFAULT_CLIENT_CONCURRENCY = 2;
