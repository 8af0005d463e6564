/**
 * OpenAI-compatible provider (OpenAI, llama-server, vLLM, LM Studio and others) on LangChain's Chat Completions model.
 */

import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAICompletions, OpenAIClient } from '@langchain/openai';
import {
	AuthError,
	BadResponseError,
	CancelledError,
	ConnectionError,
	ContextOverflowError,
	MissingKeyError,
	ModelNotFoundError,
	ProviderError,
	type ProviderErrorOptions,
	RateLimitError,
	RequestTimeoutError,
	ServerError,
	StreamCutError,
	StreamStalledError,
} from '../errors';
import { type Logger, silentLogger } from '../logger';
import {
	defaultResponseTimeoutMs,
	fetchWithResponseTimeout,
	findSystemErrorCode,
	formatSeconds,
	guardResponseBody,
	parseRetryAfterMs,
	requestUrl,
	ResponseTimeout,
	type StreamWatch,
	trimTrailingSlash,
	watchStream,
} from './http';
import type {
	ChatChunk,
	ChatMessage,
	ChatProvider,
	ChatRequest,
	ContextWindowSource,
	FinishReason,
	ModelInfo,
	ProviderConfig,
	TokenLogprob,
	Usage,
} from './types';

export interface OpenAIProviderOptions {
	/** Sent as `Authorization: Bearer <apiKey>`, only on requests to the configured base URL. */
	apiKey?: string;
	logger?: Logger;
	/** @default globalThis.fetch */
	fetch?: typeof fetch;
	/** Time to wait for response headers, in milliseconds. @default defaultResponseTimeoutMs (180 s) */
	responseTimeoutMs?: number;
}

/**
 * Base URLs whose server rejected `stream: true` with HTTP 400 but returned a reply to the same request without streaming. Kept in
 * memory for the life of the process, so a restart tries streaming again.
 */
const nonStreamingBaseUrls = new Set<string>();

/** Hosts that always need a key; other OpenAI-compatible servers often run without one. */
const hostsRequiringKey = new Set(['api.openai.com']);

/** Stands in for a missing key, because the OpenAI client refuses to start without one; the header is removed before sending. */
const placeholderKey = 'no-key';

/** Thrown inside the provider when the server rejected `stream: true` with HTTP 400, to retry without streaming. */
class StreamingRejected extends Error {
	constructor(readonly rejection: ProviderError) {
		super(rejection.message, { cause: rejection });
	}
}

/**
 * Thrown by the fetch wrapper when a streamed request got one JSON `chat.completion` body, because the server ignored
 * `stream: true`. The provider reads it as a complete reply instead of an event stream.
 */
class CompleteReply extends Error {
	constructor(readonly body: unknown) {
		super('The server sent a complete reply to a streamed request.');
	}
}

type OpenAIAPIError = InstanceType<typeof OpenAIClient.APIError>;

/** The first choice of a `chat.completion` body, with the fields the provider reads. */
interface CompletionChoice {
	message?: { content?: unknown };
	logprobs?: unknown;
	finish_reason?: unknown;
}

interface RequestContext {
	url: string;
	model?: string;
}

export class OpenAIProvider implements ChatProvider {
	private readonly baseUrl: string;
	private readonly apiKey: string | undefined;
	private readonly logger: Logger;
	private readonly fetchImpl: typeof fetch;
	private readonly responseTimeoutMs: number;

	constructor(
		readonly config: ProviderConfig,
		options: OpenAIProviderOptions = {},
	) {
		this.baseUrl = trimTrailingSlash(config.baseUrl);
		this.apiKey = options.apiKey || undefined;
		this.logger = options.logger ?? silentLogger;
		this.fetchImpl = options.fetch ?? globalThis.fetch;
		this.responseTimeoutMs = options.responseTimeoutMs ?? defaultResponseTimeoutMs;
	}

	/** Lists the models from `GET <baseUrl>/models`. The endpoint reports no context windows, so none are set. */
	async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
		const context = { url: `${this.baseUrl}/models` };
		this.checkKey(context);
		const response = await this.fetchJson(context, signal);

		const data = (response as { data?: unknown }).data;
		if (!Array.isArray(data)) {
			throw new BadResponseError(
				`The model list from ${context.url} has no "data" array. Check that the base URL in the llmLab.providers ` +
					`setting points to an OpenAI-compatible API (it usually ends in /v1).`,
				this.errorOptions(context),
			);
		}
		const serverWindow = await this.readServerWindow(signal);
		return data
			.filter((entry): entry is { id: string; meta?: { n_ctx_train?: unknown } } => typeof entry?.id === 'string')
			.map((entry): ModelInfo => {
				const trained = typeof entry.meta?.n_ctx_train === 'number' ? entry.meta.n_ctx_train : undefined;
				const contextWindows = { runningServer: serverWindow, modelMetadata: trained };
				return {
					id: `${this.config.id}:${entry.id}`,
					providerId: this.config.id,
					name: entry.id,
					contextWindow: serverWindow ?? trained,
					contextWindowSource: windowSourceOf(serverWindow, trained),
					contextWindows,
					chat: true,
				};
			});
	}

	/**
	 * Reads the window a llama.cpp server runs with from `GET /props` (`default_generation_settings.n_ctx`, per slot),
	 * next to the `/v1` root. Other servers have no such endpoint, so any failure just means "unknown".
	 */
	private async readServerWindow(signal: AbortSignal | undefined): Promise<number | undefined> {
		if (hostsRequiringKey.has(new URL(this.baseUrl).hostname) || !/\/v1\/?$/.test(this.baseUrl)) {
			return undefined;
		}
		const url = `${this.baseUrl.replace(/\/v1\/?$/, '')}/props`;
		try {
			const timeout = AbortSignal.timeout(3_000);
			const response = await this.scopedFetch(undefined)(url, {
				signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
				headers: { accept: 'application/json' },
			});
			if (!response.ok) {
				return undefined;
			}
			const body = (await response.json()) as { default_generation_settings?: { n_ctx?: unknown } };
			const window = body.default_generation_settings?.n_ctx;
			return typeof window === 'number' && window > 0 ? window : undefined;
		} catch (error) {
			if (signal?.aborted) {
				throw new CancelledError();
			}
			this.logger.debug(`No context window from ${url}: ${String(error)}`);
			return undefined;
		}
	}

	/**
	 * Streams one reply. When the server rejects `stream: true` with HTTP 400 (and the request is not too long), the
	 * request is sent once more without streaming, and later requests to the same base URL skip streaming.
	 */
	async *streamChat(request: ChatRequest): AsyncIterable<ChatChunk> {
		const context = { url: `${this.baseUrl}/chat/completions`, model: request.model };
		this.checkKey(context);
		if (request.signal?.aborted) {
			throw new CancelledError();
		}

		if (!nonStreamingBaseUrls.has(this.baseUrl)) {
			try {
				yield* this.streamReply(request, context);
				return;
			} catch (error) {
				if (!(error instanceof StreamingRejected)) {
					throw error;
				}
				this.logger.warn(
					`${context.url} rejected a streamed request for model "${request.model}" with HTTP 400; ` +
						'retrying without streaming.',
					error.rejection.message,
				);
			}
			yield* this.invokeReply(request, context);
			nonStreamingBaseUrls.add(this.baseUrl);
			this.logger.info(`Requests to ${this.baseUrl} will not stream until LLM Lab restarts.`);
			return;
		}
		yield* this.invokeReply(request, context);
	}

	private async *streamReply(request: ChatRequest, context: RequestContext): AsyncIterable<ChatChunk> {
		const watch = watchStream(request.signal, request.stallTimeoutMs);
		const model = this.createModel(request, true, watch);
		let finishReason: FinishReason | undefined;
		let deltaCount = 0;
		let complete: CompleteReply | undefined;

		try {
			const stream = await model.stream(toLangChainMessages(request.messages), {
				signal: watch.signal,
				seed: request.seed,
			});
			for await (const chunk of stream) {
				const text = typeof chunk.content === 'string' ? chunk.content : '';
				if (text !== '') {
					deltaCount++;
					yield { type: 'delta', text };
					watch.touch();
				}
				const tokens = request.logprobs ? toTokenLogprobs(chunk.response_metadata?.logprobs) : undefined;
				if (tokens) {
					yield { type: 'logprobs', tokens };
					watch.touch();
				}
				const reason = chunk.response_metadata?.finish_reason;
				if (typeof reason === 'string') {
					finishReason = toFinishReason(reason);
				}
				const usage = toUsage(chunk.usage_metadata);
				if (usage) {
					yield { type: 'usage', usage };
					watch.touch();
				}
			}
		} catch (error) {
			complete = findInCauses(error, (value): value is CompleteReply => value instanceof CompleteReply);
			if (!complete) {
				throw this.streamError(error, watch, request, context, deltaCount === 0);
			}
		} finally {
			watch.dispose();
		}

		if (complete) {
			yield* this.completionChunks(complete.body, request, context);
			return;
		}

		if (watch.stalled || request.signal?.aborted) {
			throw this.streamError(undefined, watch, request, context, false);
		}
		if (finishReason === undefined) {
			throw new StreamCutError(
				`The stream from ${context.url} for model "${request.model}" ended before its finish chunk. ` +
					'The partial reply was kept; retry the request.',
				this.errorOptions(context),
			);
		}
		yield { type: 'finish', reason: finishReason };
	}

	private async *invokeReply(request: ChatRequest, context: RequestContext): AsyncIterable<ChatChunk> {
		const model = this.createModel(request, false, undefined);
		let message: AIMessage;
		try {
			message = await model.invoke(toLangChainMessages(request.messages), {
				signal: request.signal,
				seed: request.seed,
			});
		} catch (error) {
			if (request.signal?.aborted) {
				throw new CancelledError();
			}
			throw this.toProviderError(error, context);
		}

		const text = typeof message.content === 'string' ? message.content : '';
		if (text !== '') {
			yield { type: 'delta', text };
		}
		const tokens = request.logprobs ? toTokenLogprobs(message.response_metadata?.logprobs) : undefined;
		if (tokens) {
			yield { type: 'logprobs', tokens };
		}
		const usage = toUsage(message.usage_metadata);
		if (usage) {
			yield { type: 'usage', usage };
		}
		const reason = message.response_metadata?.finish_reason;
		yield { type: 'finish', reason: typeof reason === 'string' ? toFinishReason(reason) : 'unknown' };
	}

	/** Turns a whole `chat.completion` body into chunks: text, log-probabilities, usage and finish reason. */
	private *completionChunks(body: unknown, request: ChatRequest, context: RequestContext): Iterable<ChatChunk> {
		const choice = (body as { choices?: unknown } | null)?.choices;
		const first = Array.isArray(choice) ? (choice[0] as CompletionChoice | undefined) : undefined;
		if (typeof first !== 'object' || first === null) {
			throw new BadResponseError(
				`The reply from ${context.url} for model "${request.model}" is JSON without a "choices" array. Check that ` +
					`the base URL of provider "${this.config.id}" in the llmLab.providers setting points to an ` +
					'OpenAI-compatible API (it usually ends in /v1).',
				this.errorOptions(context),
			);
		}
		const text = typeof first.message?.content === 'string' ? first.message.content : '';
		if (text !== '') {
			yield { type: 'delta', text };
		}
		const tokens = request.logprobs ? toTokenLogprobs(first.logprobs) : undefined;
		if (tokens) {
			yield { type: 'logprobs', tokens };
		}
		const usage = (body as { usage?: { prompt_tokens?: number; completion_tokens?: number } }).usage;
		const counts = toUsage({ input_tokens: usage?.prompt_tokens, output_tokens: usage?.completion_tokens });
		if (counts) {
			yield { type: 'usage', usage: counts };
		}
		const reason = first.finish_reason;
		yield { type: 'finish', reason: typeof reason === 'string' ? toFinishReason(reason) : 'unknown' };
	}

	/**
	 * Builds the LangChain model for one request. `ChatOpenAICompletions` is used instead of `ChatOpenAI` because
	 * `ChatOpenAI` switches some model names (such as `*codex*`) to the Responses API, which compatible servers lack.
	 */
	private createModel(
		request: ChatRequest,
		streaming: boolean,
		watch: StreamWatch | undefined,
	): ChatOpenAICompletions {
		return new ChatOpenAICompletions({
			model: request.model,
			apiKey: this.apiKey ?? placeholderKey,
			configuration: { baseURL: this.baseUrl, fetch: this.scopedFetch(watch, request) },
			streaming,
			streamUsage: true,
			maxTokens: request.maxTokens,
			temperature: request.temperature,
			topP: request.topP,
			stopSequences: request.stop !== undefined && request.stop.length > 0 ? request.stop : undefined,
			// LangChain then copies each choice's `logprobs` into the chunk's `response_metadata.logprobs`.
			logprobs: request.logprobs ? true : undefined,
			// Retries are the caller's decision: a retried stream would repeat text the user has already seen.
			maxRetries: 0,
		});
	}

	/**
	 * Wraps fetch so that the key goes only to the configured base URL, and so that streamed bodies report cut
	 * connections and malformed events as named errors and restart the stall timer on reply content. A 200 response to a
	 * streamed request that is not an event stream is read by `readUnstreamedBody`.
	 */
	private scopedFetch(watch: StreamWatch | undefined, request?: ChatRequest): typeof fetch {
		return async (input, init) => {
			let url = requestUrl(input);
			const context = { url, model: request?.model };
			// Chat requests follow redirects here, one hop at a time, so that the prompt never goes to another origin.
			const redirect: RequestRedirect = request === undefined ? (init?.redirect ?? 'follow') : 'manual';
			let response: Response;
			for (let hops = 0; ; hops++) {
				response = await this.sendOnce(hops === 0 ? input : url, { ...init, redirect }, context);
				if (redirect !== 'manual' || response.status < 300 || response.status >= 400) {
					break;
				}
				url = this.sameOriginRedirect(response, url, hops, context);
			}
			watch?.markResponded();

			const contentType = response.headers.get('content-type') ?? '';
			if (!response.ok || watch === undefined) {
				return response;
			}
			if (!contentType.includes('text/event-stream')) {
				throw await this.readUnstreamedBody(response, contentType, context);
			}
			return guardResponseBody(response, init?.signal, {
				// Only events with content or a finish restart the stall timer, so that a server sending nothing but
				// keepalive comments still stalls. The first content gets the same limit, counted from the request.
				// NOTE: a server that reads a long prompt for longer than the stall timeout, with keepalives, stalls too.
				checkLine: (line) => {
					if (this.checkEventLine(line, context)) {
						watch.touch();
					}
				},
				readError: (cause) =>
					new StreamCutError(
						`The connection to ${url} closed before the reply for model "${request?.model}" finished. ` +
							'The partial reply was kept; retry the request.',
						this.errorOptions(context, cause),
					),
			});
		};
	}

	/** Sends one HTTP request, with the key only when `input` is under the base URL. */
	private async sendOnce(input: string | URL | Request, init: RequestInit, context: RequestContext): Promise<Response> {
		const url = requestUrl(input);
		const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
		headers.delete('authorization');
		if (this.apiKey !== undefined && isUnderBaseUrl(url, this.baseUrl)) {
			headers.set('authorization', `Bearer ${this.apiKey}`);
		}
		try {
			return await fetchWithResponseTimeout(this.fetchImpl, input, { ...init, headers }, this.responseTimeoutMs);
		} catch (error) {
			if (init.signal?.aborted) {
				throw error;
			}
			if (error instanceof ResponseTimeout) {
				throw this.responseTimeoutError(error.timeoutMs, context, error);
			}
			throw this.connectionError(error, context);
		}
	}

	/**
	 * Returns the target of a redirect within the same origin. A redirect to another origin fails instead, because the
	 * prompt would go to a host the user did not configure. Like fetch, it gives up after 20 redirects.
	 */
	private sameOriginRedirect(response: Response, url: string, hops: number, context: RequestContext): string {
		void response.body?.cancel().catch(() => undefined);
		const location = response.headers.get('location');
		const target = location === null ? null : URL.parse(location, url);
		const from = new URL(url);
		const options = { ...this.errorOptions(context), status: response.status };
		const fix = `Put the final URL in the base URL of provider "${this.config.id}" in the llmLab.providers setting.`;
		if (target === null || target.origin !== from.origin) {
			const destination = target === null ? 'without a valid Location header' : `to ${target.host}`;
			throw new BadResponseError(
				`${from.host} redirected the chat request for model "${context.model}" ${destination} (HTTP ` +
					`${response.status}). LLM Lab does not send prompts to a host you did not configure. ${fix}`,
				options,
			);
		}
		if (hops >= 20) {
			throw new BadResponseError(
				`${from.host} redirected the chat request for model "${context.model}" more than 20 times. ${fix}`,
				options,
			);
		}
		return target.href;
	}

	/**
	 * Reads a 200 response to a streamed request that is not an event stream. A JSON body is a complete reply from a
	 * server that ignored `stream: true`; anything else means the base URL points at something else.
	 */
	private async readUnstreamedBody(response: Response, contentType: string, context: RequestContext): Promise<Error> {
		if (!/[/+]json\b/.test(contentType)) {
			void response.body?.cancel().catch(() => undefined);
			const received = contentType === '' ? 'no content type' : `content type "${contentType}"`;
			return new BadResponseError(
				`The reply from ${context.url} for model "${context.model}" has ${received} instead of an event stream ` +
					`or JSON. The base URL of provider "${this.config.id}" probably does not point at an OpenAI-compatible ` +
					'API: check it in the llmLab.providers setting (it usually ends in /v1).',
				{ ...this.errorOptions(context), status: response.status },
			);
		}
		const text = await response.text();
		try {
			return new CompleteReply(JSON.parse(text));
		} catch (cause) {
			return new BadResponseError(
				`The reply from ${context.url} for model "${context.model}" is not valid JSON. Check that the base URL ` +
					'points to an OpenAI-compatible server.',
				this.errorOptions(context, cause),
			);
		}
	}

	/** Checks one SSE line and returns true when it carries reply content, a finish reason or usage. */
	private checkEventLine(line: string, context: RequestContext): boolean {
		if (!line.startsWith('data:')) {
			return false;
		}
		const data = line.slice(5).trim();
		if (data === '[DONE]') {
			return true;
		}
		try {
			return carriesProgress(JSON.parse(data));
		} catch (cause) {
			throw new BadResponseError(
				`The stream from ${context.url} for model "${context.model}" contains an event that is not valid JSON. ` +
					'Check that the base URL points to an OpenAI-compatible server, then retry.',
				this.errorOptions(context, cause),
			);
		}
	}

	private streamError(
		error: unknown,
		watch: StreamWatch,
		request: ChatRequest,
		context: RequestContext,
		beforeFirstDelta: boolean,
	): Error {
		if (watch.stalled && !watch.responded) {
			return this.responseTimeoutError(request.stallTimeoutMs ?? 0, context, error);
		}
		if (watch.stalled) {
			return new StreamStalledError(
				`The stream from ${context.url} for model "${request.model}" stalled: no data arrived for ` +
					`${request.stallTimeoutMs} ms. The partial reply was kept; retry the request.`,
				this.errorOptions(context, error),
			);
		}
		if (request.signal?.aborted) {
			return new CancelledError();
		}
		const mapped = this.toProviderError(error, context);
		if (beforeFirstDelta && mapped.status === 400 && !(mapped instanceof ContextOverflowError)) {
			return new StreamingRejected(mapped);
		}
		return mapped;
	}

	/** Maps an error from LangChain or the OpenAI client to a named provider error, by class and HTTP status. */
	private toProviderError(error: unknown, context: RequestContext): ProviderError {
		const existing = findInCauses(error, (value): value is ProviderError => value instanceof ProviderError);
		if (existing) {
			return existing;
		}
		const apiError = findInCauses(
			error,
			(value): value is OpenAIAPIError => value instanceof OpenAIClient.APIError,
		);
		if (apiError instanceof OpenAIClient.APIConnectionTimeoutError) {
			return new RequestTimeoutError(
				`The server at ${context.url} sent no response before the OpenAI client's timeout. Check that it is not ` +
					'overloaded, then retry.',
				this.errorOptions(context, error),
			);
		}
		if (apiError instanceof OpenAIClient.APIConnectionError) {
			return this.connectionError(apiError, context);
		}
		if (apiError) {
			const retryAfter = apiError.headers?.get('retry-after');
			return this.statusError(apiError.status, apiError.error, retryAfter, context, error);
		}
		if (error instanceof SyntaxError) {
			return new BadResponseError(
				`The response from ${context.url} for model "${context.model}" is not valid JSON. Check that the base ` +
					'URL points to an OpenAI-compatible server.',
				this.errorOptions(context, error),
			);
		}
		return new ProviderError(
			`The request to ${context.url} failed: ${error instanceof Error ? error.message : String(error)}. See the log for details.`,
			this.errorOptions(context, error),
		);
	}

	/**
	 * Maps an HTTP error status to a named error. `status` is undefined for an error event inside a stream.
	 * `body` is the response's `error` object.
	 */
	private statusError(
		status: number | undefined,
		body: unknown,
		retryAfter: string | null | undefined,
		context: RequestContext,
		cause: unknown,
	): ProviderError {
		const options = { ...this.errorOptions(context, cause), status };
		const detail = this.errorDetail(body);
		const model = context.model ?? '';
		const overflow = readContextOverflow(body);
		if (overflow) {
			const counts =
				overflow.promptTokens !== undefined && overflow.contextWindow !== undefined
					? ` (${overflow.promptTokens} tokens; the window is ${overflow.contextWindow})`
					: '';
			return new ContextOverflowError(
				`The prompt for model "${model}" is longer than the context window at ${context.url}${counts}. ` +
					'Shorten the conversation, or use a model or server with a larger context window.',
				overflow.promptTokens,
				overflow.contextWindow,
				options,
			);
		}
		switch (status) {
			case 401:
			case 403:
				return new AuthError(
					`${context.url} rejected the API key for provider "${this.config.id}" (HTTP ${status}${detail}). ` +
						'Set a valid key for this provider and retry.',
					options,
				);
			case 404:
				return new ModelNotFoundError(
					model,
					`Model "${model}" was not found at ${context.url} (HTTP 404${detail}). Check the model name, or pick ` +
						'one from the model list.',
					options,
				);
			case 429: {
				const retryAfterMs = parseRetryAfterMs(retryAfter);
				const wait = retryAfterMs === undefined ? 'Wait a moment' : `Wait ${Math.ceil(retryAfterMs / 1000)} s`;
				return new RateLimitError(
					`${context.url} is rate limiting requests for model "${model}" (HTTP 429${detail}). ${wait} and retry.`,
					retryAfterMs,
					options,
				);
			}
			default:
				if (status === undefined) {
					return new ServerError(
						`The server at ${context.url} reported an error in the middle of the reply for model "${model}": ` +
							`${this.quotedErrorMessage(body)}. Retry, or check the server's log.`,
						options,
					);
				}
				return new ServerError(
					`${context.url} failed the request for model "${model}" (HTTP ${status}${detail}). Retry, or check ` +
						"the server's log.",
					options,
				);
		}
	}

	/** Formats the server's own error message for inclusion in ours, as `: <message>`, with the key masked. */
	private errorDetail(body: unknown): string {
		const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
		if (typeof message !== 'string' || message === '') {
			return '';
		}
		return `: ${this.apiKey === undefined ? message : message.split(this.apiKey).join('***')}`;
	}

	/** Quotes the server's own error message with the key masked, or states that it sent none. */
	private quotedErrorMessage(body: unknown): string {
		const detail = this.errorDetail(body);
		return detail === '' ? 'it sent no error message' : `"${detail.slice(2)}"`;
	}

	private responseTimeoutError(timeoutMs: number, context: RequestContext, cause: unknown): RequestTimeoutError {
		const model = context.model === undefined ? '' : ` for model "${context.model}"`;
		return new RequestTimeoutError(
			`The server at ${context.url} accepted the connection but sent no response${model} within ` +
				`${formatSeconds(timeoutMs)}. It may be loading the model or overloaded: check its log, then retry.`,
			this.errorOptions(context, cause),
		);
	}

	private connectionError(error: unknown, context: RequestContext): ConnectionError {
		const code = findSystemErrorCode(error);
		return new ConnectionError(
			`Could not connect to ${context.url}${code ? ` (${code})` : ''}. Check that the server is running and that ` +
				`the base URL of provider "${this.config.id}" in the llmLab.providers setting is right.`,
			this.errorOptions(context, error),
		);
	}

	private async fetchJson(context: RequestContext, signal: AbortSignal | undefined): Promise<unknown> {
		let response: Response;
		try {
			response = await this.scopedFetch(undefined)(context.url, {
				signal,
				headers: { accept: 'application/json' },
			});
		} catch (error) {
			if (signal?.aborted) {
				throw new CancelledError();
			}
			throw error;
		}
		const text = await response.text();
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch (cause) {
			if (!response.ok) {
				throw this.statusError(response.status, undefined, response.headers.get('retry-after'), context, cause);
			}
			throw new BadResponseError(
				`The response from ${context.url} is not valid JSON. Check that the base URL in the llmLab.providers ` +
					'setting points to an OpenAI-compatible API.',
				this.errorOptions(context, cause),
			);
		}
		if (!response.ok) {
			const errorBody = (body as { error?: unknown }).error;
			throw this.statusError(response.status, errorBody, response.headers.get('retry-after'), context, undefined);
		}
		return body;
	}

	private checkKey(context: RequestContext): void {
		if (this.apiKey !== undefined || !hostsRequiringKey.has(new URL(this.baseUrl).hostname)) {
			return;
		}
		throw new MissingKeyError(
			`No API key is stored for provider "${this.config.id}" (${this.baseUrl}). Set the key for this provider, then retry.`,
			this.errorOptions(context),
		);
	}

	private errorOptions(context: RequestContext, cause?: unknown): ProviderErrorOptions {
		return { cause, providerId: this.config.id, url: context.url };
	}
}

/** True when `url` is the base URL or a path below it; the key is sent nowhere else. */
export function isUnderBaseUrl(url: string, baseUrl: string): boolean {
	return url === baseUrl || url.startsWith(`${baseUrl}/`) || url.startsWith(`${baseUrl}?`);
}

/** True when a parsed stream event has reply text, a finish reason, usage or an error, as opposed to a bare role. */
function carriesProgress(event: unknown): boolean {
	const fields = event as {
		choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
		usage?: unknown;
		error?: unknown;
	} | null;
	if (fields?.usage || fields?.error) {
		return true;
	}
	return (fields?.choices ?? []).some(
		(choice) => (typeof choice?.delta?.content === 'string' && choice.delta.content !== '') || !!choice?.finish_reason,
	);
}

function toLangChainMessages(messages: ChatMessage[]): BaseMessage[] {
	return messages.map((message) => {
		switch (message.role) {
			case 'system':
				return new SystemMessage(message.content);
			case 'assistant':
				return new AIMessage(message.content);
			default:
				return new HumanMessage(message.content);
		}
	});
}

function toFinishReason(reason: string): FinishReason {
	switch (reason) {
		case 'stop':
		case 'tool_calls':
		case 'function_call':
			return 'stop';
		case 'length':
			return 'length';
		case 'content_filter':
			return 'error';
		default:
			return 'unknown';
	}
}

/** Returns the token counts, or undefined when the server sent none (never zeros in place of missing counts). */
function toUsage(metadata: { input_tokens?: number; output_tokens?: number } | undefined): Usage | undefined {
	if (typeof metadata?.input_tokens !== 'number' || typeof metadata.output_tokens !== 'number') {
		return undefined;
	}
	return { promptTokens: metadata.input_tokens, completionTokens: metadata.output_tokens };
}

/**
 * Reads the tokens of a choice's `logprobs` object (`{ content: [{ token, logprob, ... }] }` in OpenAI's and
 * llama-server's Chat Completions format). Returns undefined when it has none, as in a role-only or finish chunk.
 */
function toTokenLogprobs(logprobs: unknown): TokenLogprob[] | undefined {
	const content = (logprobs as { content?: unknown } | null | undefined)?.content;
	if (!Array.isArray(content)) {
		return undefined;
	}
	const tokens: TokenLogprob[] = [];
	for (const entry of content as Array<{ token?: unknown; logprob?: unknown }>) {
		if (typeof entry?.token === 'string' && typeof entry.logprob === 'number') {
			tokens.push({ token: entry.token, logprob: entry.logprob });
		}
	}
	return tokens.length > 0 ? tokens : undefined;
}

/**
 * Reads a context-overflow error body: OpenAI's `code: "context_length_exceeded"` (no counts), or llama-server's
 * `type: "exceed_context_size_error"` with `n_prompt_tokens` and `n_ctx`.
 */
function readContextOverflow(body: unknown): { promptTokens?: number; contextWindow?: number } | undefined {
	if (typeof body !== 'object' || body === null) {
		return undefined;
	}
	const fields = body as { code?: unknown; type?: unknown; n_prompt_tokens?: unknown; n_ctx?: unknown };
	if (fields.type === 'exceed_context_size_error') {
		return {
			promptTokens: typeof fields.n_prompt_tokens === 'number' ? fields.n_prompt_tokens : undefined,
			contextWindow: typeof fields.n_ctx === 'number' ? fields.n_ctx : undefined,
		};
	}
	if (fields.code === 'context_length_exceeded') {
		return {};
	}
	return undefined;
}

function findInCauses<T>(error: unknown, match: (value: unknown) => value is T): T | undefined;
function findInCauses(error: unknown, match: (value: unknown) => boolean): unknown;
function findInCauses(error: unknown, match: (value: unknown) => boolean): unknown {
	let current = error;
	for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
		if (match(current)) {
			return current;
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Names where a listed model's window came from: llama.cpp's `/props`, else the trained length in `/v1/models`. */
function windowSourceOf(serverWindow: number | undefined, trained: number | undefined): ContextWindowSource {
	if (serverWindow) {
		return 'running server';
	}
	return trained ? 'model metadata' : 'unknown';
}
