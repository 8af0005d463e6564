/** Ollama provider on the `ollama` client: model list with context windows, and streamed chat over `/api/chat`. */

import {
	type AbortableAsyncIterator,
	type ChatResponse,
	type ChatRequest as OllamaChatRequest,
	type ModelResponse,
	Ollama,
	type ShowResponse,
} from 'ollama';
import {
	AuthError,
	BadResponseError,
	CancelledError,
	ConnectionError,
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
import { resolveOllamaWindow } from '../models/window';
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
	ChatProvider,
	ChatRequest,
	ContextWindowFigures,
	ContextWindowSource,
	FinishReason,
	ModelInfo,
	ProviderConfig,
} from './types';

export interface OllamaProviderOptions {
	logger?: Logger;
	/** @default globalThis.fetch */
	fetch?: typeof fetch;
	/** Time to wait for response headers, in milliseconds. @default defaultResponseTimeoutMs (180 s) */
	responseTimeoutMs?: number;
}

/**
 * Model families that only produce embeddings, for servers whose `/api/show` has no `capabilities` (before v0.6.4) or
 * when `/api/show` failed.
 */
const embeddingFamilies = new Set(['bert', 'nomic-bert', 'nomic-bert-moe', 'jina-bert-v2', 'xlm-roberta']);

interface RequestContext {
	url: string;
	model?: string;
}

/** A streamed chat request, whose body the fetch wrapper checks line by line. */
interface ChatStream {
	watch: StreamWatch;
	context: RequestContext;
}

export class OllamaProvider implements ChatProvider {
	private readonly host: string;
	private readonly logger: Logger;
	private readonly fetchImpl: typeof fetch;
	private readonly responseTimeoutMs: number;

	constructor(
		readonly config: ProviderConfig,
		options: OllamaProviderOptions = {},
	) {
		this.host = trimTrailingSlash(config.baseUrl);
		this.logger = options.logger ?? silentLogger;
		this.fetchImpl = options.fetch ?? globalThis.fetch;
		this.responseTimeoutMs = options.responseTimeoutMs ?? defaultResponseTimeoutMs;
	}

	/**
	 * Lists models from `/api/tags` with their full tags, and their context windows from `/api/ps` (the loaded
	 * window), the Modelfile's `num_ctx` and the model metadata, in that order of preference.
	 */
	async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
		const client = this.client(signal);
		let tags: ModelResponse[];
		try {
			tags = (await client.list()).models;
		} catch (error) {
			throw this.toProviderError(error, signal, { url: `${this.host}/api/tags` });
		}
		const running = await this.readRunningWindows(client, signal);
		return Promise.all(tags.map((tag) => this.describeModel(client, tag, running.get(tag.name), signal)));
	}

	/** Streams one reply from `/api/chat`, with `num_ctx` and `num_predict` in the request options. */
	async *streamChat(request: ChatRequest): AsyncIterable<ChatChunk> {
		if (request.signal?.aborted) {
			throw new CancelledError();
		}
		const watch = watchStream(request.signal, request.stallTimeoutMs);
		const context = { url: `${this.host}/api/chat`, model: request.model };
		const client = this.client(watch.signal, { watch, context });
		let stream: AbortableAsyncIterator<ChatResponse> | undefined;
		let finishReason: FinishReason | undefined;

		try {
			stream = await client.chat({ ...toOllamaRequest(request), stream: true });
			for await (const part of stream) {
				watch.touch();
				if (part.message?.content) {
					yield { type: 'delta', text: part.message.content };
					watch.touch();
				}
				if (!part.done) {
					continue;
				}
				finishReason = toFinishReason(part.done_reason);
				// Ollama leaves out counts of zero, so a missing count means "not reported", never 0 tokens.
				if (typeof part.prompt_eval_count === 'number' && typeof part.eval_count === 'number') {
					yield {
						type: 'usage',
						usage: { promptTokens: part.prompt_eval_count, completionTokens: part.eval_count },
					};
				}
			}
		} catch (error) {
			throw this.streamError(error, watch, request, context);
		} finally {
			watch.dispose();
			if (finishReason === undefined) {
				stream?.abort();
			}
		}

		if (watch.stalled || request.signal?.aborted) {
			throw this.streamError(undefined, watch, request, context);
		}
		yield { type: 'finish', reason: finishReason ?? 'unknown' };
	}

	private async readRunningWindows(client: Ollama, signal: AbortSignal | undefined): Promise<Map<string, number>> {
		const windows = new Map<string, number>();
		try {
			for (const entry of (await client.ps()).models) {
				// `context_length` is in `/api/ps` since Ollama v0.10.0; the client's types predate it.
				const contextLength = (entry as ModelResponse & { context_length?: unknown }).context_length;
				if (typeof contextLength === 'number' && contextLength > 0) {
					windows.set(entry.name, contextLength);
				}
			}
		} catch (error) {
			if (signal?.aborted) {
				throw new CancelledError();
			}
			this.logger.warn(
				`Could not read the loaded models from ${this.host}/api/ps; windows come from /api/show.`,
				error,
			);
		}
		return windows;
	}

	private async describeModel(
		client: Ollama,
		tag: ModelResponse,
		runningWindow: number | undefined,
		signal: AbortSignal | undefined,
	): Promise<ModelInfo> {
		const base = {
			id: `${this.config.id}:${tag.name}`,
			providerId: this.config.id,
			name: tag.name,
			digest: typeof tag.digest === 'string' ? tag.digest : undefined,
		};
		let show: ShowResponse;
		try {
			show = await client.show({ model: tag.name });
		} catch (error) {
			const mapped = this.toProviderError(error, signal, { url: `${this.host}/api/show`, model: tag.name });
			if (mapped instanceof CancelledError) {
				throw mapped;
			}
			this.logger.warn(`Could not read details of model "${tag.name}" from ${this.host}/api/show.`, mapped);
			const figures = { runningServer: runningWindow };
			return {
				...base,
				...pickWindow(figures),
				contextWindows: figures,
				chat: !isEmbeddingFamily(tag),
				error: mapped.message,
			};
		}

		const figures: ContextWindowFigures = {
			runningServer: runningWindow,
			modelParameters: readNumCtx(show.parameters),
			modelMetadata: readMetadataContextLength(show.model_info),
		};
		const capabilities = Array.isArray(show.capabilities) ? show.capabilities : [];
		const chat = capabilities.length > 0 ? capabilities.includes('completion') : !isEmbeddingFamily(tag);
		return { ...base, ...pickWindow(figures), contextWindows: figures, chat };
	}

	/**
	 * Creates a client whose fetch carries `signal`, reports HTTP and connection failures as named errors and, for a
	 * streamed chat, checks every NDJSON line before the client parses it.
	 */
	private client(signal: AbortSignal | undefined, chat?: ChatStream): Ollama {
		const guardedFetch: typeof fetch = async (input, init) => {
			const url = requestUrl(input);
			const combined = signal && init?.signal ? AbortSignal.any([signal, init.signal]) : (signal ?? init?.signal);
			let response: Response;
			try {
				response = await fetchWithResponseTimeout(this.fetchImpl, input, { ...init, signal: combined }, this.responseTimeoutMs);
			} catch (error) {
				if (combined?.aborted) {
					throw error;
				}
				if (error instanceof ResponseTimeout) {
					throw this.responseTimeoutError(error.timeoutMs, { url, model: chat?.context.model }, error);
				}
				throw this.connectionError(error, url);
			}
			chat?.watch.markResponded();
			const context = { url, model: chat?.context.model ?? readModel(init?.body) };
			if (!response.ok) {
				throw await this.statusError(response, context);
			}
			if (chat === undefined || !url.endsWith('/api/chat')) {
				return response;
			}
			return this.guardChatBody(response, combined, chat);
		};
		return new Ollama({ host: this.host, fetch: guardedFetch });
	}

	private guardChatBody(response: Response, signal: AbortSignal | null | undefined, chat: ChatStream): Response {
		const { context, watch } = chat;
		let sawFinalChunk = false;
		return guardResponseBody(response, signal, {
			onData: () => watch.touch(),
			checkLine: (line) => {
				if (line.trim() === '') {
					return;
				}
				let parsed: { done?: unknown; error?: unknown };
				try {
					parsed = JSON.parse(line);
				} catch (cause) {
					throw new BadResponseError(
						`The stream from ${context.url} for model "${context.model}" contains a line that is not valid JSON. ` +
							'Check that the host in the llmLab.providers setting points to Ollama, then retry.',
						this.errorOptions(context, cause),
					);
				}
				if (typeof parsed.error === 'string') {
					throw new ServerError(
						`Ollama at ${this.host} failed while generating with model "${context.model}": ${parsed.error}. ` +
							'Retry, or check the Ollama server log.',
						this.errorOptions(context),
					);
				}
				sawFinalChunk ||= parsed.done === true;
			},
			checkEnd: () => {
				if (!sawFinalChunk) {
					throw this.cutError(context, undefined);
				}
			},
			readError: (cause) => this.cutError(context, cause),
		});
	}

	private streamError(error: unknown, watch: StreamWatch, request: ChatRequest, context: RequestContext): Error {
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
		return this.toProviderError(error, request.signal, context);
	}

	private toProviderError(
		error: unknown,
		signal: AbortSignal | undefined,
		context: RequestContext,
	): ProviderError | CancelledError {
		if (signal?.aborted) {
			return new CancelledError();
		}
		if (error instanceof ProviderError) {
			return error;
		}
		return new ProviderError(
			`The request to ${context.url} failed: ${error instanceof Error ? error.message : String(error)}. See the log for details.`,
			this.errorOptions(context, error),
		);
	}

	private async statusError(response: Response, context: RequestContext): Promise<ProviderError> {
		const status = response.status;
		const options = { ...this.errorOptions(context), status };
		const detail = await readErrorMessage(response);
		const suffix = detail ? `: ${detail}` : '';
		const model = context.model ?? '';
		switch (status) {
			case 401:
			case 403:
				return new AuthError(
					`Ollama at ${this.host} rejected the request (HTTP ${status}${suffix}). Check the credentials of the proxy ` +
						`in front of it, or the host of provider "${this.config.id}" in the llmLab.providers setting.`,
					options,
				);
			case 404:
				return new ModelNotFoundError(
					model,
					`Model "${model}" was not found at ${this.host} (HTTP 404${suffix}). Pull it with \`ollama pull ${model}\`, ` +
						'or pick one from the model list.',
					options,
				);
			case 429: {
				const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
				const wait = retryAfterMs === undefined ? 'Wait a moment' : `Wait ${Math.ceil(retryAfterMs / 1000)} s`;
				return new RateLimitError(
					`Ollama at ${this.host} is rate limiting requests for model "${model}" (HTTP 429${suffix}). ${wait} and retry.`,
					retryAfterMs,
					options,
				);
			}
			default:
				return new ServerError(
					`Ollama at ${this.host} failed ${context.url} for model "${model}" (HTTP ${status}${suffix}). Retry, or ` +
						'check the Ollama server log.',
					options,
				);
		}
	}

	private responseTimeoutError(timeoutMs: number, context: RequestContext, cause: unknown): RequestTimeoutError {
		const model = context.model === undefined ? '' : ` for model "${context.model}"`;
		return new RequestTimeoutError(
			`Ollama at ${this.host} accepted the connection but sent no response${model} within ` +
				`${formatSeconds(timeoutMs)}. It may still be loading the model: check the Ollama server log, then retry.`,
			this.errorOptions(context, cause),
		);
	}

	private connectionError(error: unknown, url: string): ConnectionError {
		const code = findSystemErrorCode(error);
		const options = this.errorOptions({ url }, error);
		if (code === 'ECONNREFUSED') {
			return new ConnectionError(
				`Ollama is not running at ${this.host}. Start it with \`ollama serve\`, or check the host of provider ` +
					`"${this.config.id}" in the llmLab.providers setting.`,
				options,
			);
		}
		return new ConnectionError(
			`Could not connect to Ollama at ${this.host}${code ? ` (${code})` : ''}. Check that Ollama is running and the ` +
				`host of provider "${this.config.id}" in the llmLab.providers setting.`,
			options,
		);
	}

	private cutError(context: RequestContext, cause: unknown): StreamCutError {
		return new StreamCutError(
			`The connection to ${context.url} closed before the reply for model "${context.model}" finished. ` +
				'The partial reply was kept; retry the request.',
			this.errorOptions(context, cause),
		);
	}

	private errorOptions(context: RequestContext, cause?: unknown): ProviderErrorOptions {
		return { cause, providerId: this.config.id, url: context.url };
	}
}

function toOllamaRequest(request: ChatRequest): OllamaChatRequest {
	const options: Record<string, number | string[]> = {};
	if (request.numCtx !== undefined) {
		options.num_ctx = request.numCtx;
	}
	if (request.maxTokens !== undefined) {
		options.num_predict = request.maxTokens;
	}
	if (request.temperature !== undefined) {
		options.temperature = request.temperature;
	}
	if (request.topP !== undefined) {
		options.top_p = request.topP;
	}
	if (request.seed !== undefined) {
		options.seed = request.seed;
	}
	if (request.stop !== undefined && request.stop.length > 0) {
		options.stop = request.stop;
	}
	return { model: request.model, messages: request.messages, options };
}

function toFinishReason(doneReason: string | undefined): FinishReason {
	switch (doneReason) {
		case 'stop':
			return 'stop';
		case 'length':
			return 'length';
		default:
			return 'unknown';
	}
}

/** Chooses the window a request without `num_ctx` runs with, in Ollama's own order of precedence. */
function pickWindow(figures: ContextWindowFigures): {
	contextWindow?: number;
	contextWindowSource: ContextWindowSource;
} {
	const resolved = resolveOllamaWindow(figures);
	return { contextWindow: resolved.contextWindow, contextWindowSource: resolved.source };
}

/** Reads `num_ctx` from `/api/show` `parameters`, one `name value` pair per line. */
function readNumCtx(parameters: string | undefined): number | undefined {
	const match = /^num_ctx\s+(\d+)\s*$/m.exec(parameters ?? '');
	return match ? Number(match[1]) : undefined;
}

/** Reads `<architecture>.context_length` from `/api/show` `model_info`, keyed by `general.architecture`. */
function readMetadataContextLength(modelInfo: unknown): number | undefined {
	if (typeof modelInfo !== 'object' || modelInfo === null) {
		return undefined;
	}
	const info = modelInfo as Record<string, unknown>;
	const architecture = info['general.architecture'];
	if (typeof architecture !== 'string') {
		return undefined;
	}
	const contextLength = info[`${architecture}.context_length`];
	return typeof contextLength === 'number' ? contextLength : undefined;
}

function isEmbeddingFamily(tag: ModelResponse): boolean {
	const families = [tag.details?.family, ...(tag.details?.families ?? [])];
	return families.some((family) => family !== undefined && embeddingFamilies.has(family));
}

/** Reads `model` from a JSON request body, to name the model in error messages. */
function readModel(body: unknown): string | undefined {
	if (typeof body !== 'string') {
		return undefined;
	}
	try {
		const model = (JSON.parse(body) as { model?: unknown }).model;
		return typeof model === 'string' ? model : undefined;
	} catch {
		return undefined;
	}
}

/** Reads Ollama's `{"error": "..."}` body, falling back to the raw text. */
async function readErrorMessage(response: Response): Promise<string> {
	const text = await response.text().catch(() => '');
	try {
		const error = (JSON.parse(text) as { error?: unknown }).error;
		return typeof error === 'string' ? error : text.trim();
	} catch {
		return text.trim();
	}
}
