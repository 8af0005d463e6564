/** HTTP helpers shared by the providers: stall timers, response-body guards and header parsing. */

/** Abort reason a provider sets on its own request when no chunk arrived within the stall timeout. */
export class StallAbortReason {
	constructor(readonly timeoutMs: number) {}
}

/** Combined abort signal for one streamed request, with a stall timer that the caller resets on every chunk. */
export interface StreamWatch {
	readonly signal: AbortSignal;
	/** True once the stall timer fired. */
	readonly stalled: boolean;
	/** True once the response headers arrived, so a stall before then means the server never responded. */
	readonly responded: boolean;
	/** Records that the response headers arrived. */
	markResponded(): void;
	/** Restarts the stall timer; call it whenever data arrives. */
	touch(): void;
	dispose(): void;
}

/**
 * Creates the signal a provider passes to its HTTP client: it aborts when the user's signal aborts, or when no data
 * arrives for `stallTimeoutMs` milliseconds (never, when the timeout is unset).
 */
export function watchStream(userSignal: AbortSignal | undefined, stallTimeoutMs: number | undefined): StreamWatch {
	const controller = new AbortController();
	const signal = userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal;
	let timer: NodeJS.Timeout | undefined;
	let stalled = false;
	let responded = false;

	const touch = () => {
		if (stallTimeoutMs === undefined || stallTimeoutMs <= 0 || signal.aborted) {
			return;
		}
		clearTimeout(timer);
		timer = setTimeout(() => {
			stalled = true;
			controller.abort(new StallAbortReason(stallTimeoutMs));
		}, stallTimeoutMs);
	};
	touch();

	return {
		signal,
		get stalled() {
			return stalled;
		},
		get responded() {
			return responded;
		},
		markResponded() {
			responded = true;
		},
		touch,
		dispose() {
			clearTimeout(timer);
		},
	};
}

/**
 * Time to wait for a response's headers. Undici's own limit is 300 s and surfaces as a generic network failure, so this
 * shorter one gives a named error first. A model that loads or reads a long prompt before responding can take minutes.
 */
export const defaultResponseTimeoutMs = 180_000;

/** Raised by `fetchWithResponseTimeout` when no response headers arrived within `timeoutMs`. */
export class ResponseTimeout extends Error {
	constructor(
		readonly timeoutMs: number,
		options?: ErrorOptions,
	) {
		super(`No response headers within ${timeoutMs} ms.`, options);
	}
}

/**
 * Calls `fetchImpl` and raises `ResponseTimeout` when the headers take longer than `timeoutMs`. The timer stops once the
 * headers arrive, so a long body is never cut by it. Undici's headers timeout (`UND_ERR_HEADERS_TIMEOUT`) raises it too.
 */
export async function fetchWithResponseTimeout(
	fetchImpl: typeof fetch,
	input: string | URL | Request,
	init: RequestInit | undefined,
	timeoutMs: number,
): Promise<Response> {
	const timer = new AbortController();
	const timeout = setTimeout(() => timer.abort(), timeoutMs);
	const signal = init?.signal ? AbortSignal.any([init.signal, timer.signal]) : timer.signal;
	try {
		return await fetchImpl(input, { ...init, signal });
	} catch (error) {
		const userAborted = init?.signal?.aborted ?? false;
		if (!userAborted && (timer.signal.aborted || findErrorCode(error) === 'UND_ERR_HEADERS_TIMEOUT')) {
			throw new ResponseTimeout(timeoutMs, { cause: error });
		}
		throw error;
	} finally {
		clearTimeout(timeout);
	}
}

/** Checks applied to a streamed response body before the HTTP client parses it. */
export interface BodyGuard {
	/** Receives every complete line; throws to fail the stream with that error. */
	checkLine?(line: string): void;
	/** Runs when the body ends; throws to fail the stream (for example, when the final chunk never came). */
	checkEnd?(): void;
	/** Builds the error for a body that failed to read while the request was not aborted (a cut connection). */
	readError(cause: unknown): Error;
	/** Receives every byte chunk, for example to restart a stall timer. */
	onData?(): void;
}

/**
 * Wraps a streamed response so that read failures and malformed lines surface as the provider's named errors. Only whole
 * lines that passed `checkLine` are passed on, so the HTTP client never parses a line the guard rejected.
 */
export function guardResponseBody(
	response: Response,
	signal: AbortSignal | null | undefined,
	guard: BodyGuard,
): Response {
	if (!response.body) {
		return response;
	}
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	const encoder = new TextEncoder();
	let pending = '';
	// Raised on the pull after the lines before it were passed on, because erroring a stream drops its queue.
	let deferredError: unknown;

	/** Appends text and returns the whole lines that passed `checkLine`, stopping at the first that fails. */
	const passLines = (text: string): string => {
		pending += text;
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		let passed = '';
		for (const line of lines) {
			try {
				guard.checkLine?.(line);
			} catch (error) {
				deferredError = error;
				break;
			}
			passed += `${line}\n`;
		}
		return passed;
	};

	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			// Reads until at least one whole line can be passed on: a pull that enqueues nothing is not called again.
			for (;;) {
				if (deferredError !== undefined) {
					void reader.cancel().catch(() => undefined);
					controller.error(deferredError);
					return;
				}
				let result: ReadableStreamReadResult<Uint8Array>;
				try {
					result = await reader.read();
				} catch (error) {
					controller.error(signal?.aborted ? error : guard.readError(error));
					return;
				}
				try {
					if (result.done) {
						pending += decoder.decode();
						if (pending !== '') {
							guard.checkLine?.(pending);
							controller.enqueue(encoder.encode(pending));
						}
						guard.checkEnd?.();
						controller.close();
						return;
					}
					guard.onData?.();
					const passed = passLines(decoder.decode(result.value, { stream: true }));
					if (passed !== '') {
						controller.enqueue(encoder.encode(passed));
						return;
					}
				} catch (error) {
					void reader.cancel().catch(() => undefined);
					controller.error(error);
					return;
				}
			}
		},
		cancel(reason) {
			return reader.cancel(reason);
		},
	});

	return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Parses a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds. */
export function parseRetryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
	if (header === null || header === undefined || header.trim() === '') {
		return undefined;
	}
	const seconds = Number(header);
	if (Number.isFinite(seconds) && seconds >= 0) {
		return seconds * 1000;
	}
	const date = Date.parse(header);
	if (Number.isNaN(date)) {
		return undefined;
	}
	return Math.max(0, date - now);
}

/** Finds a Node system error code such as `ECONNREFUSED` on an error or its chain of causes. */
export function findSystemErrorCode(error: unknown): string | undefined {
	return findErrorCode(error, /^E[A-Z_]+$/);
}

/** Finds the first string `code` matching `pattern` (any code by default) on an error or its chain of causes. */
export function findErrorCode(error: unknown, pattern = /^[A-Z][A-Z_]+$/): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && pattern.test(code)) {
			return code;
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Formats milliseconds as seconds for messages, such as "0.3 s" or "180 s". */
export function formatSeconds(milliseconds: number): string {
	const seconds = milliseconds / 1000;
	return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** Returns the URL string of a fetch input. */
export function requestUrl(input: string | URL | Request): string {
	if (typeof input === 'string') {
		return input;
	}
	return input instanceof URL ? input.href : input.url;
}

/** Removes trailing slashes so that base URLs compare and join consistently. */
export function trimTrailingSlash(url: string): string {
	return url.replace(/\/+$/, '');
}
