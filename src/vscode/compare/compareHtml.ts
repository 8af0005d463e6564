/**
 * HTML of the Compare panel's page. It takes plain strings instead of `vscode` objects, so tests can serve the same
 * page from a local HTTP server.
 */

import { type CompareStrings, defaultCompareStrings } from '../../webview/compare/strings';
import { escapeHtml } from '../chat/chatHtml';

export interface CompareHtmlOptions {
	/** `webview.cspSource`: the origin that serves the extension's local resources. */
	cspSource: string;
	/** Nonce from `createNonce()`, new for each page load. */
	nonce: string;
	/** URI of `out/webview/compare.js` as the webview may load it. */
	scriptUri: string;
	/** URI of `media/compare.css`. */
	styleUri: string;
	/** Localised text. Missing keys fall back to English. */
	strings?: Partial<CompareStrings>;
	/** BCP 47 language tag of the page. @default 'en' */
	language?: string;
}

/**
 * Builds the Content-Security-Policy: scripts only by nonce, styles only from the extension, and nothing else. Model
 * output may contain image Markdown, which the renderer turns into links, so the page needs no image source.
 */
export function buildCompareCsp(cspSource: string, nonce: string): string {
	return [`default-src 'none'`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `font-src ${cspSource}`].join('; ');
}

export function renderCompareHtml(options: CompareHtmlOptions): string {
	const strings: CompareStrings = { ...defaultCompareStrings, ...options.strings };
	const text = (key: keyof CompareStrings) => escapeHtml(String(strings[key]));
	return `<!DOCTYPE html>
<html lang="${escapeHtml(options.language ?? 'en')}">
<head>
	<meta charset="UTF-8">
	<meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildCompareCsp(options.cspSource, options.nonce))}">
	<meta name="viewport" content="width=device-width, initial-scale=1.0">
	<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
	<title>${text('title')}</title>
</head>
<body data-strings="${escapeHtml(JSON.stringify(strings))}">
	<header class="toolbar">
		<h1>${text('title')}</h1>
		<span id="variants-file" class="muted"></span>
		<span class="spacer"></span>
		<button type="button" id="load-variants" class="secondary">${text('loadVariants')}</button>
		<button type="button" id="save-variants" class="secondary">${text('saveVariants')}</button>
		<button type="button" id="refresh-models" class="secondary">${text('refreshModels')}</button>
	</header>
	<div id="notices" class="notices" hidden></div>
	<div id="resume" class="notices" hidden></div>
	<details id="setup" class="setup" open>
		<summary>${text('variantsHeading')}</summary>
		<div id="model-errors" class="muted" hidden></div>
		<div id="variants" class="variants"></div>
		<div class="row-actions"><button type="button" id="add-variant" class="secondary">${text('addVariant')}</button></div>
	</details>
	<details id="scorers-section" class="setup" open>
		<summary>${text('scorersHeading')}</summary>
		<div id="scorers" class="scorers"></div>
		<div class="row-actions">
			<select id="scorer-type" aria-label="${text('scorerTypeLabel')}"></select>
			<button type="button" id="add-scorer" class="secondary">${text('addScorer')}</button>
		</div>
	</details>
	<section class="run-setup">
		<div class="run-pane">
			<h2>${text('inputHeading')}</h2>
			<div id="input-fields" class="input-fields"></div>
			<div class="row-actions"><button type="button" id="run-input">${text('runInput')}</button></div>
		</div>
		<div class="run-pane">
			<h2>${text('datasetHeading')}</h2>
			<div id="dataset" class="dataset"></div>
			<div class="row-actions">
				<button type="button" id="choose-dataset" class="secondary">${text('chooseDataset')}</button>
				<label class="field narrow"><span class="field-label">${text('concurrency')}</span>
					<input type="number" id="concurrency" min="1" step="1" placeholder="4"></label>
				<button type="button" id="run-dataset">${text('runDataset')}</button>
			</div>
		</div>
	</section>
	<section id="results" class="results" hidden>
		<div class="results-toolbar">
			<h2 id="run-title"></h2>
			<span id="run-status" class="run-status"></span>
			<span id="run-progress" class="run-progress" role="status"></span>
			<span class="spacer"></span>
			<button type="button" id="stop" class="secondary" hidden>${text('stop')}</button>
			<label class="inline-field">${text('show')}
				<select id="view-mode">
					<option value="output">${text('viewOutput')}</option>
					<option value="diff-expected">${text('viewDiffExpected')}</option>
					<option value="diff-variant">${text('viewDiffVariant')}</option>
				</select></label>
			<label id="diff-base-field" class="inline-field" hidden>${text('diffBase')} <select id="diff-base"></select></label>
			<button type="button" id="use-variants" class="secondary">${text('useVariants')}</button>
			<button type="button" id="export-csv" class="secondary">${text('exportCsv')}</button>
			<button type="button" id="export-html" class="secondary">${text('exportHtml')}</button>
		</div>
		<div id="run-warnings" class="run-warnings"></div>
		<table id="summary" class="summary"></table>
		<section id="break-even" class="break-even" hidden></section>
		<div id="grid" class="grid"></div>
	</section>
	<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}
