/**
 * Named errors for everything that can go wrong talking to a model server. Callers branch with
 * `instanceof`, never on message text, and every error keeps the original `cause`.
 */

export interface ProviderErrorOptions {
	cause?: unknown;
	providerId?: string;
	url?: string;
	status?: number;
}

export class ProviderError extends Error {
	readonly providerId?: string;
	readonly url?: string;
	readonly status?: number;

	constructor(message: string, options: ProviderErrorOptions = {}) {
		super(message, { cause: options.cause });
		this.name = new.target.name;
		this.providerId = options.providerId;
		this.url = options.url;
		this.status = options.status;
	}
}

/** No API key is stored for a provider that needs one. */
export class MissingKeyError extends ProviderError {}

/** HTTP 401 or 403: the server rejected the key. */
export class AuthError extends ProviderError {}

/** HTTP 404, or the server says the model does not exist. */
export class ModelNotFoundError extends ProviderError {
	constructor(
		readonly model: string,
		message: string,
		options: ProviderErrorOptions = {},
	) {
		super(message, options);
	}
}

/** HTTP 429. `retryAfterMs` comes from the `Retry-After` header when the server sent one. */
export class RateLimitError extends ProviderError {
	constructor(
		message: string,
		readonly retryAfterMs: number | undefined,
		options: ProviderErrorOptions = {},
	) {
		super(message, options);
	}
}

/** HTTP 5xx or another unexpected status. */
export class ServerError extends ProviderError {}

/** HTTP 400 because the prompt does not fit the server's context window. */
export class ContextOverflowError extends ProviderError {
	constructor(
		message: string,
		readonly promptTokens: number | undefined,
		readonly contextWindow: number | undefined,
		options: ProviderErrorOptions = {},
	) {
		super(message, options);
	}
}

/** The server could not be reached: connection refused, DNS failure, reset before a response. */
export class ConnectionError extends ProviderError {}

/** No response headers within the request timeout. */
export class RequestTimeoutError extends ProviderError {}

/** The stream started but no chunk arrived within the stall timeout. */
export class StreamStalledError extends ProviderError {}

/** The connection closed before the stream's final chunk. */
export class StreamCutError extends ProviderError {}

/** The server sent something that is not the documented wire format (malformed JSON, for example). */
export class BadResponseError extends ProviderError {}

/** The user stopped the request. */
export class CancelledError extends Error {
	constructor(message = 'The request was stopped.') {
		super(message);
		this.name = 'CancelledError';
	}
}
