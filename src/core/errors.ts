/**
 * Named errors for everything that can go wrong talking to a model server. Callers branch with
 * `instanceof`, never on message text, and every error keeps the original `cause`.
 *
 * The extension host loads the provider clients from a separate bundle with its own copy of these classes, so
 * `instanceof` compares a `kind` string that each class declares instead of the constructor's identity.
 */

const KINDS = Symbol.for('llmLab.errorKinds');

interface Kinded {
	readonly kind: string;
}

/** Lists the `kind` of the class and of each ancestor that declares one. */
function kindsOf(constructor: Function): string[] {
	const kinds: string[] = [];
	for (let current: unknown = constructor; typeof current === 'function'; current = Object.getPrototypeOf(current)) {
		if (Object.prototype.hasOwnProperty.call(current, 'kind')) {
			kinds.push((current as unknown as Kinded).kind);
		}
	}
	return kinds;
}

function brand(instance: object, constructor: Function): void {
	Object.defineProperty(instance, KINDS, { value: kindsOf(constructor), enumerable: false });
}

function hasKind(value: unknown, kind: string): boolean {
	const kinds = (value as { [KINDS]?: unknown } | null | undefined)?.[KINDS];
	return Array.isArray(kinds) && kinds.includes(kind);
}

export interface ProviderErrorOptions {
	cause?: unknown;
	providerId?: string;
	url?: string;
	status?: number;
}

export class ProviderError extends Error {
	static readonly kind: string = 'ProviderError';
	readonly providerId?: string;
	readonly url?: string;
	readonly status?: number;

	constructor(message: string, options: ProviderErrorOptions = {}) {
		super(message, { cause: options.cause });
		this.name = (new.target as unknown as Kinded).kind;
		this.providerId = options.providerId;
		this.url = options.url;
		this.status = options.status;
		brand(this, new.target);
	}

	static override [Symbol.hasInstance](value: unknown): boolean {
		return hasKind(value, (this as unknown as Kinded).kind);
	}
}

/** No API key is stored for a provider that needs one. */
export class MissingKeyError extends ProviderError {
	static override readonly kind: string = 'MissingKeyError';
}

/** HTTP 401 or 403: the server rejected the key. */
export class AuthError extends ProviderError {
	static override readonly kind: string = 'AuthError';
}

/** HTTP 404, or the server says the model does not exist. */
export class ModelNotFoundError extends ProviderError {
	static override readonly kind: string = 'ModelNotFoundError';

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
	static override readonly kind: string = 'RateLimitError';

	constructor(
		message: string,
		readonly retryAfterMs: number | undefined,
		options: ProviderErrorOptions = {},
	) {
		super(message, options);
	}
}

/** HTTP 5xx or another unexpected status. */
export class ServerError extends ProviderError {
	static override readonly kind: string = 'ServerError';
}

/** HTTP 400 because the prompt does not fit the server's context window. */
export class ContextOverflowError extends ProviderError {
	static override readonly kind: string = 'ContextOverflowError';

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
export class ConnectionError extends ProviderError {
	static override readonly kind: string = 'ConnectionError';
}

/** No response headers within the request timeout. */
export class RequestTimeoutError extends ProviderError {
	static override readonly kind: string = 'RequestTimeoutError';
}

/** The stream started but no chunk arrived within the stall timeout. */
export class StreamStalledError extends ProviderError {
	static override readonly kind: string = 'StreamStalledError';
}

/** The connection closed before the stream's final chunk. */
export class StreamCutError extends ProviderError {
	static override readonly kind: string = 'StreamCutError';
}

/** The server sent something that is not the documented wire format (malformed JSON, for example). */
export class BadResponseError extends ProviderError {
	static override readonly kind: string = 'BadResponseError';
}

/** The user stopped the request. */
export class CancelledError extends Error {
	static readonly kind: string = 'CancelledError';

	constructor(message = 'The request was stopped.') {
		super(message);
		this.name = 'CancelledError';
		brand(this, new.target);
	}

	static override [Symbol.hasInstance](value: unknown): boolean {
		return hasKind(value, (this as unknown as Kinded).kind);
	}
}

/** A prompt template names a variable that the row or input does not provide. */
export class TemplateVariableError extends Error {
	static readonly kind: string = 'TemplateVariableError';

	constructor(
		readonly variable: string,
		message: string,
	) {
		super(message);
		this.name = 'TemplateVariableError';
		brand(this, new.target);
	}

	static override [Symbol.hasInstance](value: unknown): boolean {
		return hasKind(value, (this as unknown as Kinded).kind);
	}
}

/** A comparison input is invalid: a variants file, a dataset, or a run file that does not match the run to resume. */
export class CompareInputError extends Error {
	static readonly kind: string = 'CompareInputError';

	constructor(
		message: string,
		readonly file?: string,
	) {
		super(message);
		this.name = 'CompareInputError';
		brand(this, new.target);
	}

	static override [Symbol.hasInstance](value: unknown): boolean {
		return hasKind(value, (this as unknown as Kinded).kind);
	}
}
