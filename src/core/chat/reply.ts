/**
 * Streams one assistant reply from a provider into a stored message: text as it arrives, then usage, timing, cost and
 * the finish reason. A notice says when the reply was cut off, stopped at a limit, or its input was truncated.
 */

import { CancelledError, StreamCutError, StreamStalledError } from '../errors';
import { costOf, type TokenPrice } from '../models/catalog';
import type { ChatMessage, ChatProvider, FinishReason, Usage } from '../providers/types';
import type { StoredMessage } from './conversation';

export interface ReplyOptions {
	provider: ChatProvider;
	/** Model name as the provider expects it. */
	model: string;
	/** Model id stored on the message (`<providerId>:<model>`). */
	modelId: string;
	messages: ChatMessage[];
	/** The assistant message to fill. The caller creates it so that it can be stored before the first chunk. */
	message: StoredMessage;
	maxTokens?: number;
	temperature?: number;
	numCtx?: number;
	stallTimeoutMs?: number;
	signal?: AbortSignal;
	/** Our own count of the prompt, including chat framing: the estimate when the provider reports no usage. */
	promptTokenEstimate: number;
	/** Counts the reply's tokens when the provider reports no usage. */
	countTokens: (text: string) => number | Promise<number>;
	price?: TokenPrice;
	/** The window the request was checked against, for telling truncation apart from a count mismatch. */
	contextWindow?: number;
	/** True when `promptTokenEstimate` comes from the model's own tokenizer, so a shortfall cannot be a count mismatch. */
	exactTokenizer?: boolean;
	onDelta?: (text: string) => void;
	now?: () => number;
}

export interface ReplyResult {
	message: StoredMessage;
	/** The error that ended the reply early, if any. The partial text stays on the message. */
	error?: unknown;
	/** Usage as the provider reported it, if it did. */
	reportedUsage?: Usage;
}

/**
 * Share by which the server's prompt count may fall below ours before the reply is flagged as truncated. Chat
 * templates and tokenizers of unknown models make small differences normal.
 */
const TRUNCATION_TOLERANCE = 0.1;

/** Streams the reply; never throws for provider failures, which come back in `error` with the message marked. */
export async function streamReply(options: ReplyOptions): Promise<ReplyResult> {
	const now = options.now ?? Date.now;
	const { message } = options;
	const started = now();
	let firstTokenAt: number | undefined;
	let usage: Usage | undefined;
	let finishReason: FinishReason = 'unknown';
	let failure: unknown;

	message.status = 'streaming';
	try {
		const stream = options.provider.streamChat({
			model: options.model,
			messages: options.messages,
			maxTokens: options.maxTokens,
			temperature: options.temperature,
			numCtx: options.numCtx,
			signal: options.signal,
			stallTimeoutMs: options.stallTimeoutMs,
		});
		for await (const chunk of stream) {
			if (chunk.type === 'delta') {
				if (chunk.text.length > 0 && firstTokenAt === undefined) {
					firstTokenAt = now();
				}
				message.content += chunk.text;
				options.onDelta?.(chunk.text);
			} else if (chunk.type === 'usage') {
				usage = chunk.usage;
			} else if (chunk.type === 'finish') {
				finishReason = chunk.reason;
			}
		}
	} catch (error) {
		failure = error;
		finishReason = error instanceof CancelledError || options.signal?.aborted ? 'cancelled' : 'error';
	}

	const finished = now();
	const estimated = usage === undefined;
	const promptTokens = usage?.promptTokens ?? options.promptTokenEstimate;
	// An estimate from another model's tokenizer can exceed the limit the server enforced, so cap it there.
	// Counting can fail while the window closes (the token worker stops first); the figures then stay unknown.
	const counted = usage?.completionTokens ?? (await countOrUndefined(options.countTokens, message.content));
	const completionTokens =
		usage || !options.maxTokens || counted === undefined ? counted : Math.min(counted, options.maxTokens);
	message.finishReason = finishReason;
	message.stats = {
		promptTokens,
		completionTokens,
		estimated,
		latencyMs: finished - started,
		firstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
		costUsd: completionTokens === undefined ? undefined : costOf(options.price, promptTokens, completionTokens),
	};
	message.status = statusOf(finishReason);
	message.notice = noticeOf(finishReason, failure, usage, options);
	return { message, error: failure, reportedUsage: usage };
}

async function countOrUndefined(count: ReplyOptions['countTokens'], text: string): Promise<number | undefined> {
	try {
		return await count(text);
	} catch {
		return undefined;
	}
}

function statusOf(reason: FinishReason): StoredMessage['status'] {
	if (reason === 'cancelled') {
		return 'stopped';
	}
	return reason === 'error' ? 'error' : 'done';
}

function noticeOf(
	reason: FinishReason,
	failure: unknown,
	usage: Usage | undefined,
	options: ReplyOptions,
): string | undefined {
	const notices: string[] = [];
	const truncation = { exactTokenizer: options.exactTokenizer ?? false, contextWindow: options.contextWindow };
	if (usage && isTruncated(usage.promptTokens, options.promptTokenEstimate, truncation)) {
		notices.push(
			`Input truncated: the server counted ${usage.promptTokens.toLocaleString('en-US')} prompt tokens, but the ` +
				`prompt has ${options.promptTokenEstimate.toLocaleString('en-US')}. It cut the input to fit its context ` +
				'window, so the reply did not see all of it. Raise the window or shorten the conversation.',
		);
	}
	if (reason === 'length' && usage && options.maxTokens && usage.completionTokens < options.maxTokens) {
		// A length stop before max_tokens means the window, not the output limit, ran out.
		const used = (usage.promptTokens + usage.completionTokens).toLocaleString('en-US');
		notices.push(
			`Stopped because the context window is full: ${used} tokens of prompt and reply filled it before the ` +
				`${options.maxTokens.toLocaleString('en-US')}-token output limit. Shorten the conversation or raise the window.`,
		);
	} else if (reason === 'length') {
		const limit = options.maxTokens ? ` of ${options.maxTokens.toLocaleString('en-US')} tokens` : '';
		notices.push(`Stopped at the output limit${limit}. Raise llmLab.maxTokens for longer replies.`);
	} else if (reason === 'cancelled') {
		notices.push('Stopped by you.');
	} else if (failure instanceof StreamStalledError) {
		notices.push(`Stream stalled: ${failure.message}`);
	} else if (failure instanceof StreamCutError) {
		notices.push(`Cut off: ${failure.message}`);
	} else if (failure) {
		notices.push(failure instanceof Error ? failure.message : String(failure));
	}
	return notices.length > 0 ? notices.join(' ') : undefined;
}

/** Facts about the compared count that `isTruncated` weighs. */
export interface TruncationEvidence {
	/** Whether our count used the model's own tokenizer. */
	exactTokenizer: boolean;
	/** The window we believed the server runs with. */
	contextWindow?: number;
}

/**
 * Reports whether the server counted clearly fewer prompt tokens than were sent, the sign of a truncated input. With
 * our own tokenizer that shortfall is enough. With an estimate, another vocabulary can need far fewer tokens for the
 * same text, so the prompt must also have been over the window for the server to have cut it.
 */
export function isTruncated(
	reportedPromptTokens: number,
	sentPromptTokens: number,
	evidence: TruncationEvidence = { exactTokenizer: true },
): boolean {
	const shortfall =
		reportedPromptTokens < sentPromptTokens * (1 - TRUNCATION_TOLERANCE) && sentPromptTokens - reportedPromptTokens > 16;
	if (!shortfall || evidence.exactTokenizer) {
		return shortfall;
	}
	return evidence.contextWindow !== undefined && sentPromptTokens > evidence.contextWindow;
}
