/**
 * The harness's public API (issue 17), the export `domsec-suite/harness`: load a gateway profile, run the
 * suites' cases against the gateway it describes, write results.json and JUnit, render the HTML report
 * and check a run against an accepted baseline; what `domsec run --profile` does, as functions.
 * Re-exports only: the code lives in its layer.
 *
 * @peculiar/x509 needs the Reflect metadata polyfill before any of its modules load, hence the first import.
 */
import 'reflect-metadata';

export { loadProfile, validateProfile, type Profile } from './harness/profile.js';
export { runSuite, DEFAULT_VALIDATION_TIME, type RunOptions, type RunResults, type RunMeta } from './harness/run.js';
export { writeResults, junitXml, summaryLine, RESULTS_FORMAT } from './harness/results.js';
export type { CaseDecl, CaseResult, CaseVerdict, Role } from './harness/model.js';
export { SUITES, allCases, CLIENT_SUITES, allClientCases } from '../suites/index.js';
export { loadAdapter, type Adapter } from './adapter/config.js';
export { runClientSuite, type ClientRunOptions } from './adapter/run.js';
export { renderReport, readResults, compareResults, checkAgainstBaseline, readBaseline, baselineFromResults, type RenderOptions, type Baseline, type BaselineCheck, type Comparison } from './report/index.js';
// The reference gateway, to try a profile or a baseline against a known-good implementation.
export { startGateway, loadGatewayConfig, type GatewayConfig, type RunningGateway } from './gateway/config.js';
