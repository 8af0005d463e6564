/** Entry point of the Compare panel's page. It finds the elements from `renderCompareHtml` and routes host messages. */

import { createMarkdownRenderer, readCodeBlock } from '../chat/markdown';
import { defaultChatStrings } from '../chat/strings';
import { BreakEvenSection } from './breakEven';
import { element } from './dom';
import { ResultsGrid } from './grid';
import { InputForm, renderDataset } from './inputForm';
import { clearNotice, showNotice, showResumeOffer } from './notices';
import type { ComparisonDraft, DatasetView, HostToWebview, RunView, RunViewStatus } from './protocol';
import { scorerTypeOptions, ScorersForm } from './scorersForm';
import { type CompareStrings, defaultCompareStrings, formatString } from './strings';
import { renderSummary } from './summary';
import { VariantsForm } from './variantsForm';
import { acquireHostApi, type CompareViewState, type ViewMode } from './vscodeApi';
import { formatCost } from './format';

/** Wait after the last edit of the form before sending the draft to the host, in milliseconds. */
const DRAFT_POST_DELAY_MS = 300;

function findElement<T extends HTMLElement>(id: string): T {
	const found = document.getElementById(id);
	if (!found) {
		throw new Error(`The Compare panel page has no element #${id}, so renderCompareHtml and main.ts do not match.`);
	}
	return found as T;
}

/** Reads the localised strings that the host put on `<body data-strings>`. */
function readStrings(): CompareStrings {
	const json = document.body.dataset.strings;
	return json ? { ...defaultCompareStrings, ...(JSON.parse(json) as Partial<CompareStrings>) } : defaultCompareStrings;
}

function statusText(status: RunViewStatus, strings: CompareStrings): string {
	const texts: Record<RunViewStatus, string> = {
		running: strings.statusRunning,
		completed: strings.statusCompleted,
		cancelled: strings.statusCancelled,
		failed: strings.statusFailed,
	};
	return texts[status];
}

function start(): void {
	const api = acquireHostApi();
	const strings = readStrings();
	const viewState: CompareViewState = api.getState() ?? { viewMode: 'output' };
	let draft: ComparisonDraft = { variants: [], scorers: [] };
	let dataset: DatasetView | undefined;
	let run: RunView | undefined;
	let draftTimer: ReturnType<typeof setTimeout> | undefined;

	const notices = findElement('notices');
	const resume = findElement('resume');
	const results = findElement('results');
	const runStatus = findElement('run-status');
	const runProgress = findElement('run-progress');
	const stop = findElement<HTMLButtonElement>('stop');
	const viewMode = findElement<HTMLSelectElement>('view-mode');
	const diffBase = findElement<HTMLSelectElement>('diff-base');
	const diffBaseField = findElement('diff-base-field');
	const concurrency = findElement<HTMLInputElement>('concurrency');
	const runButtons = [findElement<HTMLButtonElement>('run-input'), findElement<HTMLButtonElement>('run-dataset')];

	const postDraftNow = () => {
		clearTimeout(draftTimer);
		draftTimer = undefined;
		api.postMessage({ type: 'draft/changed', draft });
	};
	const draftEdited = () => {
		inputForm.setDraft(draft);
		renderDataset(findElement('dataset'), dataset, draft, strings);
		clearTimeout(draftTimer);
		draftTimer = setTimeout(postDraftNow, DRAFT_POST_DELAY_MS);
	};
	const variantsForm = new VariantsForm(findElement('variants'), strings, api, draftEdited);
	const scorersForm = new ScorersForm(findElement('scorers'), strings, draftEdited);
	const inputForm = new InputForm(findElement('input-fields'), strings, (input) => api.postMessage({ type: 'input/changed', input }));
	const markdown = createMarkdownRenderer(defaultChatStrings);
	const grid = new ResultsGrid(findElement('grid'), (source) => markdown.render(source), strings);
	const breakEven = new BreakEvenSection(findElement('break-even'), strings, api);

	function setDraft(next: ComparisonDraft, variantsFile?: string): void {
		draft = next;
		variantsForm.setDraft(draft);
		scorersForm.setDraft(draft);
		inputForm.setDraft(draft);
		renderDataset(findElement('dataset'), dataset, draft, strings);
		concurrency.value = typeof draft.concurrency === 'number' ? String(draft.concurrency) : '';
		concurrency.placeholder = typeof draft.concurrency === 'object' ? strings.concurrencyPerProvider : '4';
		if (variantsFile !== undefined) {
			findElement('variants-file').textContent = formatString(strings.variantsFile, variantsFile);
		}
	}

	function showRun(next: RunView): void {
		run = next;
		results.hidden = false;
		findElement('run-title').textContent = formatString(strings.runTitle, next.label, new Date(next.createdAt).toLocaleString());
		diffBase.replaceChildren(...next.variants.map((variant) => new Option(variant.label, variant.id)));
		if (viewState.diffBase && next.variants.some((variant) => variant.id === viewState.diffBase)) {
			diffBase.value = viewState.diffBase;
		}
		const warnings = [...next.warnings, ...(next.error ? [next.error] : [])];
		findElement('run-warnings').replaceChildren(...warnings.map((text) => element('p', { className: 'field-problem', text })));
		grid.setMode(viewState.viewMode, diffBase.value || undefined);
		grid.show(next);
		renderSummary(findElement('summary'), next.summaries, strings);
		updateStatus();
	}

	function updateStatus(): void {
		if (!run) {
			return;
		}
		const running = run.status === 'running';
		runStatus.textContent = statusText(run.status, strings);
		runStatus.dataset.status = run.status;
		const { done, total, failed, costUsd } = run.progress;
		const parts = [formatString(strings.progress, done, total)];
		if (failed > 0) {
			parts.push(formatString(strings.progressFailed, failed));
		}
		if (costUsd > 0) {
			parts.push(formatCost(costUsd));
		}
		runProgress.textContent = parts.join(' · ');
		stop.hidden = !running;
		for (const runButton of runButtons) {
			runButton.disabled = running;
		}
		findElement<HTMLButtonElement>('export-csv').disabled = !run.runFile || running;
		findElement<HTMLButtonElement>('export-html').disabled = !run.runFile || running;
	}

	function handleHostMessage(message: HostToWebview): void {
		switch (message.type) {
			case 'panel/init':
				dataset = message.dataset;
				setDraft(message.draft, message.variantsFile);
				variantsForm.setModels(message.models);
				scorersForm.setModels(message.models);
				inputForm.setInput(message.input);
				showResumeOffer(resume, message.resume, api, strings);
				if (message.run) {
					showRun(message.run);
				}
				if (message.breakEven) {
					breakEven.show(message.breakEven);
				}
				break;
			case 'models/update': {
				variantsForm.setModels(message.models);
				scorersForm.setModels(message.models);
				const errors = findElement('model-errors');
				errors.hidden = message.modelErrors.length === 0;
				errors.textContent = formatString(strings.modelErrors, message.modelErrors.join('; '));
				break;
			}
			case 'draft/set':
				setDraft(message.draft, message.variantsFile);
				break;
			case 'input/set':
				inputForm.setInput(message.input);
				break;
			case 'dataset/set':
				dataset = message.dataset;
				renderDataset(findElement('dataset'), dataset, draft, strings);
				break;
			case 'fewShot/chosen':
				variantsForm.setFewShotFile(message.variantId, message.file, message.available);
				break;
			case 'run/show':
				showRun(message.run);
				break;
			case 'run/deltas':
				if (run?.runId === message.runId) {
					grid.applyDeltas(message.deltas);
				}
				break;
			case 'run/records':
				if (run?.runId === message.runId) {
					run.progress = message.progress;
					grid.applyRecords(message.records);
					renderSummary(findElement('summary'), message.summaries, strings);
					updateStatus();
				}
				break;
			case 'run/finished':
				if (run?.runId === message.runId) {
					run.status = message.status;
					run.error = message.error;
					grid.finish();
					renderSummary(findElement('summary'), message.summaries, strings);
					updateStatus();
				}
				break;
			case 'resume/offer':
				showResumeOffer(resume, message.offer, api, strings);
				break;
			case 'breakEven/show':
				breakEven.show(message.view);
				break;
			case 'notice/show':
				showNotice(notices, message.notice, api, strings);
				break;
			case 'notice/clear':
				clearNotice(notices);
				break;
		}
	}

	window.addEventListener('message', (event: MessageEvent<HostToWebview>) => handleHostMessage(event.data));

	for (const option of scorerTypeOptions(strings)) {
		findElement('scorer-type').append(new Option(option.label, option.value));
	}
	const on = (id: string, handler: () => void) => findElement(id).addEventListener('click', handler);
	on('load-variants', () => api.postMessage({ type: 'draft/load' }));
	on('save-variants', () => {
		postDraftNow();
		api.postMessage({ type: 'draft/save' });
	});
	on('refresh-models', () => api.postMessage({ type: 'models/refresh' }));
	on('add-variant', () => variantsForm.addVariant());
	on('add-scorer', () => scorersForm.addScorer(findElement<HTMLSelectElement>('scorer-type').value as Parameters<ScorersForm['addScorer']>[0]));
	on('choose-dataset', () => api.postMessage({ type: 'dataset/choose' }));
	on('run-input', () => {
		postDraftNow();
		api.postMessage({ type: 'run/start', mode: 'input' });
	});
	on('run-dataset', () => {
		postDraftNow();
		api.postMessage({ type: 'run/start', mode: 'dataset' });
	});
	on('stop', () => api.postMessage({ type: 'run/stop' }));
	on('use-variants', () => api.postMessage({ type: 'run/useVariants' }));
	on('export-csv', () => api.postMessage({ type: 'run/export', format: 'csv' }));
	on('export-html', () => api.postMessage({ type: 'run/export', format: 'html' }));

	concurrency.addEventListener('input', () => {
		const value = concurrency.valueAsNumber;
		if (concurrency.value === '') {
			draft.concurrency = undefined;
		} else if (Number.isInteger(value) && value >= 1) {
			draft.concurrency = value;
		} else {
			return;
		}
		clearTimeout(draftTimer);
		draftTimer = setTimeout(postDraftNow, DRAFT_POST_DELAY_MS);
	});

	viewMode.value = viewState.viewMode;
	diffBaseField.hidden = viewState.viewMode !== 'diff-variant';
	const modeChanged = () => {
		viewState.viewMode = viewMode.value as ViewMode;
		viewState.diffBase = diffBase.value || undefined;
		diffBaseField.hidden = viewState.viewMode !== 'diff-variant';
		api.setState(viewState);
		grid.setMode(viewState.viewMode, viewState.diffBase);
	};
	viewMode.addEventListener('change', modeChanged);
	diffBase.addEventListener('change', modeChanged);

	findElement('grid').addEventListener('click', (event) => {
		const copyButton = event.target instanceof Element ? event.target.closest('button.copy-code') : null;
		if (copyButton) {
			api.postMessage({ type: 'clipboard/write', text: readCodeBlock(copyButton) });
		}
	});
	window.addEventListener('pagehide', () => {
		if (draftTimer !== undefined) {
			postDraftNow();
		}
	});

	api.postMessage({ type: 'webview/ready' });
}

start();
