/**
 * Limits of the implementations matrix, named with their reason. The commands themselves are bounded by
 * the command adapter (src/adapter/limits.ts: time, output tails, process groups).
 */

/**
 * Commands per reader case: the deepest receiving vector has three layers (S(E(S(data)))); a tool that
 * keeps writing a new layer (a loop wrapping its own output) is stopped here rather than run forever.
 */
export const MAX_READER_STEPS = 8;

/** Bound on the version and prepare commands (a javac compile on a loaded 2-core runner takes up to a minute). */
export const PREPARE_COMMAND_MS = 180_000;

/** Characters of a reason kept in the index page's cell titles and the snapshot's notes. */
export const MAX_NOTE_CHARS = 300;
