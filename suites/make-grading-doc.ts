/**
 * Writes docs/grading.md from the data: one row per catalogued requirement (suites/requirements.json) with
 * the strength it is graded at, the cases that test it (suites/), the outcomes accepted besides the
 * reference's, and when a run cannot observe it (NOT TESTED). `npm run grading-doc`;
 * test/suites/grading-doc.test.ts fails when docs/grading.md is not current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCatalogue, strengthOfLevel, type CatalogueRequirement } from '../src/harness/catalogue.js';
import type { CaseDecl } from '../src/harness/model.js';
import type { ClientCaseDecl } from '../src/adapter/model.js';
import { allCases, allClientCases } from './index.js';

export const GRADING_DOC = fileURLToPath(new URL('../docs/grading.md', import.meta.url));

const STRENGTH_WORDS = { MUST: 'FAIL', SHOULD: 'WARN', MAY: 'INFO (never fails)' } as const;

function acceptableFor(id: string, cases: readonly CaseDecl[]): string[] {
  const out = new Set<string>();
  for (const c of cases) {
    const e = c.expect;
    if (e.kind === 'verdict' && e.acceptable?.length && (e.acceptableRequirement ?? c.requirements[0]) === id) out.add(`${c.id.split('::').pop()}: ${e.acceptable.includes('pass') ? 'not flagged' : 'flagged'} as well as ${e.verdict === 'pass' ? 'not flagged' : 'flagged'} (${e.acceptableWhy ?? ''})`);
    if (e.kind === 'verdict' && c.requirements[0] === id && e.verdict !== 'pass') out.add('any smime result that flags (fail, policy, ...): which one is the project\'s convention (N14), not graded');
    if (e.kind === 'domain-signed' && e.mlAttributesCarried && id === 'DOMSEC-5-READD-ML-ATTRIBUTES') out.add('signingTime of the re-added layer kept or fresh (N5); its SignatureType the gateway\'s choice (N6)');
    if (e.kind === 'domain-signed' && c.requirements[0] === id) {
      out.add('AuthEnvelopedData where the reference writes envelopedData');
      if (/,ml\]/.test(e.shape.noEncrypt + e.shape.encrypt)) out.add('the re-added outer layer signed with any SignatureType, domainSig or none (N6)');
    }
    if (e.kind === 'no-domain-signature' && c.requirements[0] === id) out.add('refused at SMTP, accepted and not relayed, or relayed without a new domain signature');
  }
  return [...out];
}

function notTestedWhen(r: CatalogueRequirement, cases: readonly CaseDecl[], clientCases: readonly ClientCaseDecl[]): string[] {
  if (r.untestable) return [`always: ${r.untestable}`];
  const testing = cases.filter((c) => c.requirements.includes(r.id));
  const out: string[] = [];
  if (testing.length === 0 && !clientCases.some((c) => c.requirements.includes(r.id))) {
    return [r.level === 'MAY' || r.level === 'SHOULD' || r.level === 'SHOULD NOT' ? 'no case tests it (not a MUST)' : 'no case names it: graded through the cases of the rules it belongs to'];
  }
  if (clientCases.some((c) => c.requirements.includes(r.id)) && testing.length === 0) return ['in a gateway run (tested through the command adapter: `domsec run --adapter`)'];
  const roles = [...new Set(testing.map((c) => c.role))];
  out.push(`when the profile declares none of its roles (${roles.join(', ')})`);
  if (r.id === 'DOMSEC-5-ENCRYPT-IF-LOWER-ENVELOPED') out.push('under an encrypt policy: every output is encrypted anyway (the check is NOT TESTED)');
  const policies = new Set(testing.map((c) => c.policy ?? 'any'));
  if (!policies.has('any')) out.push(`under a policy other than ${[...policies].join(', ')}`);
  if (testing.every((c) => c.authenticate === 'external')) out.push('with originatorAuthentication signature-only');
  if (testing.every((c) => c.authenticate === 'none')) out.push('with originatorAuthentication trusted-address');
  const featured = testing.filter((c) => c.features?.length);
  if (featured.length === testing.length) out.push(`unless the profile declares ${[...new Set(featured.flatMap((c) => c.features!))].join(', ')}`);
  return out;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function gradingDoc(): string {
  const cat = loadCatalogue();
  const cases = allCases();
  const clientCases = allClientCases();
  const rows = cat.requirements.map((r) => {
    const strength = strengthOfLevel(r.level, r.gradedAs);
    const level = r.level === strength || (r.level.startsWith(strength) && r.level.endsWith('NOT')) ? r.level : `${r.level}, graded as ${strength}${r.gradedBecause ? ` (${r.gradedBecause})` : ''}`;
    const ids = [...cases, ...clientCases].filter((c) => c.requirements.includes(r.id)).map((c) => c.id);
    const shown = ids.length > 6 ? `${ids.slice(0, 6).map((i) => `\`${i}\``).join(', ')} and ${ids.length - 6} more` : ids.map((i) => `\`${i}\``).join(', ') || '(none)';
    return `| ${r.id} (${r.section}) | ${cell(level)}: ${STRENGTH_WORDS[strength]} | ${ids.length}: ${shown} | ${cell(acceptableFor(r.id, cases).join('; ') || '-')} | ${cell(notTestedWhen(r, cases, clientCases).join('; '))} |`;
  });
  return `# How each requirement is graded

GENERATED by \`suites/make-grading-doc.ts\` from \`suites/requirements.json\` and the cases in \`suites/\`
(\`npm run grading-doc\`); \`test/suites/grading-doc.test.ts\` fails when this file is not current.

A verdict is never stronger than the draft's words (N16):

- **Strength.** Every check names one catalogued requirement and takes its strength from that requirement's
  level: a failed MUST or MUST NOT fails the case (FAIL), a failed SHOULD or SHOULD NOT gives WARN, a failed
  MAY is information only (the case still passes, its reason says so). A Section 5 rule (RULE) or a 5.1
  example (EXAMPLE) is graded at the strength its \`gradedAs\` names, for the reason \`gradedBecause\` gives
  (mostly draft 3.2: "the steps in Section 5 MUST be followed").
- **Acceptable.** Where the draft leaves a choice, every choice passes (Wycheproof's \`acceptable\`) and the
  check says which one was seen: the receiver's choice to verify what a domain signature encapsulates
  (draft 3.2), the SignatureType and signingTime of a re-added outer layer (N5, N6), one signer's
  SignerInfos that differ only by algorithm (RFC 5652 5.1 as updated by RFC 4853: "the successful
  validation of one signature from a given signer ought to be treated as a successful validation of that
  signer"; an application may specify other rules, the draft specifies none, so passing is what the RFC
  recommends and flagging a stricter local rule: both are accepted), and the smime value a verifier flags with.
  "An S/MIME compliant implementation would normally flag a warning" (3.1) describes, it does not require:
  no check rests on it.
- **NOT TESTED.** A requirement the run cannot observe is NOT TESTED, never PASS: a check with outcome
  \`not-tested\` names it, and a case none of whose checks could be observed ends NOT TESTED.
- **Overall verdict.** CONFORMANT when every case of every declared role ran and none failed (WARN allowed,
  exit status 0); NOT CONFORMANT when a case FAILED (exit status 1); INCOMPLETE when none failed but a case
  ERRORED (exit status 1), was NOT TESTED, or was SKIPPED for a missing prerequisite (exit status 4). A case
  skipped because it does not apply to what the profile declares (a role, the other policy, an optional
  feature, an originator authentication the gateway does not use) does not make a run incomplete. A
  declared role without its submission endpoint is a profile error (exit status 2).

| requirement (section) | level: a failed check gives | cases | acceptable besides the reference's behaviour | NOT TESTED when |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GRADING_DOC, gradingDoc());
  process.stdout.write(`wrote ${GRADING_DOC}\n`);
}
