/** Provider-neutral types shared by every model provider, the chat controller and the command line. */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
	role: ChatRole;
	content: string;
}

export type ProviderKind = 'openai' | 'ollama';

/** A configured provider entry, as stored in the `llmLab.providers` setting. */
export interface ProviderConfig {
	/** Stable id used in model ids and as the SecretStorage key, for example `openai` or `lmstudio`. */
	id: string;
	/** Name shown in the model picker. */
	name: string;
	kind: ProviderKind;
	/** Base URL: `https://api.openai.com/v1` for OpenAI, `http://127.0.0.1:11434` for Ollama. */
	baseUrl: string;
}

/** Where a model's context window figure came from, shown next to the meter. */
export type ContextWindowSource =
	| 'catalog'
	| 'model metadata'
	| 'running server'
	| 'request options'
	| 'model parameters'
	| 'server default'
	| 'setting'
	| 'unknown';

/** Context-window figures from each source a provider reads, in tokens. */
export interface ContextWindowFigures {
	/** The window the loaded model runs with (Ollama `/api/ps` `context_length`). */
	runningServer?: number;
	/** `num_ctx` from the model's parameters (an Ollama Modelfile `PARAMETER num_ctx`). */
	modelParameters?: number;
	/** The trained context length from the model file's metadata (Ollama `<arch>.context_length`). */
	modelMetadata?: number;
}

export interface ModelInfo {
	/** `<providerId>:<model name>`, for example `ollama:qwen3:4b` or `openai:gpt-4o-mini`. */
	id: string;
	providerId: string;
	/** Model name as the provider's API expects it: full Ollama tags such as `qwen3:4b`. */
	name: string;
	contextWindow?: number;
	contextWindowSource: ContextWindowSource;
	/** Content digest of the model's weights (Ollama), which identifies its vocabulary for the tokenizer cache. */
	digest?: string;
	/** Every window figure the provider found, so the UI can show why `contextWindow` was chosen. */
	contextWindows?: ContextWindowFigures;
	maxOutputTokens?: number;
	/** False for embedding-only models. */
	chat: boolean;
	/** Why a lookup for this model failed; the model is still listed. */
	error?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	/** Room reserved for the reply, sent as `max_tokens` or Ollama's `num_predict`. */
	maxTokens?: number;
	temperature?: number;
	/** Nucleus sampling: only tokens within this cumulative probability are sampled. */
	topP?: number;
	/** Sampling seed, for repeatable replies where the server supports it. */
	seed?: number;
	/** Sequences at which the server ends the reply; the reply does not contain them. */
	stop?: string[];
	/**
	 * Requests the log-probability of every generated token, streamed as `logprobs` chunks. OpenAI-compatible servers
	 * only; the Ollama provider sends no `logprobs` chunks.
	 */
	logprobs?: boolean;
	/** Ollama only: the context window to run with, sent as `options.num_ctx`. */
	numCtx?: number;
	signal?: AbortSignal;
	/** Abort with `StreamStalledError` when no chunk arrives for this long (milliseconds). */
	stallTimeoutMs?: number;
}

export type FinishReason = 'stop' | 'length' | 'cancelled' | 'error' | 'unknown';

export interface Usage {
	promptTokens: number;
	completionTokens: number;
}

/** One generated token and its natural-log probability, as the server reported it. */
export interface TokenLogprob {
	token: string;
	logprob: number;
}

export type ChatChunk =
	| { type: 'delta'; text: string }
	/** Log-probabilities of the tokens in the deltas so far that no earlier `logprobs` chunk covered. */
	| { type: 'logprobs'; tokens: TokenLogprob[] }
	| { type: 'usage'; usage: Usage }
	| { type: 'finish'; reason: FinishReason };

export interface ChatProvider {
	readonly config: ProviderConfig;
	/** Lists the provider's models. One failing model lookup marks that model, never fails the list. */
	listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
	/** Streams one reply. Throws a `ProviderError` subclass on failure, `CancelledError` on abort. */
	streamChat(request: ChatRequest): AsyncIterable<ChatChunk>;
}
