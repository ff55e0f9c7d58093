/**
 * Terminal text: the progress display of a run, the comparison of two runs and the baseline check.
 * Everything that comes from a results file or a gateway goes through `printable` first, so a case id or
 * a reply cannot move the cursor, clear the screen or change the terminal's title.
 */
import type { CaseVerdict } from '../harness/model.js';
import { itemText, type BaselineCheck, type BaselineItem } from './baseline.js';
import type { Comparison, VerdictChange } from './compare.js';

/** C0/C1 controls (ESC, CSI, BEL, CR, ...) and DEL become "?"; tabs become spaces; newlines a visible "⏎". */
export function printable(s: string): string {
  return s.replace(/\t/g, ' ').replace(/\r?\n/g, ' ⏎ ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

// ------------------------------------------------------------------ progress

export interface ProgressState {
  done: number;
  total: number;
  counts: Record<CaseVerdict, number>;
}

const SHORT: Array<[CaseVerdict, string]> = [
  ['PASS', 'pass'],
  ['FAIL', 'fail'],
  ['WARN', 'warn'],
  ['ERROR', 'error'],
  ['NOT TESTED', 'not tested'],
  ['SKIP', 'skip'],
];

/** Counts of a results file written before NOT TESTED existed lack it: read as 0. */
export function countsText(counts: Record<CaseVerdict, number>): string {
  return SHORT.filter(([v]) => v !== 'NOT TESTED' || counts[v]).map(([v, s]) => `${counts[v] ?? 0} ${s}`).join(' ');
}

/**
 * One line for a terminal, redrawn in place: a bar, done/total, running counts and the last case, cut
 * to `columns` so that it never wraps (a wrapped line cannot be redrawn with \r).
 */
export function progressBar(p: ProgressState, lastId: string, columns: number): string {
  const width = Math.max(10, Math.min(30, Math.floor(columns / 4)));
  const filled = p.total ? Math.round((p.done / p.total) * width) : width;
  const head = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(p.done).padStart(String(p.total).length)}/${p.total} ${countsText(p.counts)}`;
  const room = columns - 1 - head.length - 1;
  const tail = room > 8 ? ` ${printable(lastId).slice(0, room)}` : '';
  return (head + tail).slice(0, Math.max(1, columns - 1));
}

/** One plain line per case, for CI logs (no redrawing). */
export function progressLine(p: ProgressState, verdict: string, id: string, reason: string): string {
  return `${String(p.done).padStart(String(p.total).length)}/${p.total} ${verdict.padEnd(5)} ${printable(id)}${verdict === 'PASS' ? '' : `: ${printable(reason)}`}`;
}

// ------------------------------------------------------------------ compare

function changeLine(c: VerdictChange): string {
  return `  ${printable(c.id)}: ${c.before} -> ${c.after}${c.after !== 'PASS' ? ` (${printable(c.reason)})` : ''}`;
}

export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`old: ${printable(c.old.gateway)}, run ${printable(c.old.runId)} of ${printable(c.old.startedAt)} (domsec-suite ${printable(c.old.suiteVersion)}, ${c.old.total} cases)`);
  lines.push(`new: ${printable(c.new.gateway)}, run ${printable(c.new.runId)} of ${printable(c.new.startedAt)} (domsec-suite ${printable(c.new.suiteVersion)}, ${c.new.total} cases)`);
  const section = (title: string, items: string[]) => {
    lines.push('', `${title} (${items.length})${items.length ? ':' : ''}`, ...items);
  };
  section('Newly failing', c.newlyFailing.map(changeLine));
  section('Newly passing', c.newlyPassing.map(changeLine));
  section('Other verdict changes', c.changed.map(changeLine));
  section('Appeared', c.appeared.map((a) => `  ${printable(a.id)}: ${a.verdict}`));
  section('Disappeared', c.disappeared.map((a) => `  ${printable(a.id)}: was ${a.verdict}`));
  lines.push('', `${c.unchanged} unchanged. ${c.newlyFailing.length ? 'Something newly fails: exit status 1.' : 'Nothing newly fails: exit status 0.'}`);
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------ baseline

function itemLine(i: BaselineItem): string {
  return `  ${printable(i.id)}: ${printable(itemText(i))}`;
}

export function formatBaselineCheck(b: BaselineCheck): string {
  const lines = [`against the accepted baseline ${printable(b.source)}: ${b.deviations.length} deviation(s), ${b.accepted.length} accepted, ${b.improved.length} improved, ${b.changed.length} other change(s), ${b.notRun.length} not run`];
  if (b.deviations.length) lines.push('deviations (these fail the run):', ...b.deviations.map(itemLine));
  if (b.improved.length) lines.push('better than the baseline (tighten it):', ...b.improved.map(itemLine));
  if (b.changed.length) lines.push('other changes:', ...b.changed.map(itemLine));
  if (b.notRun.length) lines.push('in the baseline but not run:', ...b.notRun.map((id) => `  ${printable(id)}`));
  return `${lines.join('\n')}\n`;
}
