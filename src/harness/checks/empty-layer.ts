/** Draft 2.3: the empty signature layer's eContentType MUST be id-data (N12). */
import { check } from './check.js';
import type { Check } from '../model.js';
import * as O from '../../asn1/oids.js';
import { layerChain, type Layer } from '../../message/layers.js';

export function emptyLayerCheck(out: Layer): Check {
  const empty = layerChain(out).find((l) => l.kind === 'signedData' && l.sd.signerInfos.length === 0);
  return check('empty-layer', 'DOMSEC-2.3-EMPTY-LAYER-ID-DATA', !!empty && empty.kind === 'signedData' && empty.sd.eContentType === O.id_data);
}
