/**
 * Exports a run as one self-contained HTML file: the variants, the per-variant summary and every row with its outputs,
 * word diffs against the expected output and scores. The file has no scripts and loads nothing: its CSP allows only
 * its one inline style element, by hash. Every value from the run is escaped and shown as text, never as Markdown.
 */

import { createHash } from 'node:crypto';
import type { VariantSummary } from '../../core/compare/aggregate';
import { wordDiff } from '../../core/compare/diff';
import type { RunHeader, RunRecord, Variant } from '../../core/compare/types';
import type { RowView } from '../../webview/compare/protocol';
import { escapeHtml } from '../chat/chatHtml';

export interface RunReportInput {
	header: RunHeader;
	records: readonly RunRecord[];
	summaries: readonly VariantSummary[];
	/** The dataset's rows, when the dataset could be read, for the input column. */
	rows?: readonly RowView[];
	/** Name of the run: its dataset file, or "Single input". */
	label: string;
}

const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, monospace; max-width: 60ch; }
ins { background: #dafbe1; text-decoration: none; } del { background: #ffebe9; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .muted { color: #656d76; }
.stats { font-size: 12px; color: #656d76; margin-top: 4px; }
`;

/** Returns the report's HTML. */
export function renderRunReport(input: RunReportInput): string {
	const { header } = input;
	const styleHash = createHash('sha256').update(REPORT_STYLE).digest('base64');
	const csp = `default-src 'none'; style-src 'sha256-${styleHash}'`;
	const title = `LLM Lab comparison: ${input.label}`;
	const dataset = header.dataset?.path ? `${header.dataset.path}, ${header.dataset.rows} rows` : 'single input';
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">Run ${escapeHtml(header.runId)}, started ${escapeHtml(header.createdAt)} with LLM Lab ${escapeHtml(header.llmLabVersion)}. Dataset: ${escapeHtml(dataset)}.</p>
<h2>Variants</h2>
${variantsTable(header.variants)}
<h2>Summary</h2>
${summaryTable(input.summaries)}
<h2>Rows</h2>
${rowsTable(input)}
</body>
</html>
`;
}

function variantsTable(variants: readonly Variant[]): string {
	const rows = variants.map((variant) => {
		const examples = variant.examples?.length ?? 0;
		const from = variant.examplesFrom
			? ` (${variant.examplesFrom.count} ${variant.examplesFrom.pick} from ${variant.examplesFrom.file})`
			: '';
		return `<tr><td>${escapeHtml(variant.label)}</td><td>${escapeHtml(variant.model)}</td><td><pre>${escapeHtml(variant.system ?? '')}</pre></td><td><pre>${escapeHtml(variant.template ?? '{{input}}')}</pre></td><td>${examples}${escapeHtml(from)}</td><td><pre>${escapeHtml(JSON.stringify(variant.parameters ?? {}))}</pre></td></tr>`;
	});
	return `<table class="variants"><thead><tr><th>Variant</th><th>Model</th><th>System prompt</th><th>Template</th><th>Examples</th><th>Parameters</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function summaryTable(summaries: readonly VariantSummary[]): string {
	const rows = summaries.map((summary) => {
		const estimated = summary.tokensEstimated ? '~' : '';
		const cells = [
			escapeHtml(summary.label),
			number(summary.passRate === undefined ? '–' : percent(summary.passRate)),
			number(summary.meanScore === undefined ? '–' : summary.meanScore.toFixed(3)),
			number(String(summary.calls)),
			number(String(summary.errors)),
			number(summary.promptTokensPerCall === undefined ? '–' : `${estimated}${Math.round(summary.promptTokensPerCall)}`),
			number(summary.completionTokensPerCall === undefined ? '–' : `${estimated}${Math.round(summary.completionTokensPerCall)}`),
			number(summary.latencyP50Ms === undefined ? '–' : `${summary.latencyP50Ms} ms`),
			number(summary.latencyP95Ms === undefined ? '–' : `${summary.latencyP95Ms} ms`),
			number(usd(summary.costUsd)),
			number(usd(summary.costPer1000CallsUsd)),
			number(usd(summary.judgeCostUsd)),
			number(summary.meanPerplexity === undefined ? '–' : summary.meanPerplexity.toFixed(2)),
		];
		return `<tr>${cells.map((cell, index) => (index === 0 ? `<td>${cell}</td>` : cell)).join('')}</tr>`;
	});
	const headings = [
		'Variant',
		'Pass rate',
		'Mean score',
		'Calls',
		'Errors',
		'Prompt tokens per call',
		'Completion tokens per call',
		'p50 latency',
		'p95 latency',
		'Cost',
		'Per 1,000 calls',
		'Judge cost',
		'Perplexity',
	];
	const note = summaries.some((summary) => summary.tokensEstimated)
		? '<p class="muted">~ Token counts are estimated: the server reported no usage for some calls.</p>'
		: '';
	return `<table class="summary"><thead><tr>${headings.map((heading) => `<th>${heading}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>${note}`;
}

function rowsTable(input: RunReportInput): string {
	const { header, records } = input;
	const byRow = new Map<number, Map<string, RunRecord>>();
	for (const record of records) {
		const cells = byRow.get(record.row) ?? new Map<string, RunRecord>();
		cells.set(record.variant, record);
		byRow.set(record.row, cells);
	}
	const inputs = new Map(input.rows?.map((row) => [row.index, row]));
	const indexes = [...new Set([...byRow.keys(), ...inputs.keys()])].sort((a, b) => a - b);
	const headings = ['Row', 'Input', 'Expected', ...header.variants.map((variant) => escapeHtml(variant.label))];
	const rows = indexes.map((index) => {
		const cells = byRow.get(index) ?? new Map<string, RunRecord>();
		const expected = inputs.get(index)?.expected ?? [...cells.values()].find((record) => record.expected !== undefined)?.expected;
		const outputs = header.variants.map((variant) => `<td>${recordCell(cells.get(variant.id), expected)}</td>`);
		return `<tr><td class="number">${index + 1}</td><td><pre>${escapeHtml(inputs.get(index)?.input ?? '')}</pre></td><td><pre>${escapeHtml(expected ?? '')}</pre></td>${outputs.join('')}</tr>`;
	});
	return `<table class="rows"><thead><tr>${headings.map((heading) => `<th>${heading}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** One output: a word diff against the expected output when there is one, its figures and its scores. */
function recordCell(record: RunRecord | undefined, expected: string | undefined): string {
	if (!record) {
		return '<span class="muted">not run</span>';
	}
	const output =
		expected === undefined || record.error
			? escapeHtml(record.output)
			: wordDiff(expected, record.output)
					.map((part) => {
						const text = escapeHtml(part.text);
						if (part.kind === 'added') {
							return `<ins>${text}</ins>`;
						}
						return part.kind === 'removed' ? `<del>${text}</del>` : text;
					})
					.join('');
	const error = record.error ? `<div class="fail">${escapeHtml(`${record.error.kind}: ${record.error.message}`)}</div>` : '';
	const estimated = record.tokensEstimated ? '~' : '';
	const figures = [
		`${estimated}${record.promptTokens} + ${estimated}${record.completionTokens} tokens`,
		record.firstTokenMs === undefined ? undefined : `first token ${record.firstTokenMs} ms`,
		`${record.latencyMs} ms`,
		record.costUsd === undefined ? undefined : usd(record.costUsd),
		record.logprobs ? `perplexity ${record.logprobs.perplexity.toFixed(2)}` : undefined,
	].filter((figure) => figure !== undefined);
	const scores = record.scores.map((score) => {
		const verdict = score.error !== undefined ? 'muted' : score.pass ? 'pass' : 'fail';
		const value = score.error !== undefined ? 'error' : score.score.toFixed(2);
		const title = score.detail ?? score.error;
		return `<span class="${verdict}"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(score.scorer)} ${value}</span>`;
	});
	return `<pre>${output}</pre>${error}<div class="stats">${escapeHtml(figures.join(' · '))}</div><div class="stats">${scores.join(' ')}</div>`;
}

function number(text: string): string {
	return `<td class="number">${escapeHtml(text)}</td>`;
}

function percent(share: number): string {
	return `${(share * 100).toFixed(1)}%`;
}

function usd(value: number | undefined): string {
	if (value === undefined) {
		return '–';
	}
	return `$${value.toFixed(value > 0 && value < 0.01 ? 6 : 4)}`;
}
