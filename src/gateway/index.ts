/** The reference gateway and its faulty variants (issue 5): see server.ts, config.ts, faults.ts. */
export * from './config.js';
export { FAULTS, FAULT_NAMES, faultEntry, isFaultName, type FaultEntry } from './faults.js';
export { REPLIES, replyForError, type ReplyName, type ReplySpec } from './replies.js';
export { processOutbound, type OutboundEnvelope, type OutboundResult } from './outbound.js';
export { processInbound, type InboundResult } from './inbound.js';
export { isLoopbackHost } from './validate.js';
