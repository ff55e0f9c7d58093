import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestPki } from '../../src/pki/index.js';
import type { ExampleParties } from '../../src/domsec/examples.js';
import { keyOf } from './pki.js';

export const SIGNING_TIME = new Date('2026-03-01T12:00:00Z');
export const VALIDATION_TIME = new Date('2026-03-01T12:00:00Z');

export function fixture(path: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)));
}

export const HEADERS: Array<[string, string]> = [
  ['From', 'Alice <alice@example.test>'],
  ['To', 'Bob <bob@example.org>'],
  ['Subject', 'Quarterly figures'],
  ['Message-ID', '<example-1@example.test>'],
  ['Date', 'Sun, 01 Mar 2026 12:00:00 +0000'],
];

/** The parties of the Section 5 examples: alice@example.test originates, example.test's DCA is the local DCA. */
export function exampleParties(pki: TestPki): ExampleParties {
  return {
    originator: keyOf(pki, 'example.test/user-alice'),
    other: keyOf(pki, 'example.test/user-bob'),
    innerRecipients: [{ certDer: keyOf(pki, 'example.test/dca-rsa').certDer }, { certDer: keyOf(pki, 'example.org/user-bob').certDer }],
    headers: HEADERS,
    content: fixture('messages/plain-content.txt'),
    signingTime: SIGNING_TIME,
  };
}
