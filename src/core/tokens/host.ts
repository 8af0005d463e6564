import { performance } from 'node:perf_hooks';
import { countTokens } from './count';
import { IncrementalTokenCounter } from './incremental';
import type { TokenCountRequest, TokenCountResponse } from './protocol';
import { encodeRangeSpans } from './spans';

interface OpenDocument {
	generation: number;
	counter: IncrementalTokenCounter;
}

/**
 * The side of the token-count protocol that does the counting. The worker entry wraps it in a `worker_threads`
 * message port, and the in-process transport calls it directly.
 */
export class TokenCountHost {
	private readonly documents = new Map<string, OpenDocument>();

	/** Handles one request and returns its reply, or undefined for requests that have none (`document/close`). */
	handle(request: TokenCountRequest): TokenCountResponse | undefined {
		const started = performance.now();
		try {
			switch (request.type) {
				case 'document/open': {
					const counter = new IncrementalTokenCounter(request.text, request.encoding);
					this.documents.set(request.documentKey, { generation: request.generation, counter });
					return this.documentCounted(request, counter, started);
				}
				case 'document/edit': {
					const document = this.documents.get(request.documentKey);
					if (!document || document.generation !== request.generation) {
						throw new Error(`Document '${request.documentKey}' is not open in the token-count host.`);
					}
					for (const edit of request.edits) {
						document.counter.applyEdit(edit.offset, edit.deletedLength, edit.insertedText);
					}
					return this.documentCounted(request, document.counter, started);
				}
				case 'document/close':
					this.documents.delete(request.documentKey);
					return undefined;
				case 'text/count': {
					const tokens = countTokens(request.text, request.encoding);
					return { type: 'text/counted', requestId: request.requestId, tokens, elapsedMs: performance.now() - started };
				}
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
		counter: IncrementalTokenCounter,
		started: number,
	): TokenCountResponse {
		return {
			type: 'document/counted',
			requestId: request.requestId,
			documentKey: request.documentKey,
			generation: request.generation,
			version: request.version,
			encoding: counter.encoding,
			tokens: counter.totalTokens,
			elapsedMs: performance.now() - started,
		};
	}
}
