import { performance } from 'node:perf_hooks';
import { countTokens } from './count';
import { GgufDocumentCounter } from './gguf/documentCounter';
import { GgufTokenizerCache } from './gguf/cache';
import { fetchOllamaTokenizer } from './gguf/ollama';
import type { GgufTokenizer } from './gguf/tokenizer';
import { IncrementalTokenCounter } from './incremental';
import {
	type GgufTokenizerKey,
	isGgufTokenizerKey,
	type TokenCountHostOptions,
	type TokenCountRequest,
	type TokenCountResponse,
	type TokenizerKey,
} from './protocol';
import { encodeRangeSpans } from './spans';

interface OpenDocument {
	generation: number;
	encoding: TokenizerKey;
	counter: { readonly totalTokens: number; applyEdit(offset: number, deletedLength: number, insertedText: string): unknown };
}

/**
 * The side of the token-count protocol that does the counting. The worker entry wraps it in a `worker_threads`
 * message port, and the in-process transport calls it directly.
 */
export class TokenCountHost {
	private readonly documents = new Map<string, OpenDocument>();
	private readonly ggufTokenizers = new Map<GgufTokenizerKey, GgufTokenizer>();

	constructor(private readonly options: TokenCountHostOptions = {}) {}

	/** Handles one request and returns its reply, or undefined for requests that have none (`document/close`). */
	handle(request: TokenCountRequest): TokenCountResponse | undefined {
		const started = performance.now();
		try {
			switch (request.type) {
				case 'document/open': {
					const { encoding } = request;
					const counter = isGgufTokenizerKey(encoding)
						? new GgufDocumentCounter(request.text, this.loadGgufTokenizer(encoding))
						: new IncrementalTokenCounter(request.text, encoding);
					const document = { generation: request.generation, encoding, counter };
					this.documents.set(request.documentKey, document);
					return this.documentCounted(request, document, started);
				}
				case 'document/edit': {
					const document = this.documents.get(request.documentKey);
					if (!document || document.generation !== request.generation) {
						throw new Error(`Document '${request.documentKey}' is not open in the token-count host.`);
					}
					for (const edit of request.edits) {
						document.counter.applyEdit(edit.offset, edit.deletedLength, edit.insertedText);
					}
					return this.documentCounted(request, document, started);
				}
				case 'document/close':
					this.documents.delete(request.documentKey);
					return undefined;
				case 'text/count': {
					const { encoding } = request;
					const tokens = isGgufTokenizerKey(encoding)
						? this.loadGgufTokenizer(encoding).count(request.text)
						: countTokens(request.text, encoding);
					return { type: 'text/counted', requestId: request.requestId, tokens, elapsedMs: performance.now() - started };
				}
				case 'tokenizer/prepareOllama':
					throw new Error('tokenizer/prepareOllama is asynchronous: call prepareOllama instead of handle.');
				case 'text/encodeRange': {
					const { text, start, end, encoding, textOffset, documentLength } = request;
					const result = encodeRangeSpans(text, start, end, encoding, { textOffset, documentLength });
					return { type: 'text/rangeEncoded', requestId: request.requestId, result, elapsedMs: performance.now() - started };
				}
			}
		} catch (error) {
			if (request.type === 'document/edit') {
				// A failed edit leaves the document's text unknown, so the client must open it again.
				this.documents.delete(request.documentKey);
			}
			const message = error instanceof Error ? error.message : String(error);
			return { type: 'request/failed', requestId: 'requestId' in request ? request.requestId : -1, message };
		}
	}

	private documentCounted(
		request: Extract<TokenCountRequest, { type: 'document/open' | 'document/edit' }>,
		document: OpenDocument,
		started: number,
	): TokenCountResponse {
		return {
			type: 'document/counted',
			requestId: request.requestId,
			documentKey: request.documentKey,
			generation: request.generation,
			version: request.version,
			encoding: document.encoding,
			tokens: document.counter.totalTokens,
			elapsedMs: performance.now() - started,
		};
	}

	/**
	 * Prepares an Ollama model's tokenizer: from the cache folder, or fetched from the server, built and cached. This is
	 * the one asynchronous request, because it waits for the network; the worker runs it beside `handle`.
	 */
	async prepareOllama(request: Extract<TokenCountRequest, { type: 'tokenizer/prepareOllama' }>): Promise<TokenCountResponse> {
		const started = performance.now();
		try {
			const prepared = await fetchOllamaTokenizer(request.host, request.model, { cacheDir: this.options.tokenizerCacheDir });
			const key: GgufTokenizerKey = `gguf:${prepared.digest}`;
			this.ggufTokenizers.set(key, prepared.tokenizer);
			return {
				type: 'tokenizer/prepared',
				requestId: request.requestId,
				key,
				digest: prepared.digest,
				source: prepared.source,
				elapsedMs: performance.now() - started,
			};
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			const errorName = error instanceof Error ? error.name : undefined;
			return { type: 'request/failed', requestId: request.requestId, message, errorName };
		}
	}

	/** Returns a GGUF tokenizer from the cache folder, loading it on first use. Throws when the cache has none. */
	private loadGgufTokenizer(key: GgufTokenizerKey): GgufTokenizer {
		let tokenizer = this.ggufTokenizers.get(key);
		if (tokenizer) {
			return tokenizer;
		}
		const directory = this.options.tokenizerCacheDir;
		if (!directory) {
			throw new Error(`Cannot count with '${key}': the token-count host has no tokenizer cache folder.`);
		}
		tokenizer = new GgufTokenizerCache(directory).loadSync(key.slice('gguf:'.length));
		if (!tokenizer) {
			throw new Error(`No tokenizer for '${key}' in ${directory}; fetch the model's tokenizer before counting with it.`);
		}
		this.ggufTokenizers.set(key, tokenizer);
		return tokenizer;
	}
}
