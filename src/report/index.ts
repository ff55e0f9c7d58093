/**
 * Conformance reports (issue 6): the HTML report (view model + Handlebars templates), reading results.json
 * back against its schema, comparing two runs, and accepted baselines (`domsec run --expect`).
 */
export { buildReportView, verdictFor, caseTests, roleVerdict, badge, requirementAnchor, caseAnchor, type ReportView, type CaseView, type RequirementView, type ViewOptions } from './view-model.js';
export { renderReport, renderView, TEMPLATE_DIR, type RenderOptions } from './html.js';
export { readResults, validateResults, countVerdicts, VERDICTS, RESULTS_SCHEMA, EXPECTED_SCHEMA } from './results-file.js';
export { compareResults, type Comparison, type VerdictChange } from './compare.js';
export { checkAgainstBaseline, baselineFromResults, parseBaseline, readBaseline, EXPECTED_FORMAT, type Baseline, type BaselineCheck, type ExpectedFile } from './baseline.js';
export { parseShape, layoutShape, describeLayer, type LayerToken, type ShapeDrawing } from './shape.js';
export { loadCatalogue, sectionUrl, specUrl, type Catalogue, type CatalogueRequirement } from './catalogue.js';
export { printable, progressBar, progressLine, formatComparison, formatBaselineCheck, countsText } from './text.js';
