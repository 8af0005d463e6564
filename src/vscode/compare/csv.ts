/** Exports a run as CSV (RFC 4180): one line per (row, variant) record, with a column per scorer. */

import { scorerId } from '../../core/compare/scorers';
import type { RunHeader, RunRecord } from '../../core/compare/types';
import type { RowView } from '../../webview/compare/protocol';

/** A cell that a spreadsheet would run as a formula. A plain signed number is left alone. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * Builds the CSV of a run. `rows` adds the dataset's input column when the dataset could be read. Text cells that
 * start like a formula (`=`, `+`, `-`, `@`) get a leading `'`, so a spreadsheet shows model output as text instead of
 * running it; plain numbers such as `-3` are kept as they are.
 */
export function runToCsv(header: RunHeader, records: readonly RunRecord[], rows?: readonly RowView[]): string {
	const scorers = header.scorers.map(scorerId);
	const variants = new Map(header.variants.map((variant) => [variant.id, variant]));
	const inputs = new Map(rows?.map((row) => [row.index, row.input]));
	const columns = [
		'row',
		'variant',
		'model',
		...(rows ? ['input'] : []),
		'expected',
		'output',
		'error',
		'pass',
		...scorers.map((id) => `score:${id}`),
		'prompt_tokens',
		'completion_tokens',
		'tokens_estimated',
		'first_token_ms',
		'latency_ms',
		'cost_usd',
		'judge_cost_usd',
		'perplexity',
		'attempts',
		'finish_reason',
	];
	const lines = [columns.map(quote).join(',')];
	for (const record of records) {
		const scores = new Map(record.scores.map((score) => [score.scorer, score]));
		const judgeCost = record.scores.reduce((total, score) => total + (score.judgeUsage?.costUsd ?? 0), 0);
		const cells = [
			String(record.row + 1),
			text(record.variant),
			text(variants.get(record.variant)?.model ?? ''),
			...(rows ? [text(inputs.get(record.row) ?? '')] : []),
			text(record.expected ?? ''),
			text(record.output),
			text(record.error ? `${record.error.kind}: ${record.error.message}` : ''),
			record.pass === undefined ? '' : String(record.pass),
			...scorers.map((id) => {
				const score = scores.get(id);
				return score === undefined || score.error !== undefined ? '' : String(score.score);
			}),
			String(record.promptTokens),
			String(record.completionTokens),
			String(record.tokensEstimated),
			record.firstTokenMs === undefined ? '' : String(record.firstTokenMs),
			String(record.latencyMs),
			record.costUsd === undefined ? '' : String(record.costUsd),
			judgeCost > 0 ? String(judgeCost) : '',
			record.logprobs ? String(record.logprobs.perplexity) : '',
			String(record.attempts),
			record.finishReason,
		];
		lines.push(cells.map(quote).join(','));
	}
	return `${lines.join('\r\n')}\r\n`;
}

/** Defuses a text cell that a spreadsheet would read as a formula. */
function text(value: string): string {
	return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** Quotes a cell when it contains a comma, a quote or a line break, doubling its quotes. */
function quote(cell: string): string {
	return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
