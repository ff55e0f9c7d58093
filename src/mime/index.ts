/** Raw-preserving MIME layer for the S/MIME engine: see entity.ts for why it is hand-written. */
export * from './entity.js';
export * from './multipart.js';
export * from './smime.js';
export {
  FOLD_COLUMNS,
  assertNoContentHeaders,
  MAX_LINE_OCTETS,
  convertEol,
  detectEol,
  formatHeaderField,
  renderHeaders,
  type HeaderInput,
} from './headers.js';
export { BASE64_LINE_CHARS, base64LinesLength, decodeBase64Mime, encodeBase64Lines, encodeBase64LinesInto } from './base64.js';
