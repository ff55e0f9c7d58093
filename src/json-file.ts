import { readFileSync } from 'node:fs';
import { DomsecError } from './errors.js';

/** Read a JSON configuration file (profile, gateway config): one typed, one-line error for each way it can fail. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DomsecError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DomsecError('BAD_ARGUMENT', `${path}: not JSON (${(e as Error).message})`);
  }
}
