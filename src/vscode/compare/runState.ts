/**
 * The state of one run as the Compare panel shows it, kept in the extension host so that a run goes on, and can be
 * shown again, after its panel closes. Events are forwarded to the page in batches, because a run of many parallel
 * calls emits thousands of deltas a second.
 */

import { summarizeRun, type VariantSummary } from '../../core/compare/aggregate';
import { pairKey, sortRecords } from '../../core/compare/runFile';
import type { DatasetRow, RunEvent, RunRecord, ScorerSpec, Variant } from '../../core/compare/types';
import type { HostToWebview, OutputDelta, RowView, RunProgress, RunView, RunViewStatus } from '../../webview/compare/protocol';

/** How often deltas and records are sent to the page, in milliseconds. */
const FLUSH_INTERVAL_MS = 50;

/** Characters of a row's variables shown in the grid's input column. */
const INPUT_PREVIEW_LENGTH = 600;

export interface RunStateOptions {
	runId: string;
	label: string;
	/** Workspace-relative path of the run file. */
	runFile?: string;
	createdAt: string;
	variants: Variant[];
	scorers: ScorerSpec[];
	rows: RowView[];
	status: RunViewStatus;
	records?: RunRecord[];
}

export class RunState {
	readonly runId: string;
	readonly label: string;
	readonly runFile: string | undefined;
	readonly createdAt: string;
	readonly variants: Variant[];
	readonly scorers: ScorerSpec[];
	readonly rows: RowView[];
	status: RunViewStatus;
	error: string | undefined;
	private readonly records = new Map<string, RunRecord>();
	private readonly partial = new Map<string, OutputDelta>();
	private progress: RunProgress;
	private warnings: string[] = [];
	private pendingDeltas: OutputDelta[] = [];
	private pendingRecords: RunRecord[] = [];
	private flushTimer: ReturnType<typeof setTimeout> | undefined;

	/** `post` sends to the page, or drops the message while no page is open. */
	constructor(
		options: RunStateOptions,
		private readonly post: (message: HostToWebview) => void,
	) {
		this.runId = options.runId;
		this.label = options.label;
		this.runFile = options.runFile;
		this.createdAt = options.createdAt;
		this.variants = options.variants;
		this.scorers = options.scorers;
		this.rows = options.rows;
		this.status = options.status;
		for (const record of options.records ?? []) {
			this.records.set(pairKey(record.row, record.variant), record);
		}
		this.progress = { done: 0, total: this.rows.length * this.variants.length, failed: 0, costUsd: 0 };
		this.updateProgressFromRecords();
	}

	/** Applies an event of `runComparison` and queues what the page needs to show it. */
	handle(event: RunEvent): void {
		switch (event.type) {
			case 'started':
				for (const record of event.previous) {
					this.records.set(pairKey(record.row, record.variant), record);
				}
				this.warnings = event.warnings;
				this.progress.total = event.total;
				this.updateProgressFromRecords();
				break;
			case 'callStarted':
				this.queueDelta({ row: event.row, variant: event.variant, text: '', reset: true });
				break;
			case 'delta':
				this.queueDelta({ row: event.row, variant: event.variant, text: event.text });
				break;
			case 'recorded':
				this.records.set(pairKey(event.record.row, event.record.variant), event.record);
				this.partial.delete(pairKey(event.record.row, event.record.variant));
				this.pendingRecords.push(event.record);
				this.scheduleFlush();
				break;
			case 'progress':
				this.progress = { done: event.done, total: event.total, failed: event.failed, costUsd: event.costUsd };
				break;
			case 'retrying':
			case 'finished':
				break;
		}
	}

	/** Marks the run as ended and sends what is still queued, then the final status. */
	finish(status: RunViewStatus, error?: string): void {
		this.status = status;
		this.error = error;
		this.partial.clear();
		this.flush();
		this.post({ type: 'run/finished', runId: this.runId, status, summaries: this.summaries(), ...(error ? { error } : {}) });
	}

	/** Records in row order, then in the variants' order. */
	sortedRecords(): RunRecord[] {
		return sortRecords([...this.records.values()], { variants: this.variants });
	}

	summaries(): VariantSummary[] {
		return summarizeRun(this.variants, this.sortedRecords());
	}

	/**
	 * Returns everything the page needs to show the run now. Queued batches are dropped, because the view already
	 * contains them.
	 */
	view(): RunView {
		this.pendingDeltas = [];
		this.pendingRecords = [];
		return {
			runId: this.runId,
			label: this.label,
			...(this.runFile ? { runFile: this.runFile } : {}),
			createdAt: this.createdAt,
			variants: this.variants,
			scorers: this.scorers,
			rows: this.rows,
			records: this.sortedRecords(),
			partial: [...this.partial.values()],
			status: this.status,
			progress: { ...this.progress },
			summaries: this.summaries(),
			warnings: this.warnings,
			...(this.error ? { error: this.error } : {}),
		};
	}

	dispose(): void {
		clearTimeout(this.flushTimer);
		this.flushTimer = undefined;
	}

	private queueDelta(delta: OutputDelta): void {
		const key = pairKey(delta.row, delta.variant);
		const current = this.partial.get(key);
		this.partial.set(key, delta.reset || !current ? { ...delta } : { ...current, text: current.text + delta.text });
		const last = this.pendingDeltas.at(-1);
		if (last && !delta.reset && last.row === delta.row && last.variant === delta.variant) {
			last.text += delta.text;
		} else {
			this.pendingDeltas.push({ ...delta });
		}
		this.scheduleFlush();
	}

	private scheduleFlush(): void {
		this.flushTimer ??= setTimeout(() => {
			this.flushTimer = undefined;
			this.flush();
		}, FLUSH_INTERVAL_MS);
	}

	private flush(): void {
		clearTimeout(this.flushTimer);
		this.flushTimer = undefined;
		if (this.pendingDeltas.length > 0) {
			this.post({ type: 'run/deltas', runId: this.runId, deltas: this.pendingDeltas });
			this.pendingDeltas = [];
		}
		if (this.pendingRecords.length > 0) {
			const records = this.pendingRecords;
			this.pendingRecords = [];
			this.post({ type: 'run/records', runId: this.runId, records, progress: { ...this.progress }, summaries: this.summaries() });
		}
	}

	private updateProgressFromRecords(): void {
		const records = [...this.records.values()];
		this.progress.done = records.filter((record) => record.error === undefined).length;
		this.progress.failed = records.length - this.progress.done;
		this.progress.costUsd = records.reduce((total, record) => total + (record.costUsd ?? 0), 0);
	}
}

/** Builds the grid's view of dataset rows: the variables as `name: value` lines, cut to a preview. */
export function rowViews(rows: readonly DatasetRow[]): RowView[] {
	return rows.map((row) => {
		const lines = Object.entries(row.variables).map(([name, value]) => `${name}: ${value}`);
		let input = lines.join('\n');
		if (input.length > INPUT_PREVIEW_LENGTH) {
			input = `${input.slice(0, INPUT_PREVIEW_LENGTH)}…`;
		}
		return { index: row.index, line: row.line, input, ...(row.expected !== undefined ? { expected: row.expected } : {}) };
	});
}
