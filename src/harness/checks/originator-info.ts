/**
 * N13 and Section 5 ("an originatorInfo value built from information describing this DCA"): every
 * envelopedData the gateway adds carries originatorInfo with a certificate of this domain's DCA, named by
 * the convention of 2.4. The envelopes it adds are the outer ones above the first layer it kept from the
 * sent message (an inner E1 kept byte for byte, Example 7, is the originator's, not the gateway's).
 */
import { check } from './check.js';
import type { Check } from '../model.js';
import type { RequirementId } from '../requirement-ids.js';
import { checkDomainSignerNaming, originatorDomain } from '../../domsec/naming.js';
import { parseCertificate } from '../../x509/certificate.js';
import { contentInfoDer, layerChain, type EnvelopeLayer, type Layer } from '../../message/layers.js';

export function addedEnvelopes(root: Layer, sent: Layer | undefined): EnvelopeLayer[] {
  const sentEnvelopes = sent ? layerChain(sent).filter((l): l is EnvelopeLayer => l.kind === 'envelopedData' || l.kind === 'authEnvelopedData').map((l) => contentInfoDer(l)) : [];
  return layerChain(root).filter((l): l is EnvelopeLayer => (l.kind === 'envelopedData' || l.kind === 'authEnvelopedData') && !sentEnvelopes.some((d) => d.equals(contentInfoDer(l))));
}

export function originatorInfoChecks(envelopes: EnvelopeLayer[], local: string, requirement: RequirementId): Check[] {
  return envelopes.map((env, i) => {
    const names = env.env.originatorCertificates.some((der) => {
      try {
        return checkDomainSignerNaming(parseCertificate(der), originatorDomain(`x@${local}`), { checkKeyUsage: false }).ok;
      } catch {
        return false;
      }
    });
    return check('originator-info', requirement, names, { detail: envelopes.length > 1 ? `the envelopedData added at depth ${i + 1}` : 'the envelopedData the gateway added' });
  });
}
