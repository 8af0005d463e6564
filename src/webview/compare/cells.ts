/** One results cell: a variant's output for a row, with its figures and scores. */

import { renderDiff, wordDiff } from './diff';
import { element } from './dom';
import { formatCost, formatCount, formatDuration, formatScore } from './format';
import type { RunRecord } from './protocol';
import { type CompareStrings, formatString } from './strings';
import type { ViewMode } from './vscodeApi';

/** The content of a cell, and the text its output is compared with. */
export interface CellContent {
	record?: RunRecord;
	/** Text streamed so far while the call is in flight. */
	streaming?: string;
	mode: ViewMode;
	expected?: string;
	/** Output of the variant the others are compared with in `diff-variant` mode. */
	baseOutput?: string;
	isBase: boolean;
}

/** Renders Markdown into sanitized nodes; the grid caches results, because rows are rebuilt as they scroll in. */
export type RenderMarkdown = (source: string) => DocumentFragment;

/** Fills `cell` with its content, replacing what it showed. */
export function renderCell(cell: HTMLElement, content: CellContent, markdown: RenderMarkdown, strings: CompareStrings): void {
	const { record, streaming } = content;
	const output = element('div', { className: 'cell-output' });
	const parts: HTMLElement[] = [output];
	if (streaming !== undefined) {
		cell.dataset.state = 'streaming';
		cell.setAttribute('aria-busy', 'true');
		output.classList.add('markdown');
		output.append(markdown(streaming));
	} else if (record) {
		cell.dataset.state = record.error ? 'failed' : 'done';
		cell.setAttribute('aria-busy', 'false');
		fillOutput(output, record, content, markdown);
		if (record.error) {
			parts.push(element('div', { className: 'cell-error', text: `${record.error.kind}: ${record.error.message}` }));
		}
		parts.push(statsLine(record, strings), scoresLine(record, strings));
	} else {
		cell.dataset.state = 'pending';
		cell.setAttribute('aria-busy', 'false');
		output.append(element('span', { className: 'muted', text: strings.notRunYet }));
	}
	cell.replaceChildren(...parts);
}

function fillOutput(output: HTMLElement, record: RunRecord, content: CellContent, markdown: RenderMarkdown): void {
	let against: string | undefined;
	if (content.mode === 'diff-expected') {
		against = content.expected;
	} else if (content.mode === 'diff-variant' && !content.isBase) {
		against = content.baseOutput;
	}
	if (against !== undefined) {
		output.classList.add('diff');
		output.append(renderDiff(wordDiff(against, record.output)));
	} else if (content.mode === 'output') {
		output.classList.add('markdown');
		output.append(markdown(record.output));
	} else {
		output.classList.add('plain');
		output.textContent = record.output;
	}
}

function statsLine(record: RunRecord, strings: CompareStrings): HTMLElement {
	const estimated = record.tokensEstimated ? ` ${strings.estimatedMark}` : '';
	const figures = [
		formatString(strings.tokensFigure, formatCount(record.promptTokens), formatCount(record.completionTokens)) + estimated,
		record.firstTokenMs === undefined ? undefined : formatString(strings.firstTokenFigure, formatDuration(record.firstTokenMs)),
		formatString(strings.latencyFigure, formatDuration(record.latencyMs)),
		record.costUsd === undefined ? undefined : formatCost(record.costUsd),
		record.logprobs ? formatString(strings.perplexityFigure, record.logprobs.perplexity.toFixed(2)) : undefined,
		record.attempts > 1 ? formatString(strings.attemptsFigure, record.attempts) : undefined,
		record.finishReason === 'length' ? strings.cutAtMaxTokens : undefined,
	].filter((figure): figure is string => figure !== undefined);
	const line = element('div', { className: 'cell-stats' });
	for (const figure of figures) {
		line.append(element('span', { text: figure }));
	}
	if (record.tokensEstimated) {
		line.title = strings.estimatedTitle;
	}
	return line;
}

function scoresLine(record: RunRecord, strings: CompareStrings): HTMLElement {
	const line = element('div', { className: 'cell-scores' });
	for (const score of record.scores) {
		let verdict = score.pass ? 'pass' : 'fail';
		if (score.error !== undefined) {
			verdict = 'error';
		}
		const value = score.error !== undefined ? strings.scoreError : formatScore(score.score);
		const badge = element('span', { className: `score score-${verdict}`, text: `${score.scorer} ${value}` });
		const title = score.error ?? score.detail;
		if (title) {
			badge.title = title;
		}
		line.append(badge);
	}
	return line;
}
