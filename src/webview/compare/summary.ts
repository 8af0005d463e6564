/** The per-variant aggregates table above the grid. */

import { element } from './dom';
import { formatCost, formatCount, formatDuration, formatPercent, formatScore } from './format';
import type { VariantSummary } from './protocol';
import { type CompareStrings, formatString } from './strings';

/** Fills `table` with one row per variant. Figures that no call has yet show as a dash. */
export function renderSummary(table: HTMLTableElement, summaries: readonly VariantSummary[], strings: CompareStrings): void {
	const headings = [
		strings.variantColumn,
		strings.passRateColumn,
		strings.meanScoreColumn,
		strings.callsColumn,
		strings.promptTokensColumn,
		strings.completionTokensColumn,
		strings.firstTokenColumn,
		strings.p50Column,
		strings.p95Column,
		strings.costColumn,
		strings.per1000Column,
		strings.judgeCostColumn,
		strings.perplexityColumn,
	];
	const head = element('thead', {}, [element('tr', {}, headings.map((text) => element('th', { text, attributes: { scope: 'col' } })))]);
	const body = element('tbody');
	for (const summary of summaries) {
		body.append(summaryRow(summary, strings));
	}
	const estimated = summaries.some((summary) => summary.tokensEstimated);
	const caption = element('caption', { text: estimated ? `${strings.summaryCaption} ${strings.estimatedNote}` : strings.summaryCaption });
	table.replaceChildren(caption, head, body);
}

function summaryRow(summary: VariantSummary, strings: CompareStrings): HTMLTableRowElement {
	const dash = '–';
	const mark = summary.tokensEstimated ? `${strings.estimatedMark} ` : '';
	const tokens = (value: number | undefined) => (value === undefined ? dash : `${mark}${formatCount(Math.round(value))}`);
	const duration = (value: number | undefined) => (value === undefined ? dash : formatDuration(value));
	const cost = (value: number | undefined) => (value === undefined ? dash : formatCost(value));

	const name = element('th', { attributes: { scope: 'row', title: summary.model } }, [
		element('span', { text: summary.label }),
		element('span', { className: 'column-model', text: summary.model }),
	]);
	const passRate = element('td', {
		text: summary.passRate === undefined ? dash : formatString(strings.passRateFigure, formatPercent(summary.passRate), summary.passed, summary.judged),
	});
	const scorers = Object.entries(summary.scorers).map(([id, scorer]) => `${id}: ${formatPercent(scorer.passRate)}`);
	if (scorers.length > 0) {
		passRate.title = scorers.join('\n');
	}

	const calls = summary.errors > 0 ? formatString(strings.callsWithErrors, summary.calls, summary.errors) : String(summary.calls);
	const judgeTokens = summary.judgePromptTokens + summary.judgeCompletionTokens;
	const judgeCost = element('td', { text: cost(summary.judgeCostUsd) });
	if (judgeTokens > 0) {
		judgeCost.title = formatString(strings.judgeTokensTitle, formatCount(summary.judgePromptTokens), formatCount(summary.judgeCompletionTokens));
	}

	return element('tr', { attributes: { 'data-variant': summary.variant } }, [
		name,
		passRate,
		element('td', { text: summary.meanScore === undefined ? dash : formatScore(summary.meanScore) }),
		element('td', { text: calls }),
		element('td', { text: tokens(summary.promptTokensPerCall) }),
		element('td', { text: tokens(summary.completionTokensPerCall) }),
		element('td', { text: duration(summary.firstTokenP50Ms) }),
		element('td', { text: duration(summary.latencyP50Ms) }),
		element('td', { text: duration(summary.latencyP95Ms) }),
		element('td', { text: cost(summary.costUsd) }),
		element('td', { text: cost(summary.costPer1000CallsUsd) }),
		judgeCost,
		element('td', { text: summary.meanPerplexity === undefined ? dash : summary.meanPerplexity.toFixed(2) }),
	]);
}
