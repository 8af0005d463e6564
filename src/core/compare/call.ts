/** One model call of a comparison: streamed, timed, counted, priced and retried on transient failures. */

import { CancelledError, ProviderError } from '../errors';
import { costOf, type TokenPrice } from '../models/catalog';
import type { ChatMessage, ChatProvider, FinishReason, TokenLogprob, Usage } from '../providers/types';
import { countChatTokens, countTokens, type EncodingName } from '../tokens';
import { logprobFigures } from './logprobs';
import { type RetryPolicy, retryDelayMs, sleep } from './scheduler';
import type { CallUsage, LogprobFigures, RecordedError, VariantParameters } from './types';

/** A model id resolved to the provider that serves it. */
export interface ResolvedModel {
	provider: ChatProvider;
	/** Model name as the provider's API expects it. */
	name: string;
	/** Price per million tokens, when known. */
	price?: TokenPrice;
	/** Encoding for our own counts when the provider reports no usage; counts with it are labelled estimated. */
	encoding: EncodingName;
}

/** Resolves a `<provider id>:<model name>` id. Throws `CompareInputError` for an unknown provider. */
export type ModelResolver = (modelId: string) => ResolvedModel;

export interface CallOptions {
	model: ResolvedModel;
	messages: ChatMessage[];
	parameters?: VariantParameters;
	retry: RetryPolicy;
	stallTimeoutMs?: number;
	signal?: AbortSignal;
	now: () => number;
	random: () => number;
	onAttempt?: (attempt: number) => void;
	onDelta?: (text: string) => void;
	onRetry?: (attempt: number, delayMs: number, error: RecordedError) => void;
}

/** The outcome of a call after its last attempt. Timing and tokens are those of the last attempt. */
export interface CallOutcome {
	output: string;
	usage: CallUsage;
	firstTokenMs?: number;
	latencyMs: number;
	finishReason: FinishReason;
	error?: RecordedError;
	attempts: number;
	logprobs?: LogprobFigures;
}

/**
 * Sends the request, retrying HTTP 429, 5xx, lost connections and cut or stalled streams with exponential backoff and
 * the server's `Retry-After`. Returns the failure in `error` once retries are spent; throws only `CancelledError`.
 */
export async function callWithRetries(options: CallOptions): Promise<CallOutcome> {
	for (let attempt = 1; ; attempt++) {
		options.onAttempt?.(attempt);
		const outcome = await callOnce(options);
		if (outcome.failure === undefined) {
			return { ...outcome.result, attempts: attempt };
		}
		if (options.signal?.aborted || outcome.failure instanceof CancelledError) {
			throw new CancelledError();
		}
		const recorded = recordError(outcome.failure);
		const delayMs = retryDelayMs(outcome.failure, attempt, options.retry, options.random);
		if (delayMs === undefined) {
			return { ...outcome.result, error: recorded, attempts: attempt };
		}
		options.onRetry?.(attempt + 1, delayMs, recorded);
		await sleep(delayMs, options.signal);
	}
}

async function callOnce(options: CallOptions): Promise<{ result: Omit<CallOutcome, 'attempts'>; failure?: unknown }> {
	const { model, parameters = {} } = options;
	const started = options.now();
	let firstTokenAt: number | undefined;
	let output = '';
	let usage: Usage | undefined;
	let finishReason: FinishReason = 'unknown';
	const tokens: TokenLogprob[] = [];
	let failure: unknown;

	try {
		const stream = model.provider.streamChat({
			model: model.name,
			messages: options.messages,
			maxTokens: parameters.maxTokens,
			temperature: parameters.temperature,
			topP: parameters.topP,
			seed: parameters.seed,
			stop: parameters.stop,
			logprobs: parameters.logprobs,
			signal: options.signal,
			stallTimeoutMs: options.stallTimeoutMs,
		});
		for await (const chunk of stream) {
			if (chunk.type === 'delta') {
				firstTokenAt ??= options.now();
				output += chunk.text;
				options.onDelta?.(chunk.text);
			} else if (chunk.type === 'logprobs') {
				tokens.push(...chunk.tokens);
			} else if (chunk.type === 'usage') {
				usage = chunk.usage;
			} else {
				finishReason = chunk.reason;
			}
		}
	} catch (error) {
		failure = error;
		finishReason = error instanceof CancelledError || options.signal?.aborted ? 'cancelled' : 'error';
	}

	const latencyMs = options.now() - started;
	const callUsage = usageOf(usage, options.messages, output, model);
	const result: Omit<CallOutcome, 'attempts'> = {
		output,
		usage: failure === undefined ? callUsage : { ...callUsage, costUsd: undefined },
		firstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
		latencyMs,
		finishReason,
		logprobs: failure === undefined ? logprobFigures(tokens) : undefined,
	};
	return { result, failure };
}

/** Uses the reported usage, or counts prompt and output with the model's encoding and labels the counts estimated. */
function usageOf(usage: Usage | undefined, messages: ChatMessage[], output: string, model: ResolvedModel): CallUsage {
	const promptTokens = usage?.promptTokens ?? countChatTokens(messages, model.encoding);
	const completionTokens = usage?.completionTokens ?? countTokens(output, model.encoding);
	return {
		promptTokens,
		completionTokens,
		estimated: usage === undefined,
		costUsd: costOf(model.price, promptTokens, completionTokens),
	};
}

/** Converts an error into the form stored in run files. */
export function recordError(error: unknown): RecordedError {
	const kind = error instanceof Error ? error.name : 'Error';
	const message = error instanceof Error ? error.message : String(error);
	const status = error instanceof ProviderError ? error.status : undefined;
	return status === undefined ? { kind, message } : { kind, message, status };
}
