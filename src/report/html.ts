/**
 * Rendering the view model to one self-contained HTML file with Handlebars (reports/templates). The
 * templates hold no logic: no helpers are registered and only the built-in #if / #each are allowed
 * (knownHelpersOnly); strict mode makes a template that names a field the view model lacks an error
 * instead of an empty string. Handlebars escapes every value; only our own CSS and script are inserted
 * raw. A Content-Security-Policy allows no network at all and only that one script (by hash), so even
 * markup that slipped through escaping could not load or run anything.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { RunResults } from '../harness/run.js';
import { suiteVersion } from '../cli/version.js';
import type { BaselineCheck } from './baseline.js';
import { loadCatalogue } from './catalogue.js';
import { buildReportView, type ReportView } from './view-model.js';
import { packagePath } from '../paths.js';

export const TEMPLATE_DIR = packagePath('reports/templates') + '/';

interface Assets {
  css: string;
  script: string;
  csp: string;
  generator: string;
}

let compiled: { template: Handlebars.TemplateDelegate; assets: Assets } | undefined;

function load(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const hb = Handlebars.create();
  const options: CompileOptions = { strict: true, knownHelpersOnly: true };
  const partials = join(TEMPLATE_DIR, 'partials');
  for (const f of readdirSync(partials).filter((n) => n.endsWith('.hbs'))) {
    hb.registerPartial(f.slice(0, -4), hb.compile(readFileSync(join(partials, f), 'utf8'), options));
  }
  const template = hb.compile(readFileSync(join(TEMPLATE_DIR, 'report.hbs'), 'utf8'), options);
  const css = readFileSync(join(TEMPLATE_DIR, 'report.css'), 'utf8');
  const script = readFileSync(join(TEMPLATE_DIR, 'report.js'), 'utf8');
  if (/<\/(style|script)/i.test(css + script)) throw new Error('report assets must not contain </style> or </script>');
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  compiled = { template, assets: { css, script, csp, generator: suiteVersion() } };
  return compiled;
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** The HTML of a view model. */
export function renderView(view: ReportView): string {
  const { template, assets } = load();
  return template({ view, asset: assets });
}

export interface RenderOptions {
  baseline?: BaselineCheck;
  generatedAt?: string;
}

/** The HTML report of a run. */
export function renderReport(results: RunResults, opts: RenderOptions = {}): string {
  return renderView(buildReportView(results, { catalogue: loadCatalogue(), ...opts }));
}
