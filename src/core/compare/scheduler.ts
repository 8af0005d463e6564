/** Concurrency limits per provider and retries with exponential backoff for the calls of a comparison run. */

import {
	CancelledError,
	ConnectionError,
	RateLimitError,
	RequestTimeoutError,
	ServerError,
	StreamCutError,
	StreamStalledError,
} from '../errors';

/** A first-in, first-out semaphore: at most `limit` holders at a time, served in the order they asked. */
export class Semaphore {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly limit: number) {
		if (!Number.isInteger(limit) || limit < 1) {
			throw new RangeError(`A concurrency limit must be a whole number of at least 1, not ${limit}.`);
		}
	}

	/** Runs `task` once a slot is free. Throws `CancelledError` when `signal` aborts while waiting. */
	async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		await this.acquire(signal);
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	private acquire(signal: AbortSignal | undefined): Promise<void> {
		if (signal?.aborted) {
			return Promise.reject(new CancelledError());
		}
		if (this.active < this.limit) {
			this.active++;
			return Promise.resolve();
		}
		return new Promise((resolve, reject) => {
			const grant = () => {
				signal?.removeEventListener('abort', onAbort);
				this.active++;
				resolve();
			};
			const onAbort = () => {
				const index = this.waiting.indexOf(grant);
				if (index >= 0) {
					this.waiting.splice(index, 1);
				}
				reject(new CancelledError());
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.waiting.push(grant);
		});
	}

	private release(): void {
		this.active--;
		this.waiting.shift()?.();
	}
}

/** Retry settings. Delays are in milliseconds. */
export interface RetryPolicy {
	/** Requests per call, the first included. @default 4 */
	maxAttempts: number;
	/** Delay before the first retry; each further retry doubles it. @default 1000 */
	baseDelayMs: number;
	/** Upper bound of the doubling delay. @default 30000 */
	maxDelayMs: number;
	/** The longest `Retry-After` that is waited for; a longer one fails the call instead. @default 120000 */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 1000,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
};

/**
 * Reports whether a failed call may succeed when sent again: HTTP 429, HTTP 5xx, no connection, no response in time,
 * or a stream that was cut or stalled. Authentication, missing models and oversized prompts fail the same way again.
 */
export function isRetryable(error: unknown): boolean {
	if (error instanceof ServerError) {
		return error.status === undefined || error.status >= 500;
	}
	return (
		error instanceof RateLimitError ||
		error instanceof ConnectionError ||
		error instanceof RequestTimeoutError ||
		error instanceof StreamCutError ||
		error instanceof StreamStalledError
	);
}

// NOTE: a 429 delays only the call that received it. Calls already queued for the same provider still go out, and
// may be rate limited in turn until the server's window passes.
/**
 * Returns the wait after failed attempt number `retry`, or undefined when the call should not be retried. A server's
 * `Retry-After` is waited for exactly. Otherwise the delay doubles from `baseDelayMs` up to `maxDelayMs`, and a random
 * factor from 0.5 to 1 scales it so that parallel calls do not retry in step.
 */
export function retryDelayMs(error: unknown, retry: number, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
	if (retry >= policy.maxAttempts || !isRetryable(error)) {
		return undefined;
	}
	if (error instanceof RateLimitError && error.retryAfterMs !== undefined) {
		return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
	}
	const doubled = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
	return Math.round(doubled * (0.5 + random() / 2));
}

/** Resolves after `ms` milliseconds; rejects with `CancelledError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) {
		return Promise.reject(new CancelledError());
	}
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(new CancelledError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
