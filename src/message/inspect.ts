/**
 * A readable description of a message's layers for `domsec inspect`: the shape, and per layer its
 * signers (identifier, algorithms, SignatureType, attribute names, certificate), recipients and sizes.
 * Structure only: no verification (that is `domsec verify`).
 */
import * as O from '../asn1/oids.js';
import { describeIssuerAndSerial } from '../cms/cert-ref.js';
import { findSignerCertificate } from '../cms/signed-data.js';
import { parseCertificate } from '../x509/certificate.js';
import { getHeader } from '../mime/index.js';
import { signatureTypesOf } from '../domsec/signature-type.js';
import { mlExpansionHistoryOf } from '../domsec/ml-expansion-history.js';
import { layerChain, shapeOf, signedLabel, type Layer } from './layers.js';

export interface SignerDescription {
  sid: string;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  signatureType: string[];
  signedAttributes: string[];
  unsignedAttributes: string[];
  mlExpansionHistoryEntries?: number;
  certificate?: { subject: string; issuer: string; serial: string; sanUris: string[]; sanDnsNames: string[]; sanEmails: string[] };
}

export interface LayerDescription {
  position: number;
  kind: Layer['kind'];
  label: string;
  contentType?: string;
  bytes: number;
  eContentType?: string;
  signers?: SignerDescription[];
  certificates?: number;
  contentEncryptionAlgorithm?: string;
  recipients?: Array<{ kind: string; recipients: string[]; keyEncryptionAlgorithm: string }>;
  originatorCertificates?: number;
  opened?: boolean;
  notOpenedBecause?: string;
}

export interface MessageDescription {
  shape: string;
  headers: Record<string, string>;
  layers: LayerDescription[];
}

const OUTER = ['From', 'To', 'Subject', 'Message-ID', 'Date'];

export function describeMessage(root: Layer): MessageDescription {
  const headers: Record<string, string> = {};
  if (root.entity) for (const h of OUTER) {
    const v = getHeader(root.entity, h);
    if (v !== undefined) headers[h] = v;
  }
  const layers = layerChain(root).map((l, position): LayerDescription => {
    const d: LayerDescription = { position, kind: l.kind, label: l.kind === 'content' ? 'data' : l.kind === 'envelopedData' ? 'E' : l.kind === 'authEnvelopedData' ? 'A' : '', bytes: l.raw.length };
    if (l.entity) {
      const ct = getHeader(l.entity, 'Content-Type');
      if (ct) d.contentType = ct;
    }
    if (l.kind === 'signedData' || l.kind === 'multipartSigned') {
      d.label = `${l.kind === 'signedData' ? 'S' : 'M'}[${signedLabel(l.sd)}]`;
      d.eContentType = O.oidName(l.sd.eContentType);
      d.certificates = l.sd.certificates.length;
      d.signers = l.sd.signerInfos.map((si) => {
        const s: SignerDescription = {
          sid: si.sid.kind === 'issuerAndSerialNumber' ? describeIssuerAndSerial(si.sid.block) : `skid:${si.sid.skid.toString('hex')}`,
          digestAlgorithm: O.oidName(si.digestAlgorithm),
          signatureAlgorithm: O.oidName(si.signatureAlgorithm),
          signatureType: signatureTypesOf(si).values.map(O.oidName),
          signedAttributes: (si.signedAttrs ?? []).map((a) => O.oidName(a.type)),
          unsignedAttributes: (si.unsignedAttrs ?? []).map((a) => O.oidName(a.type)),
        };
        const ml = mlExpansionHistoryOf(si);
        if (ml.present) s.mlExpansionHistoryEntries = ml.entries;
        const ref = findSignerCertificate(si, l.sd.certificates);
        if (ref) {
          try {
            const c = parseCertificate(ref.der);
            s.certificate = { subject: c.subject, issuer: c.issuer, serial: c.serialNumberHex, sanUris: c.sanUris, sanDnsNames: c.sanDnsNames, sanEmails: c.sanEmails };
          } catch {
            /* an unparseable certificate is reported by verify, not here */
          }
        }
        return s;
      });
    }
    if (l.kind === 'envelopedData' || l.kind === 'authEnvelopedData') {
      d.contentEncryptionAlgorithm = O.oidName(l.env.contentEncryptionAlgorithm.oid);
      d.recipients = l.env.recipients.map((r) => ({ ...r, keyEncryptionAlgorithm: O.oidName(r.keyEncryptionAlgorithm) }));
      d.originatorCertificates = l.env.originatorCertificates.length;
      d.opened = !!l.inner;
      if (!l.inner && l.openError) d.notOpenedBecause = l.openError.message;
    }
    return d;
  });
  return { shape: shapeOf(root), headers, layers };
}

export function formatDescription(d: MessageDescription): string {
  const lines = [`shape: ${d.shape}`];
  for (const [k, v] of Object.entries(d.headers)) lines.push(`${k}: ${v}`);
  for (const l of d.layers) {
    const pad = '  '.repeat(l.position);
    lines.push(`${pad}${l.label} ${l.kind}${l.eContentType ? ` eContentType=${l.eContentType}` : ''} (${l.bytes} bytes)`);
    for (const [i, s] of (l.signers ?? []).entries()) {
      lines.push(`${pad}  signer ${i}: ${s.signatureAlgorithm}/${s.digestAlgorithm} sid=${s.sid}`);
      lines.push(`${pad}    signatureType: ${s.signatureType.length ? s.signatureType.join(', ') : '(none)'}`);
      lines.push(`${pad}    signed attributes: ${s.signedAttributes.join(', ') || '(none)'}${s.unsignedAttributes.length ? `; unsigned: ${s.unsignedAttributes.join(', ')}` : ''}`);
      if (s.mlExpansionHistoryEntries !== undefined) lines.push(`${pad}    mlExpansionHistory: ${s.mlExpansionHistoryEntries} entr${s.mlExpansionHistoryEntries === 1 ? 'y' : 'ies'}`);
      if (s.certificate) {
        const sans = [...s.certificate.sanUris, ...s.certificate.sanDnsNames.map((n) => `DNS:${n}`), ...s.certificate.sanEmails.map((n) => `email:${n}`)];
        lines.push(`${pad}    certificate: ${s.certificate.subject}${sans.length ? ` [${sans.join(', ')}]` : ''}`);
      }
    }
    if (l.recipients) {
      lines.push(`${pad}  content encryption: ${l.contentEncryptionAlgorithm}; originatorInfo certificates: ${l.originatorCertificates}`);
      for (const r of l.recipients) lines.push(`${pad}  recipient (${r.kind}, ${r.keyEncryptionAlgorithm}): ${r.recipients.join('; ') || '(not identified)'}`);
      if (!l.opened) lines.push(`${pad}  not opened: ${l.notOpenedBecause ?? 'no key'}`);
    }
  }
  return lines.join('\n');
}
