/**
 * Runs a comparison: every variant on every dataset row, with a concurrency limit per provider, retries, cancel and
 * resume. Records are written to the run file as calls finish and reported by row index, whatever their arrival order.
 */

import { setMaxListeners } from 'node:events';
import { access } from 'node:fs/promises';
import { CancelledError, CompareInputError } from '../errors';
import type { ChatMessage } from '../providers/types';
import { summarizeRun, type VariantSummary } from './aggregate';
import { callWithRetries, type CallOutcome, type ModelResolver, type ResolvedModel } from './call';
import { compactRunFile, createRunId, pairKey, readRunFile, RunFileWriter, sortRecords } from './runFile';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, Semaphore } from './scheduler';
import { checkScorers, type JudgeCall, scoreOutput } from './scorers';
import { buildMessages, checkTemplates } from './template';
import type { DatasetInfo, DatasetRow, RunEvent, RunHeader, RunRecord, RunStatus, ScorerSpec, Variant } from './types';
import { LLM_LAB_VERSION } from './version';

/** Concurrent calls per provider when the run sets no limit. */
export const DEFAULT_CONCURRENCY = 4;

export interface RunOptions {
	variants: Variant[];
	rows: DatasetRow[];
	scorers?: ScorerSpec[];
	resolveModel: ModelResolver;
	/** Path of the run file. Unset: results are only returned and reported, not written. */
	runFile?: string;
	/**
	 * Continues the run in `runFile`: pairs with a successful record are skipped, and failed or missing ones are run.
	 * Starts a new file when none exists.
	 */
	resume?: boolean;
	runId?: string;
	dataset?: DatasetInfo;
	/** Concurrent calls: one limit for every provider, or one per provider id (others get `DEFAULT_CONCURRENCY`). */
	concurrency?: number | Record<string, number>;
	retry?: Partial<RetryPolicy>;
	/** @default 60000 */
	stallTimeoutMs?: number;
	signal?: AbortSignal;
	onEvent?: (event: RunEvent) => void;
	/** Clock for latencies, in milliseconds. @default performance.now */
	now?: () => number;
	/** Jitter source for retry delays. @default Math.random */
	random?: () => number;
}

export interface RunResult {
	runId: string;
	status: RunStatus;
	header: RunHeader;
	/** The run's records, from earlier sessions of a resumed run too, in row order and then variant order. */
	records: RunRecord[];
	summaries: VariantSummary[];
}

interface Pair {
	row: DatasetRow;
	variant: Variant;
}

/**
 * Runs the comparison. Resolves with status `cancelled` when `signal` aborts: calls in flight are stopped and not
 * recorded, so resuming runs them again. Throws `CompareInputError` or `TemplateVariableError` before any call when an
 * input is invalid, and a file system error when the run file cannot be written.
 */
export async function runComparison(options: RunOptions): Promise<RunResult> {
	const scorers = options.scorers ?? [];
	checkVariants(options.variants);
	checkScorers(scorers);
	checkTemplates(options.variants, options.rows);
	const models = new Map(options.variants.map((variant) => [variant.id, resolveVariantModel(variant, options.resolveModel)]));

	const header: RunHeader = {
		type: 'header',
		format: 1,
		runId: options.runId ?? createRunId(),
		llmLabVersion: LLM_LAB_VERSION,
		createdAt: new Date().toISOString(),
		variants: options.variants,
		scorers,
		...(options.dataset ? { dataset: options.dataset } : {}),
	};
	const { writer, previous, runHeader } = await openRunFile(options, header);
	const records = new Map(previous.map((record) => [pairKey(record.row, record.variant), record]));
	const pending: Pair[] = [];
	for (const row of options.rows) {
		for (const variant of options.variants) {
			const done = records.get(pairKey(row.index, variant.id));
			// A call whose scorer failed (such as an LLM judge that errored) is run again, so its score is not lost.
			if (!done || done.error !== undefined || done.scores.some((score) => score.error !== undefined)) {
				pending.push({ row, variant });
			}
		}
	}

	const total = options.rows.length * options.variants.length;
	const emit = options.onEvent ?? (() => undefined);
	emit({
		type: 'started',
		runId: runHeader.runId,
		total,
		alreadyDone: total - pending.length,
		previous,
		warnings: warningsFor(options.variants, models),
	});

	const context = new RunContext(options, models, scorers, writer, emit, total, records);
	try {
		// Pairs queue for their provider's slots in row order, so rows tend to finish in order.
		await Promise.all(pending.map((pair) => context.runPair(pair)));
	} finally {
		context.stopListening();
		await writer?.close();
	}
	const status: RunStatus = options.signal?.aborted ? 'cancelled' : 'completed';
	if (status === 'completed' && options.runFile) {
		await compactRunFile(options.runFile);
	}
	emit({ type: 'finished', status });
	const sorted = sortRecords([...records.values()], runHeader);
	return { runId: runHeader.runId, status, header: runHeader, records: sorted, summaries: summarizeRun(runHeader.variants, sorted) };
}

/** Creates the run file, or opens it to resume after checking that it was made by the same variants, scorers and dataset. */
async function openRunFile(
	options: RunOptions,
	header: RunHeader,
): Promise<{ writer?: RunFileWriter; previous: RunRecord[]; runHeader: RunHeader }> {
	if (!options.runFile) {
		return { previous: [], runHeader: header };
	}
	if (options.resume && (await fileExists(options.runFile))) {
		const contents = await readRunFile(options.runFile);
		checkResumable(options.runFile, contents.header, header);
		return { writer: await RunFileWriter.openForAppend(options.runFile), previous: contents.records, runHeader: contents.header };
	}
	return { writer: await RunFileWriter.create(options.runFile, header), previous: [], runHeader: header };
}

function checkResumable(path: string, stored: RunHeader, current: RunHeader): void {
	const differs = (name: string) =>
		new CompareInputError(
			`The run file ${path} was made with other ${name}, so its results cannot be combined with this run. ` +
				`Restore the ${name} it was made with, or start a new run file.`,
			path,
		);
	if (JSON.stringify(stored.variants) !== JSON.stringify(current.variants)) {
		throw differs('variants');
	}
	if (JSON.stringify(stored.scorers) !== JSON.stringify(current.scorers)) {
		throw differs('scorers');
	}
	const storedHash = stored.dataset?.sha256;
	const currentHash = current.dataset?.sha256;
	if (storedHash !== undefined && currentHash !== undefined && storedHash !== currentHash) {
		throw differs('dataset contents');
	}
}

async function fileExists(path: string): Promise<boolean> {
	return access(path).then(
		() => true,
		() => false,
	);
}

function checkVariants(variants: readonly Variant[]): void {
	if (variants.length === 0) {
		throw new CompareInputError('A comparison needs at least one variant.');
	}
	const ids = new Set<string>();
	for (const variant of variants) {
		if (ids.has(variant.id)) {
			throw new CompareInputError(`Two variants have the id "${variant.id}". Give each variant an id of its own.`);
		}
		ids.add(variant.id);
	}
}

/** Resolves a variant's model, with the variant's own price in place of the resolver's when it sets one. */
function resolveVariantModel(variant: Variant, resolveModel: ModelResolver): ResolvedModel {
	const model = resolveModel(variant.model);
	return variant.price ? { ...model, price: variant.price } : model;
}

function warningsFor(variants: readonly Variant[], models: Map<string, ResolvedModel>): string[] {
	const warnings: string[] = [];
	for (const variant of variants) {
		const provider = models.get(variant.id)?.provider;
		if (variant.parameters?.logprobs && provider?.config.kind === 'ollama') {
			warnings.push(`Variant "${variant.id}" requests log-probabilities, which the Ollama provider does not return; it gets no perplexity.`);
		}
	}
	return warnings;
}

/** State shared by the calls of one run. */
class RunContext {
	private readonly semaphores = new Map<string, Semaphore>();
	private readonly retry: RetryPolicy;
	private readonly now: () => number;
	private readonly random: () => number;
	/** Aborts with the caller's signal. Every queued call listens to it, so it allows any number of listeners. */
	private readonly signal: AbortSignal;
	/** Removes the listener on the caller's signal once the run ends. */
	readonly stopListening: () => void;
	private done: number;
	private failed = 0;
	private costUsd = 0;

	constructor(
		private readonly options: RunOptions,
		private readonly models: Map<string, ResolvedModel>,
		private readonly scorers: ScorerSpec[],
		private readonly writer: RunFileWriter | undefined,
		private readonly emit: (event: RunEvent) => void,
		private readonly total: number,
		private readonly records: Map<string, RunRecord>,
	) {
		this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
		this.now = options.now ?? (() => performance.now());
		this.random = options.random ?? Math.random;
		const controller = new AbortController();
		setMaxListeners(Number.POSITIVE_INFINITY, controller.signal);
		this.signal = controller.signal;
		this.stopListening = () => options.signal?.removeEventListener('abort', abort);
		const abort = () => controller.abort();
		if (options.signal?.aborted) {
			abort();
		}
		options.signal?.addEventListener('abort', abort, { once: true });
		this.done = [...records.values()].filter((record) => record.error === undefined).length;
	}

	/**
	 * Runs one (row, variant) pair and records it. The provider slot stays held until the record is written, so calls
	 * never run ahead of the run file. With a judge scorer the slot is released before scoring, because the judge call
	 * needs a slot of its own. A stopped run leaves the pair unrecorded.
	 */
	async runPair({ row, variant }: Pair): Promise<void> {
		const model = this.models.get(variant.id) as ResolvedModel;
		const messages = buildMessages(variant, row);
		const usesJudge = this.scorers.some((scorer) => scorer.type === 'judge');
		try {
			const outcome = await this.semaphoreFor(model).run(async () => {
				const called = await this.call(row, variant, model, messages);
				if (!usesJudge) {
					await this.scoreAndRecord(row, variant, messages, called);
				}
				return called;
			}, this.signal);
			if (usesJudge) {
				await this.scoreAndRecord(row, variant, messages, outcome);
			}
		} catch (error) {
			if (!(error instanceof CancelledError)) {
				throw error;
			}
		}
	}

	private call(row: DatasetRow, variant: Variant, model: ResolvedModel, messages: ChatMessage[]): Promise<CallOutcome> {
		return callWithRetries({
			model,
			messages,
			parameters: variant.parameters,
			retry: this.retry,
			stallTimeoutMs: this.options.stallTimeoutMs ?? 60_000,
			signal: this.signal,
			now: this.now,
			random: this.random,
			onAttempt: (attempt) => this.emit({ type: 'callStarted', row: row.index, variant: variant.id, attempt }),
			onDelta: (text) => this.emit({ type: 'delta', row: row.index, variant: variant.id, text }),
			onRetry: (attempt, delayMs, error) => this.emit({ type: 'retrying', row: row.index, variant: variant.id, attempt, delayMs, error }),
		});
	}

	/** Scores a finished call and records it. Throws `CancelledError` when the run was stopped before the record was written. */
	private async scoreAndRecord(row: DatasetRow, variant: Variant, messages: ChatMessage[], outcome: CallOutcome): Promise<void> {
		let scores: RunRecord['scores'] = [];
		if (outcome.error === undefined) {
			const input = messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
			scores = await scoreOutput(this.scorers, { input, output: outcome.output, expected: row.expected }, this.judge, this.signal);
		}
		if (this.signal.aborted) {
			throw new CancelledError();
		}
		await this.record(toRecord(row, variant, outcome, scores));
	}

	private async record(record: RunRecord): Promise<void> {
		await this.writer?.append(record);
		this.records.set(pairKey(record.row, record.variant), record);
		this.done++;
		this.failed += record.error === undefined ? 0 : 1;
		this.costUsd += record.costUsd ?? 0;
		this.emit({ type: 'recorded', record });
		this.emit({ type: 'progress', done: this.done, total: this.total, failed: this.failed, costUsd: this.costUsd });
	}

	/** Calls the judge model under its provider's limit, after the variant's call has released its own slot. */
	private readonly judge: JudgeCall = async (modelId: string, messages: ChatMessage[], signal = this.signal) => {
		const model = this.options.resolveModel(modelId);
		const outcome = await this.semaphoreFor(model).run(
			() =>
				callWithRetries({
					model,
					messages,
					parameters: { temperature: 0 },
					retry: this.retry,
					stallTimeoutMs: this.options.stallTimeoutMs ?? 60_000,
					signal,
					now: this.now,
					random: this.random,
				}),
			signal,
		);
		if (outcome.error) {
			throw new Error(`${outcome.error.kind}: ${outcome.error.message}`);
		}
		return { text: outcome.output, usage: outcome.usage };
	};

	private semaphoreFor(model: ResolvedModel): Semaphore {
		const providerId = model.provider.config.id;
		let semaphore = this.semaphores.get(providerId);
		if (!semaphore) {
			const { concurrency } = this.options;
			const limit = typeof concurrency === 'number' ? concurrency : (concurrency?.[providerId] ?? DEFAULT_CONCURRENCY);
			semaphore = new Semaphore(limit);
			this.semaphores.set(providerId, semaphore);
		}
		return semaphore;
	}
}

function toRecord(row: DatasetRow, variant: Variant, outcome: CallOutcome, scores: RunRecord['scores']): RunRecord {
	const valid = scores.filter((score) => score.error === undefined);
	let pass: boolean | undefined;
	if (outcome.error !== undefined) {
		pass = false;
	} else if (valid.length > 0) {
		pass = valid.every((score) => score.pass);
	}
	const record: RunRecord = {
		type: 'result',
		row: row.index,
		variant: variant.id,
		output: outcome.output,
		expected: row.expected,
		promptTokens: outcome.usage.promptTokens,
		completionTokens: outcome.usage.completionTokens,
		tokensEstimated: outcome.usage.estimated,
		costUsd: outcome.usage.costUsd,
		firstTokenMs: outcome.firstTokenMs === undefined ? undefined : Math.round(outcome.firstTokenMs),
		latencyMs: Math.round(outcome.latencyMs),
		finishReason: outcome.finishReason,
		error: outcome.error,
		attempts: outcome.attempts,
		scores,
		pass,
		logprobs: outcome.logprobs,
		finishedAt: new Date().toISOString(),
	};
	// The round trip drops unset fields, so the record equals what reading the run file returns.
	return JSON.parse(JSON.stringify(record)) as RunRecord;
}
