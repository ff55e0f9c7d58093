/** A real MTA in the loop (issue 5): a private Postfix between the suite and a gateway. */
export { freePort } from '../local-server.js';
export { findPostfix, startPostfix, MtaError, type MtaErrorCode, type PostfixInstallation, type PostfixOptions, type RunningPostfix, type HostPort } from './postfix.js';
export { runReferenceLoop, loopGatewayConfig, LOOP_USER, type LoopRun, type LoopRunOptions } from './reference-loop.js';
