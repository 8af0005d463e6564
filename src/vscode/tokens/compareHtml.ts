/**
 * HTML of the Compare Tokenizers panel: static tables without scripts. It takes plain data instead of `vscode` objects,
 * so tests can check the page without an editor.
 */

import type { InputCost, TokenizerCount } from '../../core/tokens/compare';
import { formatCost } from '../../webview/chat/format';
import { escapeHtml } from '../chat/chatHtml';

/** Models named in the "Used by" column before the rest are only counted. */
const MODELS_NAMED = 3;

/** Content of the panel. */
export interface TokenizerComparison {
	/** Description of the counted text: `Selection in src/a.ts` or `src/a.ts`. */
	source: string;
	/** Length of the text in UTF-16 code units. */
	characters: number;
	/** One row per tokenizer, in the order shown. */
	counts: TokenizerCount[];
	/** Input cost per priced model, cheapest first; undefined when `llmLab.showCost` is off. */
	costs?: InputCost[];
	/** Tokenizer of the selected model, highlighted in the table. */
	selectedEncoding?: string;
	/** Local models left out because their vocabulary is still loading or cannot be tokenized exactly. */
	unavailableModels?: string[];
}

/**
 * Builds the Content-Security-Policy: nothing may load, and the one inline style element needs the nonce. The page has
 * no scripts.
 */
export function buildComparisonCsp(nonce: string): string {
	return [`default-src 'none'`, `style-src 'nonce-${nonce}'`].join('; ');
}

/** Returns the panel's page. Every value from the text or the catalog is escaped. */
export function renderComparisonHtml(comparison: TokenizerComparison, nonce: string): string {
	const counts = comparison.counts.map((row) => countRow(row, comparison)).join('\n');
	return `<!DOCTYPE html>
<html lang="en">
<head>
	<meta charset="UTF-8">
	<meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildComparisonCsp(nonce))}">
	<meta name="viewport" content="width=device-width, initial-scale=1.0">
	<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
	<title>Compare Tokenizers</title>
</head>
<body>
	<h1>Compare Tokenizers</h1>
	<p class="source">${escapeHtml(comparison.source)} · ${comparison.characters.toLocaleString('en-US')} characters</p>
	<table id="counts">
		<thead><tr><th>Tokenizer</th><th class="number">Tokens</th><th class="number">Characters per token</th><th>Used by</th></tr></thead>
		<tbody>
${counts}
		</tbody>
	</table>
${unavailableNote(comparison.unavailableModels)}${costSection(comparison.costs)}
</body>
</html>`;
}

function countRow(row: TokenizerCount, comparison: TokenizerComparison): string {
	const perToken = row.tokens > 0 ? (comparison.characters / row.tokens).toFixed(2) : '–';
	const selected = row.encoding === comparison.selectedEncoding ? ' class="selected"' : '';
	return `			<tr${selected}><td><code>${escapeHtml(row.label)}</code></td><td class="number">${row.tokens.toLocaleString('en-US')}</td><td class="number">${perToken}</td><td class="models" title="${escapeHtml(row.models.join(', '))}">${escapeHtml(summarizeModels(row.models))}</td></tr>`;
}

function unavailableNote(models: string[] | undefined): string {
	if (!models?.length) {
		return '';
	}
	const names = escapeHtml(models.join(', '));
	return `\t<p class="note">Not listed, because their vocabulary is still loading or cannot be tokenized exactly: ${names}.</p>\n`;
}

/** Names up to three models and counts the rest, so that a long family list keeps the table narrow. */
function summarizeModels(models: readonly string[]): string {
	if (models.length === 0) {
		return '–';
	}
	if (models.length <= MODELS_NAMED) {
		return models.join(', ');
	}
	return `${models.slice(0, MODELS_NAMED).join(', ')} and ${models.length - MODELS_NAMED} more`;
}

function costSection(costs: InputCost[] | undefined): string {
	if (!costs) {
		return '\t<p class="note">Costs are hidden because the llmLab.showCost setting is off.</p>';
	}
	const rows = costs
		.map(
			(cost) =>
				`			<tr><td>${escapeHtml(cost.model)}</td><td><code>${escapeHtml(cost.encoding)}</code></td><td class="number">${cost.tokens.toLocaleString('en-US')}</td><td class="number">${escapeHtml(formatCost(cost.inputPerMillion))}</td><td class="number">${escapeHtml(formatCost(cost.cost))}</td></tr>`,
		)
		.join('\n');
	return `	<h2>Cost as input</h2>
	<table id="costs">
		<thead><tr><th>Model</th><th>Tokenizer</th><th class="number">Tokens</th><th class="number">Per million</th><th class="number">Cost</th></tr></thead>
		<tbody>
${rows}
		</tbody>
	</table>
	<p class="note">US dollars at the catalog's standard input prices, without cached-input or batch discounts. The chat framing of a real request adds a few tokens.</p>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 16px; }
h1 { font-size: 1.4em; font-weight: 600; }
h2 { font-size: 1.15em; font-weight: 600; margin-top: 24px; }
table { border-collapse: collapse; margin-top: 8px; width: 100%; }
th, td { padding: 4px 8px 4px 0; text-align: left; vertical-align: top; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.35)); }
th { font-weight: 600; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
td.number { white-space: nowrap; }
.models { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
tr.selected td:first-child, tr.selected td.number { font-weight: 600; }
code { font-family: var(--vscode-editor-font-family); white-space: nowrap; }
.source, .note { color: var(--vscode-descriptionForeground); }
`;
