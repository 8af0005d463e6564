/**
 * Types of a comparison: variants, dataset rows, scorers, run records and the events a run emits. The Compare panel,
 * the runs tree and the command line all work on these; nothing here depends on how a run is shown.
 */

import type { TokenPrice } from '../models/catalog';
import type { ChatMessage, FinishReason } from '../providers/types';

/** Sampling parameters sent with every request of a variant. Unset fields leave the server's default. */
export interface VariantParameters {
	temperature?: number;
	topP?: number;
	/** Sent as `max_tokens`, or Ollama's `num_predict`. */
	maxTokens?: number;
	seed?: number;
	stop?: string[];
	/**
	 * Requests token log-probabilities, from which each output's perplexity is computed. Only OpenAI-compatible servers
	 * return them. @default false
	 */
	logprobs?: boolean;
}

/** One few-shot example: user and assistant turns that end with the assistant's answer. */
export interface FewShotExample {
	messages: ChatMessage[];
}

/** The source of a variant's examples, kept so the panel can show the choice and make it again. */
export interface FewShotSource {
	/** Path of the fine-tuning JSONL file, relative to the variants file or the workspace. */
	file: string;
	count: number;
	/** `first`: the first `count` examples; `random`: `count` examples drawn with `seed`. */
	pick: 'first' | 'random';
	seed?: number;
}

/** One way of conditioning a model for the task: a model with its prompt, examples and parameters. */
export interface Variant {
	/** Stable id that run records refer to, such as `ft` or `few-shot`. */
	id: string;
	/** Name shown in column headers and the summary. */
	label: string;
	/** `<provider id>:<model name>`, for example `openai:ft:gpt-4o-mini:acme::abc123` or `ollama:qwen3:4b`. */
	model: string;
	/** System prompt; may contain `{{variables}}`. A chat-format row's own system message is replaced by it. */
	system?: string;
	/** Sent between the system prompt and the row's input. */
	examples?: FewShotExample[];
	/** Set when `examples` were picked from a fine-tuning file. */
	examplesFrom?: FewShotSource;
	/**
	 * User message with `{{variables}}` filled from the row. Unset: the row's `input`, or for a chat-format row its
	 * messages unchanged. A chat-format row provides `input` (its last user message) and `system`.
	 */
	template?: string;
	parameters?: VariantParameters;
	/** Price per million tokens, overriding the catalog (for servers the catalog does not describe). */
	price?: TokenPrice;
}

/** One row of a dataset. */
export interface DatasetRow {
	/** 0-based position in the dataset; run records refer to rows by it. */
	index: number;
	/** 1-based line in the file where the row starts. */
	line: number;
	/** Values for the templates' `{{variables}}`: every field of the row except `expected` and `messages`. */
	variables: Record<string, string>;
	expected?: string;
	/** For a row in the chat format of fine-tuning files: the conversation before the last assistant message. */
	messages?: ChatMessage[];
}

/** Scorer definitions, as written in a variants file. `id` defaults to the type. */
export type ScorerSpec =
	/** Output equals the expected output. Surrounding whitespace is ignored unless `trim` is false. */
	| { type: 'exact'; id?: string; caseSensitive?: boolean; trim?: boolean }
	/** Output contains `value`, or the expected output when `value` is unset. */
	| { type: 'contains'; id?: string; value?: string; caseSensitive?: boolean }
	/** Output matches a JavaScript regular expression. */
	| { type: 'regex'; id?: string; pattern: string; flags?: string }
	/** Output is valid JSON, and valid against `schema` when one is given. */
	| { type: 'json'; id?: string; schema?: object }
	/**
	 * The first number in the output is within `tolerance` of the expected number: an absolute difference, or a share of
	 * the expected value when `relative` is true. @default tolerance 0
	 */
	| { type: 'numeric'; id?: string; tolerance?: number; relative?: boolean }
	/** A judge model grades the output against `rubric` on a scale from `min` to `max`. */
	| { type: 'judge'; id?: string; model: string; rubric: string; min?: number; max?: number; passScore?: number };

/** Token counts, reported by the provider or counted by us (`estimated`), and their cost. */
export interface CallUsage {
	promptTokens: number;
	completionTokens: number;
	/** True when the provider reported no usage, so the counts are our own tokenizer's. */
	estimated: boolean;
	/** US dollars, when the model's price is known. */
	costUsd?: number;
}

/** The verdict of one scorer on one output. Scorers that need an expected output are left out for rows without one. */
export interface ScoreResult {
	scorer: string;
	/** From 0 (worst) to 1 (best). */
	score: number;
	pass: boolean;
	/** The reason for the score, such as the schema error or the judge's explanation. */
	detail?: string;
	/** The judge call's own tokens and cost, kept apart from the variant's. */
	judgeUsage?: CallUsage;
	/** Set when the scorer could not score, such as a judge call that failed; aggregates and `pass` ignore the result. */
	error?: string;
}

/** Figures from the log-probabilities of an output's tokens. */
export interface LogprobFigures {
	tokens: number;
	/** Mean negative log-likelihood per token, in nats. */
	meanNll: number;
	/** `exp(meanNll)`. */
	perplexity: number;
}

/** An error that ended a call, as stored in a run file. */
export interface RecordedError {
	/** The error class, such as `RateLimitError`, for grouping and filtering. */
	kind: string;
	message: string;
	status?: number;
}

/** The header: the first record of a run file. */
export interface RunHeader {
	type: 'header';
	/** Version of this file format. */
	format: 1;
	runId: string;
	/** The LLM Lab version that started the run. */
	llmLabVersion: string;
	createdAt: string;
	variants: Variant[];
	scorers: ScorerSpec[];
	dataset?: DatasetInfo;
}

export interface DatasetInfo {
	path?: string;
	rows: number;
	/** SHA-256 of the file's bytes, so that a resumed run can check it reads the same dataset. */
	sha256?: string;
}

/** One (row, variant) result in a run file. */
export interface RunRecord {
	type: 'result';
	row: number;
	variant: string;
	output: string;
	expected?: string;
	promptTokens: number;
	completionTokens: number;
	/** True when the token counts are our own because the provider reported none. */
	tokensEstimated: boolean;
	costUsd?: number;
	/** Milliseconds from sending the request to the first content chunk, of the attempt that produced the output. */
	firstTokenMs?: number;
	/** Milliseconds from sending the request to the end of the reply, of the same attempt. */
	latencyMs: number;
	finishReason: FinishReason;
	error?: RecordedError;
	/** Requests sent, including retries. */
	attempts: number;
	scores: ScoreResult[];
	/** True when every score passed; false when one failed or the call failed; unset when no scorer applied. */
	pass?: boolean;
	logprobs?: LogprobFigures;
	finishedAt: string;
}

export type RunStatus = 'completed' | 'cancelled';

/** Events a run emits, in order, for a progress bar and a grid that fills as rows finish. */
export type RunEvent =
	/**
	 * `total` counts every (row, variant) pair. `alreadyDone` of them have a successful record in the run file being
	 * resumed, and `previous` has every record of that file, failed ones included, so a grid can show them at once.
	 */
	| { type: 'started'; runId: string; total: number; alreadyDone: number; previous: RunRecord[]; warnings: string[] }
	| { type: 'callStarted'; row: number; variant: string; attempt: number }
	| { type: 'delta'; row: number; variant: string; text: string }
	| { type: 'retrying'; row: number; variant: string; attempt: number; delayMs: number; error: RecordedError }
	/** A pair finished and its record is already written to the run file. Arrives in completion order, not row order. */
	| { type: 'recorded'; record: RunRecord }
	| { type: 'progress'; done: number; total: number; failed: number; costUsd: number }
	| { type: 'finished'; status: RunStatus };
