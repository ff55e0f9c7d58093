/**
 * The matrix's index page: implementations down the side, the client cases, the reader cases and the
 * requirements across, each cell a verdict linking to its evidence in that implementation's report.
 * Rendered with Handlebars as the report is (strict, no helpers: every value escaped), no script at all.
 */
import Handlebars from 'handlebars';
import type { Matrix, MatrixCell } from './run.js';
import { MAX_NOTE_CHARS } from './limits.js';

/** The page, kept here rather than in a file so the bundled package needs no data file for it (issue 17). */
const TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>DOMSEC implementations matrix</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 4px; text-align: center; }
th.impl { text-align: left; white-space: nowrap; position: sticky; left: 0; background: #fff; }
thead th.col { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: normal; font-size: 12px; }
thead th.group { background: #eee; }
td a { text-decoration: none; color: inherit; display: block; font-weight: 600; font-size: 12px; }
.PASS { background: #d7f5d7; } .FAIL { background: #f8c9c9; } .WARN { background: #fbe7b4; }
.SKIP { background: #eee; color: #666; } .ERROR { background: #e7c9f8; } .NOTTESTED { background: #dde6f5; color: #345; }
.skipped { text-align: left; color: #666; font-style: italic; }
dl.legend dt { float: left; clear: left; width: 3.5em; font-weight: 600; } dl.legend dd { margin-left: 4em; }
.meta { color: #555; }
</style>
</head>
<body>
<h1>DOMSEC implementations matrix</h1>
<p class="meta">domsec-suite {{suiteVersion}}; run {{startedAt}} to {{finishedAt}} on {{machine}}. Each cell links to the case (or requirement) in that implementation's report, with the exact command lines, exit statuses and output. Hover a cell for the reason.</p>
<table>
<thead>
<tr><th class="impl" rowspan="2">implementation</th>{{#each groups}}<th class="group" colspan="{{span}}">{{title}}</th>{{/each}}</tr>
<tr>{{#each columns}}<th class="col" title="{{title}}">{{label}}</th>{{/each}}</tr>
</thead>
<tbody>
{{#each rows}}
<tr><th class="impl">{{name}}<br><small>{{version}}</small></th>{{#if skipped}}<td class="skipped" colspan="{{../width}}">skipped: {{reason}}</td>{{else}}{{#each cells}}{{#if present}}<td class="{{cls}}" title="{{title}}"><a href="{{href}}">{{short}}</a></td>{{else}}<td title="not tested by this implementation's cases">&#183;</td>{{/if}}{{/each}}{{/if}}</tr>
{{/each}}
</tbody>
</table>
<h2>Legend</h2>
<dl class="legend">
<dt>P</dt><dd>PASS: observed to do what the draft (or the vector's expectation) requires</dd>
<dt>F</dt><dd>FAIL: a MUST-level requirement not met; the cell's title names the requirement and what was found</dd>
<dt>W</dt><dd>WARN: only a SHOULD-level check failed</dd>
<dt>NT</dt><dd>NOT TESTED: the case ran but the implementation cannot express what it tests (e.g. a CMS tool has no verdict for the DOMSEC naming rules); the reason says what it did</dd>
<dt>S</dt><dd>SKIP: not applicable (an optional feature the implementation does not declare)</dd>
<dt>E</dt><dd>ERROR: the command could not start, timed out or crashed</dd>
</dl>
<h2>Implementations</h2>
<ul>{{#each rows}}<li>{{#if skipped}}{{name}}: skipped: {{reason}}{{else}}<a href="{{id}}/report.html">{{name}}</a> ({{version}}): {{counts}}; <a href="{{id}}/results.json">results.json</a>{{/if}}</li>{{/each}}</ul>
</body>
</html>
`;
let template: Handlebars.TemplateDelegate | undefined;

const SHORT: Record<string, string> = { PASS: 'P', FAIL: 'F', WARN: 'W', 'NOT TESTED': 'NT', SKIP: 'S', ERROR: 'E' };

/** A column's label: the case id without its namespace, or the requirement id. */
export const columnLabel = (id: string): string => id.replace(/^domsec::(client|reader)::/, '');

const clip = (s: string): string => (s.length > MAX_NOTE_CHARS ? `${s.slice(0, MAX_NOTE_CHARS)}...` : s);

export function cellTitle(cell: MatrixCell): string {
  return clip(`${cell.verdict}${cell.requirement ? ` (${cell.requirement})` : ''}: ${cell.reason}`);
}

export function renderIndex(m: Matrix): string {
  template ??= Handlebars.create().compile(TEMPLATE, { strict: true, knownHelpersOnly: true });
  const client = m.columns.filter((c) => c.role === 'client');
  const reader = m.columns.filter((c) => c.role === 'reader');
  const columns = [...client.map((c) => ({ id: c.id, kind: 'case' as const, label: columnLabel(c.id), title: c.title })), ...reader.map((c) => ({ id: c.id, kind: 'case' as const, label: columnLabel(c.id), title: c.title })), ...m.requirements.map((q) => ({ id: q, kind: 'requirement' as const, label: q, title: q }))];
  const groups = [
    { title: 'client cases (draft 4: encrypt, decrypt)', span: client.length },
    { title: 'reader: the receiving golden vectors', span: reader.length },
    { title: 'requirements', span: m.requirements.length },
  ].filter((g) => g.span > 0);
  const rows = m.implementations.map((r) => ({
    id: r.id,
    name: r.name,
    version: r.version ?? '',
    skipped: r.status === 'skipped',
    reason: r.reason ?? '',
    counts: r.counts ? Object.entries(r.counts).filter(([, n]) => n).map(([v, n]) => `${n} ${v}`).join(', ') : '',
    cells: columns.map((c) => {
      const cell = c.kind === 'case' ? r.cases[c.id] : r.requirements[c.id];
      return cell ? { present: true, cls: cell.verdict.replace(' ', ''), short: SHORT[cell.verdict] ?? cell.verdict, title: cellTitle(cell), href: cell.href } : { present: false, cls: '', short: '', title: '', href: '' };
    }),
  }));
  return template({
    suiteVersion: m.suiteVersion,
    startedAt: m.startedAt,
    finishedAt: m.finishedAt,
    machine: `${m.machine.platform}, ${m.machine.cpus} CPU(s), Node ${m.machine.node}`,
    groups,
    columns,
    width: columns.length,
    rows,
  });
}
