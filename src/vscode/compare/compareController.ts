/**
 * The Compare panel's host side: the draft the form edits, the input and dataset, the run shown, resume offers and the
 * break-even. The page renders what this sends; the state lives here, so closing the panel loses nothing.
 */

import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { readRunFile, RUNS_FOLDER, createRunId } from '../../core/compare/runFile';
import { CompareInputError, TemplateVariableError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { baseOfFineTuned } from '../../core/models/catalog';
import { parseModelId } from '../../core/models/profile';
import type {
	ComparisonDraft,
	HostToWebview,
	ModelChoice,
	PanelNotice,
	ResumeOffer,
	Variant,
	VariantParameters,
	WebviewToHost,
} from '../../webview/compare/protocol';
import type { ModelRegistry } from '../models';
import { type BreakEvenRequest, breakEvenView, DEFAULT_BREAK_EVEN } from './breakEvenView';
import { CompareRunner, type RunOutcome, RunStartError } from './compareRunner';
import { type OpenDataset, openDataset, openRunDataset, parseDatasetUri, pickWorkspaceFile, runRowViews } from './datasets';
import { loadCompareEngine } from './engineBundle';
import { canonicalScorer, providersForFile, singleInputRow, variantsForRun } from './prepare';
import { findResumableRun } from './resume';
import { rowViews, RunState } from './runState';
import { draftToVariantsFile, variantsFileToDraft } from './variantsJson';

const DRAFT_KEY = 'llmLab.compare.draft';
const INPUT_KEY = 'llmLab.compare.input';
const DATASET_KEY = 'llmLab.compare.dataset';

/** Wait after the last draft edit before looking for a run file to resume, in milliseconds. */
const RESUME_CHECK_DELAY_MS = 500;
/** Minimum time between two break-even updates while a run streams records, in milliseconds. */
const BREAK_EVEN_INTERVAL_MS = 1000;

/** Commands the page may run through `command/run`; anything else is rejected and logged. */
const ALLOWED_COMMANDS = new Set(['llmLab.setApiKey', 'llmLab.showLog', 'llmLab.refreshModels', 'workbench.action.openSettings']);

/**
 * Returns the parameters the chat sends: `llmLab.maxTokens` and `llmLab.temperature`. New variants start with them,
 * because a variant without a reply limit lets a model write until its context window is full.
 */
export function chatParameters(registry: ModelRegistry): VariantParameters {
	const settings = registry.settings();
	return { maxTokens: settings.maxTokens, ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}) };
}

/** The argument of `llmLab.compareModels`. */
export interface CompareModelsArgs {
	/**
	 * Replace the panel's variants. As in the core's `Variant`, `examples` may already end with the examples picked
	 * from `examplesFrom`: when it has at least `examplesFrom.count` of them, they are kept as typed examples. Otherwise
	 * the examples are picked from `examplesFrom.file`, relative to the workspace folder, when a run starts.
	 */
	variants?: Variant[];
	/** Values of the template variables for a single-input run; `expected` is the expected output. */
	input?: Record<string, string>;
	/** The dataset to run on: a URI string, or a path relative to the first workspace folder. */
	datasetUri?: string;
}

export class CompareController implements vscode.Disposable {
	private draft: ComparisonDraft;
	private input: Record<string, string>;
	private dataset: OpenDataset | undefined;
	/** The dataset of the last session, read when the panel first opens so activation does not load the engine. */
	private savedDatasetUri: string | undefined;
	private variantsFile: vscode.Uri | undefined;
	/** The run the panel shows: the live one, or one opened from its file. */
	private displayedRun: RunState | undefined;
	private resumeOffer: ResumeOffer | undefined;
	private breakEvenRequest: BreakEvenRequest;
	private post: ((message: HostToWebview) => void) | undefined;
	private resumeTimer: ReturnType<typeof setTimeout> | undefined;
	private breakEvenTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly runner: CompareRunner;

	constructor(
		private readonly registry: ModelRegistry,
		private readonly logger: Logger,
		private readonly workspaceState: vscode.Memento,
		/** Opens the panel, for the "Show Results" button of a run that finished while it was closed. */
		private readonly reveal: () => void,
	) {
		this.draft = workspaceState.get<ComparisonDraft>(DRAFT_KEY) ?? this.defaultDraft();
		this.input = workspaceState.get<Record<string, string>>(INPUT_KEY) ?? { input: '' };
		this.breakEvenRequest = { settings: this.draft.breakEven ?? DEFAULT_BREAK_EVEN };
		this.runner = new CompareRunner(
			registry,
			logger,
			(state) => (message) => this.postRunMessage(state(), message),
			(state) => this.showRun(state),
		);
		this.savedDatasetUri = workspaceState.get<string>(DATASET_KEY);
	}

	dispose(): void {
		clearTimeout(this.resumeTimer);
		clearTimeout(this.breakEvenTimer);
		this.runner.dispose();
	}

	/** Connects the page; it receives the whole state once it posts `webview/ready`. */
	attach(post: (message: HostToWebview) => void): vscode.Disposable {
		this.post = post;
		return new vscode.Disposable(() => {
			if (this.post === post) {
				this.post = undefined;
			}
		});
	}

	/** Applies the argument of `llmLab.compareModels`. */
	async open(args: CompareModelsArgs = {}): Promise<void> {
		if (args.variants) {
			this.setDraft({ ...this.draft, variants: args.variants.map(draftVariantOf) });
			this.send({ type: 'draft/set', draft: this.draft });
		}
		if (args.input) {
			this.input = { ...args.input };
			void this.workspaceState.update(INPUT_KEY, this.input);
			this.send({ type: 'input/set', input: this.input });
		}
		if (args.datasetUri) {
			await this.setDataset(parseDatasetUri(args.datasetUri), true);
		}
	}

	async handle(message: WebviewToHost): Promise<void> {
		switch (message.type) {
			case 'webview/ready':
				await this.sendInit();
				break;
			case 'draft/changed':
				this.setDraft(message.draft);
				break;
			case 'input/changed':
				this.input = message.input;
				void this.workspaceState.update(INPUT_KEY, this.input);
				break;
			case 'draft/save':
				await this.saveVariantsFile();
				break;
			case 'draft/load':
				await this.loadVariantsFile();
				break;
			case 'fewShot/choose':
				await this.chooseFewShotFile(message.variantId);
				break;
			case 'dataset/choose': {
				const uri = await pickWorkspaceFile('LLM Lab: Dataset to Compare On');
				if (uri) {
					await this.setDataset(uri, true);
				}
				break;
			}
			case 'run/start':
				await this.start(message.mode);
				break;
			case 'run/resume':
				await this.resume(message.runFile);
				break;
			case 'run/stop':
				this.runner.stop();
				break;
			case 'run/export':
				if (this.displayedRun?.runFile) {
					const root = this.workspaceRoot();
					const file = root ? vscode.Uri.file(resolve(root, this.displayedRun.runFile)) : undefined;
					await vscode.commands.executeCommand(message.format === 'csv' ? 'llmLab.runs.exportCsv' : 'llmLab.runs.exportHtml', file);
				}
				break;
			case 'run/useVariants':
				this.useShownVariants();
				break;
			case 'breakEven/compute':
				this.breakEvenRequest = { fineTuned: message.fineTuned, prompted: message.prompted, settings: message.settings };
				this.setDraft({ ...this.draft, breakEven: message.settings }, false);
				this.sendBreakEven();
				break;
			case 'models/refresh':
				await this.sendModels(true);
				break;
			case 'command/run':
				await this.runCommand(message.command, message.args ?? []);
				break;
			case 'clipboard/write':
				await vscode.env.clipboard.writeText(message.text);
				break;
		}
	}

	/**
	 * Runs the draft on the single input or on the dataset. Resolves when the run has ended, with its outcome, or with
	 * undefined when it could not start; the reason is then shown in the panel.
	 */
	async start(mode: 'input' | 'dataset'): Promise<RunOutcome | undefined> {
		try {
			const root = this.requireWorkspaceRoot();
			const engine = loadCompareEngine();
			this.validateDraft(root);
			const variants = await variantsForRun(this.draft.variants, root, engine);
			const scorers = this.draft.scorers.map(canonicalScorer);
			const { rows, views, label, dataset } = await this.rowsFor(mode);
			const runId = createRunId();
			this.send({ type: 'notice/clear' });
			return await this.finishRun(
				this.runner.run({
					runId,
					runFile: join(root, RUNS_FOLDER, `${runId}.jsonl`),
					workspaceRoot: root,
					label,
					createdAt: new Date().toISOString(),
					variants,
					scorers,
					rows,
					rowViews: views,
					...(dataset ? { dataset } : {}),
					resume: false,
					concurrency: this.draft.concurrency,
					progressLocation: mode === 'dataset' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
				}),
			);
		} catch (error) {
			this.showStartError(error);
			return undefined;
		}
	}

	/** Finishes an unfinished run file with the variants, scorers and dataset its header names. */
	async resume(runFile: string): Promise<RunOutcome | undefined> {
		try {
			const root = this.requireWorkspaceRoot();
			const file = isAbsolute(runFile) ? runFile : resolve(root, runFile);
			if (relative(join(root, RUNS_FOLDER), file).startsWith('..')) {
				throw new RunStartError(`${runFile} is not in the workspace's ${RUNS_FOLDER} folder.`);
			}
			const { header, records } = await readRunFile(file);
			const opened = await openRunDataset(header);
			this.send({ type: 'notice/clear' });
			return await this.finishRun(
				this.runner.run({
					runId: header.runId,
					runFile: file,
					workspaceRoot: root,
					label: basename(header.dataset?.path ?? 'dataset'),
					createdAt: header.createdAt,
					variants: header.variants,
					scorers: header.scorers,
					rows: opened.loaded.rows,
					rowViews: rowViews(opened.loaded.rows),
					dataset: opened.loaded.info,
					resume: true,
					previous: records,
					concurrency: this.draft.concurrency,
					progressLocation: vscode.ProgressLocation.Notification,
				}),
			);
		} catch (error) {
			this.showStartError(error);
			return undefined;
		}
	}

	/** Shows a run file in the panel: the live run when it is the file being written, else the file's records. */
	async showRunFile(uri: vscode.Uri): Promise<void> {
		const live = this.runner.liveState();
		if (live && this.runner.liveRunFile() === uri.fsPath) {
			this.showRun(live);
			return;
		}
		const { header, records } = await readRunFile(uri.fsPath);
		const views = await runRowViews(header, records, this.logger);
		const complete = records.filter((record) => record.error === undefined).length === views.length * header.variants.length;
		const root = this.workspaceRoot();
		const state = new RunState(
			{
				runId: header.runId,
				label: header.dataset?.path ? basename(header.dataset.path) : 'Single input',
				runFile: root ? relative(root, uri.fsPath).split('\\').join('/') : uri.fsPath,
				createdAt: header.createdAt,
				variants: header.variants,
				scorers: header.scorers,
				rows: views,
				status: complete ? 'completed' : 'cancelled',
				records,
			},
			(message) => this.postRunMessage(state, message),
		);
		this.showRun(state);
	}

	private async finishRun(running: Promise<RunOutcome>): Promise<RunOutcome> {
		const outcome = await running;
		this.scheduleResumeCheck();
		if (outcome.error) {
			this.send({ type: 'notice/show', notice: { severity: 'error', message: outcome.error, actions: [] } });
		}
		if (!this.post && outcome.status !== 'cancelled') {
			const summary = outcome.error ? `failed: ${outcome.error}` : outcome.status;
			void vscode.window.showInformationMessage(`LLM Lab: comparison ${summary}.`, 'Show Results').then((choice) => {
				if (choice) {
					this.reveal();
				}
			});
		}
		return outcome;
	}

	private showRun(state: RunState): void {
		if (this.displayedRun !== state && this.displayedRun !== this.runner.liveState()) {
			this.displayedRun?.dispose();
		}
		this.displayedRun = state;
		this.send({ type: 'run/show', run: state.view() });
		this.sendBreakEven();
	}

	/** Sends a run's message when that run is the one shown; a records batch also updates the break-even. */
	private postRunMessage(state: RunState | undefined, message: HostToWebview): void {
		if (!state || state !== this.displayedRun) {
			return;
		}
		this.send(message);
		if (message.type === 'run/finished') {
			this.sendBreakEven();
		} else if (message.type === 'run/records') {
			this.breakEvenTimer ??= setTimeout(() => {
				this.breakEvenTimer = undefined;
				this.sendBreakEven();
			}, BREAK_EVEN_INTERVAL_MS);
		}
	}

	private send(message: HostToWebview): void {
		this.post?.(message);
	}

	private async sendInit(): Promise<void> {
		if (this.savedDatasetUri) {
			const uri = vscode.Uri.parse(this.savedDatasetUri);
			this.savedDatasetUri = undefined;
			await this.setDataset(uri, false);
		}
		const root = this.workspaceRoot();
		this.send({
			type: 'panel/init',
			models: [],
			modelErrors: [],
			draft: this.draft,
			input: this.input,
			...(this.dataset ? { dataset: this.dataset.view } : {}),
			...(this.displayedRun ? { run: this.displayedRun.view() } : {}),
			...(this.resumeOffer ? { resume: this.resumeOffer } : {}),
			...(this.displayedRun ? { breakEven: this.computeBreakEven(this.displayedRun) } : {}),
			...(this.variantsFile && root ? { variantsFile: vscode.workspace.asRelativePath(this.variantsFile) } : {}),
		});
		await this.sendModels(false);
	}

	private async sendModels(refresh: boolean): Promise<void> {
		const listings = await this.registry.listAll(refresh);
		const models: ModelChoice[] = [];
		const modelErrors: string[] = [];
		for (const listing of listings) {
			if (listing.error !== undefined) {
				const reason = listing.error instanceof Error ? listing.error.message : String(listing.error);
				modelErrors.push(`${listing.provider.name}: ${reason}`);
			}
			for (const model of listing.models.filter((entry) => entry.chat)) {
				const price = this.registry.profile(model.id)?.price;
				models.push({
					id: model.id,
					name: model.name,
					providerName: listing.provider.name,
					...(price ? { price } : {}),
					fineTuned: baseOfFineTuned(model.name) !== undefined,
				});
			}
		}
		this.send({ type: 'models/update', models, modelErrors });
	}

	private sendBreakEven(): void {
		if (this.displayedRun) {
			this.send({ type: 'breakEven/show', view: this.computeBreakEven(this.displayedRun) });
		}
	}

	private computeBreakEven(state: RunState) {
		return breakEvenView(state.variants, state.summaries(), this.breakEvenRequest, (modelId) => this.registry.profile(modelId)?.price);
	}

	private setDraft(draft: ComparisonDraft, checkResume = true): void {
		this.draft = draft;
		void this.workspaceState.update(DRAFT_KEY, draft);
		if (checkResume) {
			this.scheduleResumeCheck();
		}
	}

	/** Two variants of the selected model, with the reply limit and temperature that the chat sends. */
	private defaultDraft(): ComparisonDraft {
		const model = this.registry.selectedModelId() ?? '';
		const label = (id: string) => parseModelId(id)?.name ?? id;
		const parameters = chatParameters(this.registry);
		return {
			variants: [
				{ id: 'a', label: model ? label(model) : 'A', model, parameters },
				{ id: 'b', label: 'B', model, parameters: { ...parameters } },
			],
			scorers: [],
		};
	}

	private async setDataset(uri: vscode.Uri, report: boolean): Promise<void> {
		this.savedDatasetUri = undefined;
		try {
			this.dataset = await openDataset(uri);
			void this.workspaceState.update(DATASET_KEY, uri.toString());
			this.send({ type: 'dataset/set', dataset: this.dataset.view });
			this.scheduleResumeCheck();
		} catch (error) {
			if (!(error instanceof CompareInputError)) {
				throw error;
			}
			this.dataset = undefined;
			void this.workspaceState.update(DATASET_KEY, undefined);
			this.send({ type: 'dataset/set' });
			if (report) {
				this.showNotice({ severity: 'error', message: error.message, actions: [] });
			}
		}
	}

	/** Returns the rows a run sends, with their grid view, its label and the dataset's identity. */
	private async rowsFor(mode: 'input' | 'dataset') {
		if (mode === 'input') {
			const row = singleInputRow(this.input);
			return { rows: [row], views: rowViews([row]), label: 'Single input', dataset: { rows: 1 } };
		}
		if (!this.dataset && this.savedDatasetUri) {
			await this.setDataset(vscode.Uri.parse(this.savedDatasetUri), true);
		}
		if (!this.dataset) {
			throw new RunStartError('Choose a dataset first: a JSONL or CSV file in the workspace.');
		}
		// Read again, so the run uses the file as it is now.
		const current = await openDataset(this.dataset.uri);
		this.dataset = current;
		this.send({ type: 'dataset/set', dataset: current.view });
		if (current.view.invalidRows > 0) {
			throw new RunStartError(
				`${current.view.label} has ${current.view.invalidRows} invalid row(s). ${current.view.firstProblem ?? ''} Fix them and run again.`,
				[{ label: 'Open Dataset', command: 'vscode.open', args: [current.uri.toString()] }],
			);
		}
		if (current.loaded.rows.length === 0) {
			throw new RunStartError(`${current.view.label} has no rows.`);
		}
		return { rows: current.loaded.rows, views: rowViews(current.loaded.rows), label: current.view.label, dataset: current.loaded.info };
	}

	private scheduleResumeCheck(): void {
		clearTimeout(this.resumeTimer);
		this.resumeTimer = setTimeout(() => {
			void this.checkResume().catch((error: unknown) => {
				this.logger.warn(`Looking for an unfinished run to resume failed: ${String(error)}`);
			});
		}, RESUME_CHECK_DELAY_MS);
	}

	private async checkResume(): Promise<void> {
		const root = this.workspaceRoot();
		let offer: ResumeOffer | undefined;
		if (root && this.dataset) {
			let variants: Variant[] | undefined;
			try {
				variants = await variantsForRun(this.draft.variants, root, loadCompareEngine());
			} catch (error) {
				// A few-shot file that cannot be read is reported when the run starts.
				if (!(error instanceof CompareInputError)) {
					throw error;
				}
			}
			if (variants) {
				const found = await findResumableRun(
					root,
					variants,
					this.draft.scorers.map(canonicalScorer),
					this.dataset.loaded.info.sha256 ?? '',
					this.dataset.loaded.rows.length,
					this.runner.liveRunFile(),
				);
				offer = found ? { ...found, runFile: relative(root, found.runFile).split('\\').join('/') } : undefined;
			}
		}
		if (offer?.runFile !== this.resumeOffer?.runFile) {
			this.resumeOffer = offer;
			this.send({ type: 'resume/offer', ...(offer ? { offer } : {}) });
		}
	}

	/** Checks the draft against the variants file schema, so that what runs could also be saved and read back. */
	private validateDraft(root: string): void {
		const file = draftToVariantsFile(this.draft, providersForFile(this.draft, this.registry.settings().providers), join(root, 'variants.json'), root);
		loadCompareEngine().parseVariantsFile(file, 'The comparison');
		if (this.draft.variants.some((variant) => !variant.model)) {
			throw new RunStartError('Choose a model for every variant.');
		}
	}

	private async saveVariantsFile(): Promise<void> {
		const root = this.requireWorkspaceRoot();
		const target = await vscode.window.showSaveDialog({
			title: 'LLM Lab: Save Variants',
			defaultUri: this.variantsFile ?? vscode.Uri.file(join(root, 'variants.json')),
			filters: { 'Variants file': ['json'] },
		});
		if (!target) {
			return;
		}
		const providers = providersForFile(this.draft, this.registry.settings().providers);
		const file = draftToVariantsFile(this.draft, providers, target.fsPath, root);
		try {
			loadCompareEngine().parseVariantsFile(file, basename(target.fsPath));
		} catch (error) {
			this.showStartError(error);
			return;
		}
		await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(file, null, '\t')}\n`));
		this.variantsFile = target;
		this.send({ type: 'draft/set', draft: this.draft, variantsFile: vscode.workspace.asRelativePath(target) });
		this.logger.info(`Saved ${this.draft.variants.length} variants to ${target.fsPath}.`);
	}

	private async loadVariantsFile(): Promise<void> {
		const root = this.requireWorkspaceRoot();
		const chosen = await vscode.window.showOpenDialog({
			title: 'LLM Lab: Load Variants',
			canSelectMany: false,
			defaultUri: this.variantsFile ?? vscode.Uri.file(root),
			filters: { 'Variants file': ['json'] },
		});
		const uri = chosen?.[0];
		if (uri) {
			await this.loadVariantsFrom(uri, root);
		}
	}

	/** Replaces the draft with a variants file. Shows what is invalid in the panel instead when it cannot be read. */
	async loadVariantsFrom(uri: vscode.Uri, root = this.requireWorkspaceRoot()): Promise<void> {
		try {
			const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
			let value: unknown;
			try {
				value = JSON.parse(text);
			} catch (cause) {
				throw new CompareInputError(`${vscode.workspace.asRelativePath(uri)} is not valid JSON: ${(cause as Error).message}`);
			}
			const definition = loadCompareEngine().parseVariantsFile(value, vscode.workspace.asRelativePath(uri));
			this.variantsFile = uri;
			this.setDraft(variantsFileToDraft(definition, uri.fsPath, root));
			this.send({ type: 'draft/set', draft: this.draft, variantsFile: vscode.workspace.asRelativePath(uri) });
			const configured = new Set(this.registry.settings().providers.map((entry) => entry.id));
			const missing = (this.draft.providers ?? []).filter((entry) => !configured.has(entry.id));
			if (missing.length > 0) {
				this.showNotice({
					severity: 'warning',
					message:
						`The variants file names providers that the llmLab.providers setting lacks: ${missing.map((entry) => `${entry.id} (${entry.baseUrl})`).join(', ')}. ` +
						'Add them to the setting to run these variants here.',
					actions: [{ label: 'Open Settings', command: 'workbench.action.openSettings', args: ['llmLab.providers'] }],
				});
			}
		} catch (error) {
			this.showStartError(error);
		}
	}

	private async chooseFewShotFile(variantId: string): Promise<void> {
		const uri = await pickWorkspaceFile('LLM Lab: Fine-Tuning File to Take Examples From');
		if (!uri) {
			return;
		}
		const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
		const { examples } = loadCompareEngine().readChatJsonl(text, 'fine-tuning');
		// The examples `pickFewShotExamples` can pick: a user turn or more, then the assistant's answer.
		const available = examples
			.map((example) => example.messages.filter((message) => message.role !== 'system'))
			.filter((messages) => messages.length >= 2 && messages.at(-1)?.role === 'assistant').length;
		const root = this.workspaceRoot();
		const file = root ? relative(root, uri.fsPath).split('\\').join('/') : uri.fsPath;
		this.send({ type: 'fewShot/chosen', variantId, file, available });
	}

	/** Copies the shown run's variants and scorers into the form, without the examples its few-shot files added. */
	private useShownVariants(): void {
		if (!this.displayedRun) {
			return;
		}
		const variants = this.displayedRun.variants.map((variant) => {
			if (!variant.examplesFrom || !variant.examples) {
				return variant;
			}
			const typed = variant.examples.slice(0, Math.max(0, variant.examples.length - variant.examplesFrom.count));
			return { ...variant, examples: typed };
		});
		this.setDraft({ ...this.draft, variants, scorers: this.displayedRun.scorers });
		this.send({ type: 'draft/set', draft: this.draft });
	}

	private async runCommand(command: string, args: unknown[]): Promise<void> {
		if (!ALLOWED_COMMANDS.has(command) && command !== 'vscode.open') {
			this.logger.warn(`Rejected the command ${command} requested by the Compare panel: it is not on the allowed list.`);
			return;
		}
		if (command === 'vscode.open') {
			// Only files: the panel's notices open the dataset, never a web address.
			const target = typeof args[0] === 'string' ? vscode.Uri.parse(args[0]) : undefined;
			if (target?.scheme === 'file') {
				await vscode.commands.executeCommand('vscode.open', target);
			}
			return;
		}
		await vscode.commands.executeCommand(command, ...args);
	}

	private showStartError(error: unknown): void {
		if (error instanceof RunStartError) {
			this.showNotice({ severity: 'error', message: error.message, actions: error.actions });
		} else if (error instanceof CompareInputError || error instanceof TemplateVariableError) {
			this.showNotice({ severity: 'error', message: error.message, actions: [] });
		} else {
			this.logger.error(`The Compare panel failed: ${String(error)}`);
			this.showNotice({
				severity: 'error',
				message: `The comparison failed: ${error instanceof Error ? error.message : String(error)}`,
				actions: [{ label: 'Show Log', command: 'llmLab.showLog' }],
			});
		}
	}

	private showNotice(notice: PanelNotice): void {
		if (this.post) {
			this.send({ type: 'notice/show', notice });
		} else {
			void vscode.window.showErrorMessage(`LLM Lab: ${notice.message}`);
		}
	}

	private workspaceRoot(): string | undefined {
		return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
	}

	private requireWorkspaceRoot(): string {
		const root = this.workspaceRoot();
		if (!root) {
			throw new RunStartError(`Open a folder first: comparisons are saved in its ${RUNS_FOLDER} folder.`);
		}
		return root;
	}
}

/** Converts a variant of the command's argument to the panel's form, where `examples` holds only typed examples. */
function draftVariantOf(variant: Variant): Variant {
	const label = variant.label || variant.id;
	const source = variant.examplesFrom;
	if (!source || (variant.examples?.length ?? 0) < source.count) {
		return { ...variant, label };
	}
	const typed: Variant = { ...variant, label };
	delete typed.examplesFrom;
	return typed;
}
