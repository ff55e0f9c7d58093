/** Draft 4: a DCA MUST support cases (b) and (d) for reception: mail for its domain is delivered decrypted. */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { Layer } from '../../message/layers.js';

export function decryptedCheck(root: Layer, shape: string): Check {
  const stillForUs = root.kind === 'envelopedData' || root.kind === 'authEnvelopedData';
  return check('decrypted', 'DOMSEC-4-DCA-CASES', !stillForUs, { expected: 'decrypted', found: shape });
}
