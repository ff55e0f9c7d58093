import { readBounded } from './bounded-read.js';
import { DomsecError } from './errors.js';
import { MAX_CONFIG_FILE_BYTES } from './limits.js';

/**
 * Read a JSON configuration file (profile, gateway config, adapter): one typed, one-line error for each way
 * it can fail. Bounded while reading (MAX_CONFIG_FILE_BYTES, issue 12 item 9): `--profile /dev/zero` stops.
 */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readBounded(path, MAX_CONFIG_FILE_BYTES, what, 'MAX_CONFIG_FILE_BYTES').bytes.toString('utf8');
  } catch (e) {
    // The errno code, as these messages always said it (ENOENT, EISDIR, EACCES).
    const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (e instanceof DomsecError && e.code === 'FILE_UNREADABLE' && code) throw new DomsecError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${code}`, { cause: e });
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DomsecError('BAD_ARGUMENT', `${path}: not JSON (${(e as Error).message})`);
  }
}
