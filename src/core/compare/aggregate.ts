/** Per-variant aggregates of a run: scores, pass rate, tokens per call, latency percentiles and cost. */

import type { RunRecord, Variant } from './types';

/** Aggregates of one scorer over one variant's calls. */
export interface ScorerSummary {
	/** Calls this scorer scored. */
	count: number;
	meanScore: number;
	passRate: number;
}

export interface VariantSummary {
	variant: string;
	label: string;
	model: string;
	/** Calls recorded, failed ones included. */
	calls: number;
	/** Calls that ended with an error after their retries. */
	errors: number;
	/** Calls with a verdict: those some scorer scored, and failed calls, which count as not passed. */
	judged: number;
	passed: number;
	/** `passed / judged`; undefined when no call has a verdict. */
	passRate?: number;
	/** Mean over scored calls of each call's mean score. */
	meanScore?: number;
	scorers: Record<string, ScorerSummary>;
	/** Means over calls that succeeded. */
	promptTokensPerCall?: number;
	completionTokensPerCall?: number;
	/** True when some of the token counts are our own estimate. */
	tokensEstimated: boolean;
	latencyP50Ms?: number;
	latencyP95Ms?: number;
	firstTokenP50Ms?: number;
	/** US dollars over the calls with a known price; undefined when none has one. */
	costUsd?: number;
	/** `costUsd` scaled to 1,000 calls, from the mean cost of the priced calls. */
	costPer1000CallsUsd?: number;
	/** The judge's cost for this variant's outputs, kept apart from `costUsd`. */
	judgeCostUsd?: number;
	judgePromptTokens: number;
	judgeCompletionTokens: number;
	meanPerplexity?: number;
}

/** Summarizes the records of each variant, in the variants' order. */
export function summarizeRun(variants: readonly Variant[], records: readonly RunRecord[]): VariantSummary[] {
	return variants.map((variant) =>
		summarizeVariant(
			variant,
			records.filter((record) => record.variant === variant.id),
		),
	);
}

function summarizeVariant(variant: Variant, records: readonly RunRecord[]): VariantSummary {
	const succeeded = records.filter((record) => record.error === undefined);
	const judged = records.filter((record) => record.pass !== undefined);
	const passed = judged.filter((record) => record.pass === true).length;
	const callScores = succeeded
		.map((record) => record.scores.filter((score) => score.error === undefined).map((score) => score.score))
		.filter((scores) => scores.length > 0)
		.map(mean);
	const priced = records.filter((record) => record.costUsd !== undefined);
	const costUsd = priced.length > 0 ? sum(priced.map((record) => record.costUsd ?? 0)) : undefined;
	const judgeUsages = records.flatMap((record) => record.scores.flatMap((score) => (score.judgeUsage ? [score.judgeUsage] : [])));
	const judgePriced = judgeUsages.filter((usage) => usage.costUsd !== undefined);
	const latencies = succeeded.map((record) => record.latencyMs);
	const firstTokens = succeeded.flatMap((record) => (record.firstTokenMs === undefined ? [] : [record.firstTokenMs]));
	const perplexities = succeeded.flatMap((record) => (record.logprobs ? [record.logprobs.perplexity] : []));

	return {
		variant: variant.id,
		label: variant.label,
		model: variant.model,
		calls: records.length,
		errors: records.length - succeeded.length,
		judged: judged.length,
		passed,
		passRate: judged.length > 0 ? passed / judged.length : undefined,
		meanScore: callScores.length > 0 ? mean(callScores) : undefined,
		scorers: summarizeScorers(succeeded),
		promptTokensPerCall: succeeded.length > 0 ? mean(succeeded.map((record) => record.promptTokens)) : undefined,
		completionTokensPerCall: succeeded.length > 0 ? mean(succeeded.map((record) => record.completionTokens)) : undefined,
		tokensEstimated: records.some((record) => record.tokensEstimated),
		latencyP50Ms: percentile(latencies, 50),
		latencyP95Ms: percentile(latencies, 95),
		firstTokenP50Ms: percentile(firstTokens, 50),
		costUsd,
		costPer1000CallsUsd: costUsd === undefined ? undefined : (costUsd / priced.length) * 1000,
		judgeCostUsd: judgePriced.length > 0 ? sum(judgePriced.map((usage) => usage.costUsd ?? 0)) : undefined,
		judgePromptTokens: sum(judgeUsages.map((usage) => usage.promptTokens)),
		judgeCompletionTokens: sum(judgeUsages.map((usage) => usage.completionTokens)),
		meanPerplexity: perplexities.length > 0 ? mean(perplexities) : undefined,
	};
}

function summarizeScorers(records: readonly RunRecord[]): Record<string, ScorerSummary> {
	const byScorer = new Map<string, { scores: number[]; passed: number }>();
	for (const record of records) {
		for (const score of record.scores) {
			if (score.error !== undefined) {
				continue;
			}
			const entry = byScorer.get(score.scorer) ?? { scores: [], passed: 0 };
			entry.scores.push(score.score);
			entry.passed += score.pass ? 1 : 0;
			byScorer.set(score.scorer, entry);
		}
	}
	const summaries: Record<string, ScorerSummary> = {};
	for (const [scorer, entry] of byScorer) {
		summaries[scorer] = { count: entry.scores.length, meanScore: mean(entry.scores), passRate: entry.passed / entry.scores.length };
	}
	return summaries;
}

/**
 * Returns the `p`th percentile by the nearest-rank method: the smallest value with at least `p` percent of the values
 * at or below it. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
	if (values.length === 0) {
		return undefined;
	}
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1];
}

function sum(values: readonly number[]): number {
	return values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number {
	return sum(values) / values.length;
}
