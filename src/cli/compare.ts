/** `llm-lab compare`: runs a comparison headless, for CI, and prints a summary table per variant. */

import { join } from 'node:path';
import type { VariantSummary } from '../core/compare/aggregate';
import { computeBreakEven } from '../core/compare/breakEven';
import { loadDataset } from '../core/compare/dataset';
import { createModelResolver } from '../core/compare/models';
import { runComparison } from '../core/compare/run';
import { createRunId, RUNS_FOLDER } from '../core/compare/runFile';
import type { RunEvent, Variant } from '../core/compare/types';
import { type ComparisonDefinition, loadVariantsFile, type VariantsFileProvider } from '../core/compare/variantsFile';
import { CompareInputError, TemplateVariableError } from '../core/errors';
import { formatTokenCount } from '../core/format';
import { baseOfFineTuned } from '../core/models/catalog';
import { isOfficialOpenAI, parseModelId } from '../core/models/profile';
import { UsageError } from './usageError';

export interface CompareOptions {
	variants?: string;
	dataset?: string;
	/** Run file; default `.llmlab/runs/<run id>.jsonl` under the working folder. */
	out?: string;
	concurrency?: number;
	/** Share from 0 to 1. */
	minPassRate?: number;
	resume: boolean;
}

/** Output streams, environment and working folder of the command. Tests pass their own. */
export interface CompareIo {
	stdout(text: string): void;
	stderr(text: string): void;
	env: Readonly<Record<string, string | undefined>>;
	/** Folder that relative `.llmlab/runs` paths start from. */
	cwd: string;
	/** Shows a progress line that redraws in place when true. */
	interactive: boolean;
	signal?: AbortSignal;
	fetch?: typeof fetch;
}

/** Exit status when the run failed or some calls still failed after their retries. */
export const EXIT_FAILED = 1;
/** Exit status for an invalid variants file or dataset. */
export const EXIT_INVALID_INPUT = 2;
/** Exit status when a variant's pass rate is below `--min-pass-rate`. */
export const EXIT_BELOW_PASS_RATE = 4;
/** Exit status after Ctrl+C. */
export const EXIT_INTERRUPTED = 130;

/** Runs the comparison and returns the exit status. */
export async function runCompare(options: CompareOptions, io: CompareIo = processIo()): Promise<number> {
	if (!options.variants || !options.dataset) {
		throw new UsageError('compare needs --variants FILE and --dataset FILE.');
	}
	if (options.resume && !options.out) {
		throw new UsageError('--resume needs --out FILE: the run file to finish.');
	}
	if (options.minPassRate !== undefined && (options.minPassRate < 0 || options.minPassRate > 1)) {
		throw new UsageError(`invalid --min-pass-rate value "${options.minPassRate}": expected a share from 0 to 1, such as 0.9.`);
	}

	let definition: ComparisonDefinition;
	let dataset: Awaited<ReturnType<typeof loadDataset>>;
	try {
		definition = await loadVariantsFile(options.variants);
		dataset = await loadDataset(options.dataset);
	} catch (error) {
		if (error instanceof CompareInputError) {
			io.stderr(`llm-lab: ${error.message}\n`);
			return EXIT_INVALID_INPUT;
		}
		throw error;
	}
	for (const diagnostic of dataset.diagnostics) {
		io.stderr(`${options.dataset}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.severity}: ${diagnostic.message}\n`);
	}
	if (dataset.rows.length === 0) {
		io.stderr(`llm-lab: ${options.dataset} has no rows, so there is nothing to compare. Check the path and the file.\n`);
		return EXIT_INVALID_INPUT;
	}
	if (dataset.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
		io.stderr(`llm-lab: ${options.dataset} has invalid rows; fix them and run again.\n`);
		return EXIT_INVALID_INPUT;
	}

	const runId = createRunId();
	const out = options.out ?? join(io.cwd, RUNS_FOLDER, `${runId}.jsonl`);
	const interrupt = new AbortController();
	const onInterrupt = () => interrupt.abort();
	process.once('SIGINT', onInterrupt);
	const signal = io.signal ? AbortSignal.any([io.signal, interrupt.signal]) : interrupt.signal;
	try {
		const result = await runComparison({
			runId,
			variants: definition.variants,
			rows: dataset.rows,
			scorers: definition.scorers,
			resolveModel: createModelResolver(definition.providers, {
				apiKeyFor: (config) => apiKeyFor(config as VariantsFileProvider, io.env),
				fetch: io.fetch,
			}),
			runFile: out,
			resume: options.resume,
			dataset: dataset.info,
			concurrency: options.concurrency ?? definition.concurrency,
			signal,
			onEvent: progressReporter(io),
		});
		io.stdout(`${formatSummaryTable(result.summaries)}\n`);
		io.stdout(`Run file: ${out}\n`);
		for (const line of breakEvenLines(definition, result.summaries)) {
			io.stdout(`${line}\n`);
		}
		const scoreErrors = result.records.reduce(
			(total, record) => total + record.scores.filter((score) => score.error !== undefined).length,
			0,
		);
		return exitStatus(result.status, result.summaries, options.minPassRate, io, out, scoreErrors);
	} catch (error) {
		if (error instanceof CompareInputError || error instanceof TemplateVariableError) {
			io.stderr(`llm-lab: ${error.message}\n`);
			return EXIT_INVALID_INPUT;
		}
		throw error;
	} finally {
		process.off('SIGINT', onInterrupt);
	}
}

function exitStatus(
	status: 'completed' | 'cancelled',
	summaries: VariantSummary[],
	minPassRate: number | undefined,
	io: CompareIo,
	out: string,
	scoreErrors = 0,
): number {
	if (status === 'cancelled') {
		io.stderr(`llm-lab: stopped. Finished calls are saved; run again with --resume --out ${out} to finish the rest.\n`);
		return EXIT_INTERRUPTED;
	}
	if (minPassRate !== undefined) {
		const below = summaries.filter((summary) => (summary.passRate ?? 0) < minPassRate);
		for (const summary of below) {
			const rate = summary.passRate === undefined ? 'no scored calls' : formatPercent(summary.passRate);
			io.stderr(`llm-lab: variant "${summary.variant}" passed ${rate}, below --min-pass-rate ${formatPercent(minPassRate)}.\n`);
		}
		if (below.length > 0) {
			return EXIT_BELOW_PASS_RATE;
		}
	}
	const errors = summaries.reduce((total, summary) => total + summary.errors, 0);
	if (errors > 0) {
		io.stderr(`llm-lab: ${errors} call(s) failed after their retries; see the "error" field of their records.\n`);
		return EXIT_FAILED;
	}
	if (scoreErrors > 0) {
		io.stderr(
			`llm-lab: ${scoreErrors} score(s) could not be computed (for example a judge call failed); see the "error" field ` +
				`of their scores, and run again with --resume --out ${out} to score them.\n`,
		);
		return EXIT_FAILED;
	}
	return 0;
}

/**
 * Returns the key for a provider: from the environment variable its entry names, else `OPENAI_API_KEY` for OpenAI's
 * own API. Other servers get no key unless their entry names a variable, so a variants file cannot send the OpenAI
 * key to another host.
 */
export function apiKeyFor(config: VariantsFileProvider, env: CompareIo['env']): string | undefined {
	if (config.apiKeyEnv) {
		return env[config.apiKeyEnv] || undefined;
	}
	return config.kind === 'openai' && isOfficialOpenAI(config.baseUrl) ? env.OPENAI_API_KEY || undefined : undefined;
}

function progressReporter(io: CompareIo): (event: RunEvent) => void {
	return (event) => {
		switch (event.type) {
			case 'started':
				for (const warning of event.warnings) {
					io.stderr(`llm-lab: ${warning}\n`);
				}
				if (event.alreadyDone > 0) {
					io.stderr(`Resuming: ${event.alreadyDone} of ${event.total} calls are already done.\n`);
				}
				break;
			case 'retrying':
				io.stderr(
					`Row ${event.row + 1}, variant "${event.variant}": ${retryReason(event.error)} Retry ${event.attempt - 1} in ` +
						`${(event.delayMs / 1000).toFixed(1)} s.\n`,
				);
				break;
			case 'progress':
				if (io.interactive) {
					const cost = event.costUsd > 0 ? `, $${event.costUsd.toFixed(4)}` : '';
					io.stderr(`\r${event.done}/${event.total} calls, ${event.failed} failed${cost}`);
				}
				break;
			case 'finished':
				if (io.interactive) {
					io.stderr('\n');
				}
				break;
		}
	};
}

/** Formats the per-variant summary as an aligned text table. Token counts marked `~` are our own estimate. */
export function formatSummaryTable(summaries: readonly VariantSummary[]): string {
	const header = [
		'Variant',
		'Model',
		'Pass rate',
		'Mean score',
		'Calls',
		'Errors',
		'Prompt tok/call',
		'Compl. tok/call',
		'p50 ms',
		'p95 ms',
		'Cost',
		'Per 1k calls',
		'Perplexity',
	];
	const rows = summaries.map((summary) => {
		const estimated = summary.tokensEstimated ? '~' : '';
		return [
			summary.label,
			summary.model,
			summary.passRate === undefined ? '-' : formatPercent(summary.passRate),
			summary.meanScore === undefined ? '-' : summary.meanScore.toFixed(3),
			String(summary.calls),
			String(summary.errors),
			summary.promptTokensPerCall === undefined ? '-' : `${estimated}${formatTokenCount(Math.round(summary.promptTokensPerCall))}`,
			summary.completionTokensPerCall === undefined ? '-' : `${estimated}${formatTokenCount(Math.round(summary.completionTokensPerCall))}`,
			summary.latencyP50Ms === undefined ? '-' : String(summary.latencyP50Ms),
			summary.latencyP95Ms === undefined ? '-' : String(summary.latencyP95Ms),
			formatUsd(summary.costUsd),
			formatUsd(summary.costPer1000CallsUsd),
			summary.meanPerplexity === undefined ? '-' : summary.meanPerplexity.toFixed(2),
		];
	});
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
	const lines = [header, ...rows].map((cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
	lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
	if (summaries.some((summary) => summary.tokensEstimated)) {
		lines.push('~ token counts are estimated: the server reported no usage for some calls.');
	}
	return lines.join('\n');
}

/**
 * Returns a break-even line for each fine-tuned variant (an `ft:` model) against each prompted one, when the variants
 * file gives the training tokens and epochs.
 */
function breakEvenLines(definition: ComparisonDefinition, summaries: readonly VariantSummary[]): string[] {
	const settings = definition.breakEven;
	if (!settings) {
		return [];
	}
	const byId = new Map(summaries.map((summary) => [summary.variant, summary]));
	const modelName = (variant: Variant) => parseModelId(variant.model)?.name ?? variant.model;
	const fineTuned = definition.variants.filter((variant) => baseOfFineTuned(modelName(variant)) !== undefined);
	const prompted = definition.variants.filter((variant) => baseOfFineTuned(modelName(variant)) === undefined);
	const lines: string[] = [];
	for (const tuned of fineTuned) {
		for (const other of prompted) {
			const tunedSummary = byId.get(tuned.id);
			const otherSummary = byId.get(other.id);
			if (tunedSummary?.promptTokensPerCall === undefined || otherSummary?.promptTokensPerCall === undefined) {
				continue;
			}
			try {
				const result = computeBreakEven({
					fineTuned: side(tuned, tunedSummary, modelName(tuned)),
					prompted: side(other, otherSummary, modelName(other)),
					...settings,
				});
				const when =
					result.calls === undefined
						? 'never cheaper: each call costs as much as or more than a prompted call'
						: `cheaper after ${formatTokenCount(result.calls)} calls`;
				lines.push(`Break-even: "${tuned.id}" against "${other.id}": ${when} (training $${result.trainingCostUsd.toFixed(2)}).`);
			} catch (error) {
				if (!(error instanceof CompareInputError)) {
					throw error;
				}
				lines.push(`Break-even: "${tuned.id}" against "${other.id}": ${error.message}`);
			}
		}
	}
	return lines;
}

function side(variant: Variant, summary: VariantSummary, model: string) {
	return {
		model,
		promptTokensPerCall: summary.promptTokensPerCall ?? 0,
		completionTokensPerCall: summary.completionTokensPerCall ?? 0,
		price: variant.price,
	};
}

function formatPercent(share: number): string {
	return `${(share * 100).toFixed(1)}%`;
}

function formatUsd(value: number | undefined): string {
	return value === undefined ? '-' : `$${value.toFixed(value < 0.01 ? 6 : 4)}`;
}

function processIo(): CompareIo {
	return {
		stdout: (text) => process.stdout.write(text),
		stderr: (text) => process.stderr.write(text),
		env: process.env,
		cwd: process.cwd(),
		interactive: process.stderr.isTTY === true,
	};
}

/** Describes why a call is retried, in words rather than the error class name. */
function retryReason(error: { kind: string; status?: number }): string {
	if (error.kind === 'RateLimitError') {
		return 'the server is rate limiting (HTTP 429).';
	}
	return error.status ? `the server failed with HTTP ${error.status}.` : 'the request failed.';
}
