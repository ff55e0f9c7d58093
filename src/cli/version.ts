import { readFileSync } from 'node:fs';

/** The suite's version, from package.json: recorded in results and vectors. */
export function suiteVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
