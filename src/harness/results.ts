/**
 * Writing a run's results: results.json (the full record, format `domsec-results/1`) and JUnit XML (one
 * testsuite per role, one testcase per case, failures carrying the requirement text), so CI systems show
 * them natively. Files are written atomically.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomsecError } from '../errors.js';
import type { RunResults } from './run.js';
import { GATEWAY_ROLES, ROLES, type CaseResult, type CommandRun, type Role } from './model.js';
import { requirementCatalogue } from './catalogue.js';
import { renderCheck } from './checks/messages.js';

export const RESULTS_FORMAT = 'domsec-results/1';

export { requirementCatalogue } from './catalogue.js';

/** Written whole or not at all: a temp file beside it, then renamed into place. */
export function atomicWrite(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    throw new DomsecError('WRITE_FAILED', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** How a client command ended (src/adapter/spawn.ts): a time-out kills its process group. For JUnit and the report. */
export function commandEnd(c: CommandRun): string {
  return c.timedOut ? 'timed out, process group killed' : c.signal ? `killed by ${c.signal}` : c.exitCode === null ? 'not started' : `exit status ${c.exitCode}`;
}

/** A client command's evidence (the command adapter), as lines for a JUnit error body. */
function commandLines(c: CommandRun): string[] {
  return [`${c.step}: ${c.argv.join(' ')}`, `${commandEnd(c)} after ${c.durationMs} ms`, ...(c.stderrTail ? [`stderr: ${c.stderrTail}`] : [])];
}

/**
 * The roles a run reports, for JUnit and the report alike: every gateway role (an empty one says the role
 * was not tested) unless the run tested a client only (the command adapter); 'client' only when client
 * cases ran.
 */
export function reportedRoles(cases: readonly Pick<CaseResult, 'role'>[]): Role[] {
  const clientRun = cases.length > 0 && cases.every((c) => c.role === 'client' || (c.role as string) === 'reader');
  return ROLES.filter((role) => (GATEWAY_ROLES.includes(role) && !clientRun) || cases.some((c) => c.role === role));
}

export function junitXml(r: RunResults): string {
  const req = requirementCatalogue();
  const suites = reportedRoles(r.cases).map((role) => {
    const cases = r.cases.filter((c) => c.role === role);
    const failures = cases.filter((c) => c.verdict === 'FAIL').length;
    const errors = cases.filter((c) => c.verdict === 'ERROR').length;
    const skipped = cases.filter((c) => c.verdict === 'SKIP' || c.verdict === 'NOT TESTED').length;
    const time = cases.reduce((t, c) => t + c.durationMs, 0) / 1000;
    const body = cases.map((c) => {
      const failed = c.checks.filter((k) => !k.ok);
      const detail = failed.map((k) => `${k.requirement} (${k.strength}): ${renderCheck(k)}\n  "${req.get(k.requirement)?.text ?? ''}"`).join('\n');
      let inner = '';
      if (c.verdict === 'FAIL') inner = `<failure message="${xml(c.reason)}">${xml(detail)}</failure>`;
      else if (c.verdict === 'ERROR') inner = `<error message="${xml(c.reason)}">${xml([...(c.evidence.smtp?.transcript ?? []), ...(c.evidence.command ?? []).flatMap(commandLines)].join('\n'))}</error>`;
      else if (c.verdict === 'SKIP') inner = `<skipped message="${xml(c.reason)}"/>`;
      else if (c.verdict === 'NOT TESTED') inner = `<skipped message="${xml(`NOT TESTED: ${c.reason}`)}"/>`;
      else if (c.verdict === 'WARN') inner = `<system-out>${xml(`WARN (SHOULD-level): ${c.reason}\n${detail}`)}</system-out>`;
      return `    <testcase classname="${xml(`domsec.${role}`)}" name="${xml(c.id)}" time="${(c.durationMs / 1000).toFixed(3)}">${inner}</testcase>`;
    });
    return `  <testsuite name="${xml(role)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${body.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`domsec-suite: ${r.meta.gateway}`)}" tests="${r.cases.length}" failures="${r.counts.FAIL}" errors="${r.counts.ERROR}" skipped="${r.counts.SKIP + (r.counts['NOT TESTED'] ?? 0)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function writeResults(dir: string, r: RunResults): { json: string; junit: string } {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new DomsecError('WRITE_FAILED', `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const json = join(dir, 'results.json');
  const junit = join(dir, 'junit.xml');
  atomicWrite(json, JSON.stringify({ format: RESULTS_FORMAT, ...r }, null, 2) + '\n');
  atomicWrite(junit, junitXml(r));
  return { json, junit };
}

export function summaryLine(r: RunResults): string {
  const c = r.counts;
  const counts = `${c.PASS} passed, ${c.FAIL} failed, ${c.WARN} warned, ${c['NOT TESTED'] ? `${c['NOT TESTED']} not tested, ` : ''}${c.SKIP} skipped, ${c.ERROR} errored`;
  const verdict = r.verdict ? `${r.verdict.verdict}: ${r.verdict.explanation}\n` : '';
  return `${verdict}${counts}${(r.diagnoses ?? []).map((d) => `\nnote: ${d}`).join('')}`;
}
