/**
 * Runs comparisons in the extension host, one at a time, with a progress notification that can cancel them. A run
 * does not depend on the panel: it goes on when the panel closes, and its `RunState` is shown again when it reopens.
 */

import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { DatasetInfo, DatasetRow, RunEvent, ScorerSpec, Variant } from '../../core/compare/types';
import { CompareInputError, MissingKeyError, TemplateVariableError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HostToWebview, RowView, RunRecord, RunViewStatus } from '../../webview/compare/protocol';
import type { ModelRegistry } from '../models';
import { loadCompareEngine } from './engineBundle';
import { modelIdsOf } from './prepare';
import { createRegistryResolver } from './resolver';
import { RunState } from './runState';

/** What to run: variants and scorers as they are sent, and the rows with their grid view. */
export interface RunRequest {
	runId: string;
	/** Absolute path of the run file. */
	runFile: string;
	workspaceRoot: string;
	label: string;
	createdAt: string;
	variants: Variant[];
	scorers: ScorerSpec[];
	rows: DatasetRow[];
	rowViews: RowView[];
	dataset?: DatasetInfo;
	/** Continue `runFile`, skipping its successful records. */
	resume: boolean;
	/** Records already in the run file, shown before the first new one arrives. */
	previous?: RunRecord[];
	concurrency?: number | Record<string, number>;
	/** Single-input runs show progress in the status bar, dataset runs in a notification. */
	progressLocation: vscode.ProgressLocation;
}

export interface RunOutcome {
	runId: string;
	/** Absolute path of the run file. */
	runFile: string;
	status: RunViewStatus;
	error?: string;
}

/** The run failed before or while calling: a user-facing message and the buttons that help. */
export class RunStartError extends Error {
	constructor(
		message: string,
		readonly actions: Array<{ label: string; command: string; args?: unknown[] }> = [],
	) {
		super(message);
		this.name = 'RunStartError';
	}
}

export class CompareRunner implements vscode.Disposable {
	private live: { state: RunState; abort: AbortController; runFile: string } | undefined;
	/** True while a run creates its provider clients, before it becomes `live`. */
	private starting = false;

	/**
	 * `postFor` returns the function that sends a run's messages to the page; it drops them while another run is shown.
	 * `onStarted` shows a new run in the panel.
	 */
	constructor(
		private readonly registry: ModelRegistry,
		private readonly logger: Logger,
		private readonly postFor: (state: () => RunState | undefined) => (message: HostToWebview) => void,
		private readonly onStarted: (state: RunState) => void,
	) {}

	/** The run in progress, if any. */
	liveState(): RunState | undefined {
		return this.live?.state;
	}

	/** Absolute path of the run file being written, if a run is in progress. */
	liveRunFile(): string | undefined {
		return this.live?.runFile;
	}

	stop(): void {
		this.live?.abort.abort();
	}

	dispose(): void {
		this.stop();
	}

	/**
	 * Runs a comparison and resolves when it has finished, was cancelled or failed. Throws `RunStartError` when another
	 * run is in progress or a provider cannot be reached before any call.
	 */
	async run(request: RunRequest): Promise<RunOutcome> {
		if (this.live || this.starting) {
			throw new RunStartError('A comparison is already running. Stop it, or wait until it has finished.');
		}
		this.starting = true;
		let resolveModel: Awaited<ReturnType<typeof createRegistryResolver>>;
		try {
			resolveModel = await this.createResolver(request);
		} finally {
			this.starting = false;
		}
		let state: RunState | undefined;
		state = new RunState(
			{
				runId: request.runId,
				label: request.label,
				runFile: portable(relative(request.workspaceRoot, request.runFile)),
				createdAt: request.createdAt,
				variants: request.variants,
				scorers: request.scorers,
				rows: request.rowViews,
				status: 'running',
				records: request.previous,
			},
			this.postFor(() => state),
		);
		const abort = new AbortController();
		this.live = { state, abort, runFile: request.runFile };
		this.onStarted(state);
		this.logger.info(
			`Comparison ${request.runId} started: ${request.variants.length} variants on ${request.rows.length} rows` +
				`${request.resume ? ', resuming its run file' : ''}.`,
		);
		try {
			const status = await this.execute(request, state, resolveModel, abort);
			state.finish(status);
			this.logger.info(`Comparison ${request.runId} ${status}.`);
			return { runId: request.runId, runFile: request.runFile, status };
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			if (!(error instanceof CompareInputError || error instanceof TemplateVariableError)) {
				this.logger.error(`Comparison ${request.runId} failed: ${String(error)}`);
			}
			state.finish('failed', message);
			return { runId: request.runId, runFile: request.runFile, status: 'failed', error: message };
		} finally {
			this.live = undefined;
		}
	}

	private async createResolver(request: RunRequest) {
		try {
			return await createRegistryResolver(this.registry, modelIdsOf(request.variants, request.scorers));
		} catch (error) {
			if (error instanceof MissingKeyError) {
				throw new RunStartError(error.message, [
					{ label: 'Set API Key', command: 'llmLab.setApiKey', args: error.providerId ? [error.providerId] : [] },
				]);
			}
			throw error;
		}
	}

	private execute(
		request: RunRequest,
		state: RunState,
		resolveModel: Awaited<ReturnType<typeof createRegistryResolver>>,
		abort: AbortController,
	): Promise<RunViewStatus> {
		const title = `LLM Lab: comparing ${request.variants.length} variants on ${request.label}`;
		return Promise.resolve(
			vscode.window.withProgress({ location: request.progressLocation, title, cancellable: true }, async (progress, token) => {
				const cancel = token.onCancellationRequested(() => abort.abort());
				let reported = 0;
				const onEvent = (event: RunEvent) => {
					state.handle(event);
					if (event.type === 'progress' && event.total > 0) {
						const share = (event.done / event.total) * 100;
						const cost = event.costUsd > 0 ? `, $${event.costUsd.toFixed(4)}` : '';
						const failed = event.failed > 0 ? `, ${event.failed} failed` : '';
						progress.report({ increment: share - reported, message: `${event.done}/${event.total} calls${failed}${cost}` });
						reported = share;
					}
				};
				try {
					const result = await loadCompareEngine().runComparison({
						runId: request.runId,
						variants: request.variants,
						rows: request.rows,
						scorers: request.scorers,
						resolveModel,
						runFile: request.runFile,
						resume: request.resume,
						...(request.dataset ? { dataset: request.dataset } : {}),
						concurrency: request.concurrency,
						stallTimeoutMs: this.registry.settings().stallTimeoutMs,
						signal: abort.signal,
						onEvent,
					});
					return result.status;
				} finally {
					cancel.dispose();
				}
			}),
		);
	}
}

function portable(path: string): string {
	return path.split('\\').join('/');
}
