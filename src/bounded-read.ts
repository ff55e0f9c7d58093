/**
 * Reading a file or standard input with the size limit checked while reading (issue 12, item 9).
 *
 * readFileSync reads to the end first: `domsec inspect /dev/zero`, or `-` on an endless pipe, grew to
 * gigabytes before a limit checked afterwards could say anything. Here the bytes are counted as they
 * arrive and reading stops at the first byte past the limit with one typed LIMIT_EXCEEDED error.
 * Synchronous on purpose: the JSON configuration readers that use it (profile, adapter, gateway config)
 * are synchronous, and a CLI command reads its inputs before it does anything else.
 *
 * Hand-written rather than a library: node:fs has no bounded read, and a stream (createReadStream) would
 * make every caller asynchronous for a loop of a dozen lines.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { DomsecError } from './errors.js';

/** Size of each read: large enough that a 512 MiB message takes few system calls, small enough to stop soon after a limit. */
const CHUNK_BYTES = 1024 * 1024;

export interface BoundedRead {
  bytes: Buffer;
  /** dev/ino of what was read (a file or standard input), to refuse writing an output over an input. */
  stats: Stats;
}

function mib(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

function whyUnreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (e as Error).message;
}

/** Wait without spinning when a non-blocking standard input has no data yet (EAGAIN). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Read all of `path` (`-` = standard input), at most `max` bytes. Beyond: LIMIT_EXCEEDED naming the
 * limit (`limitName`, from src/limits.ts); unreadable: FILE_UNREADABLE naming `what` and the path.
 */
export function readBounded(path: string, max: number, what: string, limitName: string): BoundedRead {
  const stdin = path === '-';
  const label = stdin ? `${what} on standard input` : `${what} ${path}`;
  let fd: number;
  try {
    fd = stdin ? 0 : openSync(path, 'r');
  } catch (e) {
    throw new DomsecError('FILE_UNREADABLE', `cannot read ${label}: ${whyUnreadable(e)}`, { cause: e });
  }
  try {
    let stats: Stats;
    try {
      stats = fstatSync(fd);
    } catch (e) {
      throw new DomsecError('FILE_UNREADABLE', `cannot read ${label}: ${whyUnreadable(e)}`, { cause: e });
    }
    if (stats.isDirectory()) throw new DomsecError('FILE_UNREADABLE', `cannot read ${label}: is a directory`, { cause: Object.assign(new Error('is a directory'), { code: 'EISDIR' }) });
    const tooLarge = (): DomsecError =>
      new DomsecError('LIMIT_EXCEEDED', `${label} is larger than ${mib(max)} (${limitName}); stopped reading there`);
    // A regular file says its size: refuse before reading, and read it into one buffer (no copy at the end).
    if (stats.isFile() && stats.size > max) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    let buf = Buffer.allocUnsafe(stats.isFile() ? Math.min(max, stats.size) + 1 : Math.min(CHUNK_BYTES, max + 1));
    let filled = 0;
    for (;;) {
      if (filled === buf.length) {
        chunks.push(buf);
        buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, max + 1 - total));
        filled = 0;
      }
      let n: number;
      try {
        n = readSync(fd, buf, filled, buf.length - filled, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          pause(10);
          continue;
        }
        if (code === 'EOF') break; // Windows pipes
        throw new DomsecError('FILE_UNREADABLE', `cannot read ${label}: ${whyUnreadable(e)}`, { cause: e });
      }
      if (n === 0) break;
      filled += n;
      total += n;
      if (total > max) throw tooLarge();
    }
    chunks.push(buf.subarray(0, filled));
    return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), stats };
  } finally {
    if (!stdin) closeSync(fd);
  }
}
