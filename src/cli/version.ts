import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';

/** The suite's version, from package.json: recorded in results and vectors. */
export function suiteVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
