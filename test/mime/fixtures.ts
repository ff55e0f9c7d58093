import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DomsecError, type DomsecErrorCode } from '../../src/errors.js';

const dir = fileURLToPath(new URL('../fixtures/mime/', import.meta.url));

/** Read a fixture from test/fixtures/mime byte for byte. */
export function fx(name: string): Buffer {
  return readFileSync(dir + name);
}

/** Assert that fn throws a DomsecError with this code and a message matching re. */
export function expectDomsecError(fn: () => unknown, code: DomsecErrorCode, re?: RegExp): DomsecError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DomsecError);
  const err = caught as DomsecError;
  expect(err.code).toBe(code);
  if (re) expect(err.message).toMatch(re);
  expect(err.message).not.toContain('\n');
  return err;
}
