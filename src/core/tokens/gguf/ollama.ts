/**
 * Fetches an Ollama model's tokenizer: its digest from `/api/tags`, then the vocabulary from `/api/show` with
 * `verbose: true` when the cache has no tokenizer for that digest.
 */

import {
	BadResponseError,
	CancelledError,
	ConnectionError,
	ModelNotFoundError,
	ServerError,
} from '../../errors';
import { trimTrailingSlash } from '../../providers/http';
import { GgufTokenizerCache } from './cache';
import { buildGgufTokenizer, type GgufTokenizer } from './tokenizer';

export interface FetchOllamaTokenizerOptions {
	/** Cache folder, such as the extension's global storage. Without it, every call fetches the vocabulary. */
	cacheDir?: string;
	signal?: AbortSignal;
	/** @default globalThis.fetch */
	fetch?: typeof fetch;
}

export interface OllamaTokenizer {
	tokenizer: GgufTokenizer;
	/** The model's full name with its tag, as `/api/tags` lists it. */
	model: string;
	/** The model's digest from `/api/tags`, the cache key. */
	digest: string;
	/** `cache` when the tokenizer came from the cache folder, `server` when it was built from `/api/show`. */
	source: 'cache' | 'server';
}

interface TagsResponse {
	models?: Array<{ name?: unknown; model?: unknown; digest?: unknown }>;
}

/**
 * Returns the tokenizer of an Ollama model, from the cache when it has one for the model's digest, else built from
 * `/api/show` and then cached. `model` is `name:tag`; a name without a tag means `:latest`, as in Ollama. Throws
 * `ModelNotFoundError` for a model the server does not list, `ConnectionError`, `ServerError` or `BadResponseError`
 * when the server fails, `CancelledError` when `signal` aborts, and the errors of `buildGgufTokenizer` (such as
 * `UnsupportedTokenizerError`) for a vocabulary that cannot be tokenized exactly.
 */
export async function fetchOllamaTokenizer(
	host: string,
	model: string,
	options: FetchOllamaTokenizerOptions = {},
): Promise<OllamaTokenizer> {
	const base = trimTrailingSlash(host);
	const fetchImpl = options.fetch ?? globalThis.fetch;
	const request = async (path: string, init?: RequestInit): Promise<unknown> => {
		const url = `${base}${path}`;
		let response: Response;
		try {
			response = await fetchImpl(url, { ...init, signal: options.signal });
		} catch (error) {
			if (options.signal?.aborted) {
				throw new CancelledError();
			}
			throw new ConnectionError(`Could not reach Ollama at ${base}. Check that it is running.`, {
				cause: error,
				providerId: 'ollama',
				url,
			});
		}
		if (response.status === 404) {
			throw new ModelNotFoundError(model, `Ollama at ${base} has no model '${model}'.`, { url, status: 404 });
		}
		if (!response.ok) {
			const body = await response.text().catch(() => '');
			throw new ServerError(`Ollama ${path} failed with HTTP ${response.status}: ${body.slice(0, 200)}`, {
				url,
				status: response.status,
			});
		}
		try {
			return await response.json();
		} catch (error) {
			if (options.signal?.aborted) {
				throw new CancelledError();
			}
			throw new BadResponseError(`Ollama ${path} returned a body that is not JSON.`, { cause: error, url });
		}
	};

	const fullName = model.includes(':') ? model : `${model}:latest`;
	const tags = (await request('/api/tags')) as TagsResponse;
	const entry = tags.models?.find((candidate) => candidate.name === fullName || candidate.model === fullName);
	if (!entry || typeof entry.digest !== 'string') {
		throw new ModelNotFoundError(fullName, `Ollama at ${base} does not list a model '${fullName}' in /api/tags.`, {
			url: `${base}/api/tags`,
		});
	}
	const digest = entry.digest;

	const cache = options.cacheDir ? new GgufTokenizerCache(options.cacheDir) : undefined;
	const cached = await cache?.load(digest);
	if (cached) {
		return { tokenizer: cached, model: fullName, digest, source: 'cache' };
	}

	const show = (await request('/api/show', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ model: fullName, verbose: true }),
	})) as { model_info?: unknown };
	if (!show.model_info || typeof show.model_info !== 'object') {
		throw new BadResponseError(`Ollama /api/show returned no model_info for '${fullName}'.`, { url: `${base}/api/show` });
	}
	const tokenizer = buildGgufTokenizer(show.model_info as Record<string, unknown>);
	await cache?.save(digest, tokenizer);
	return { tokenizer, model: fullName, digest, source: 'server' };
}
