/**
 * Client for counting tokens off the extension host's thread. This module loads no encoding itself, so importing it
 * keeps the extension bundle small: the counting runs in `out/token-worker.js`, or in process through
 * `createInProcessTokenCountService` in `./inProcess` (for tests and the command line).
 */

import { Worker } from 'node:worker_threads';
import type { EncodingName } from './encodings';
import type {
	GgufTokenizerKey,
	TextEdit,
	TokenCountHostOptions,
	TokenCountRequest,
	TokenCountResponse,
	TokenizerKey,
} from './protocol';
import type { RangeSpans } from './spans';

export type { GgufTokenizerKey, TextEdit, TokenCountHostOptions, TokenizerKey } from './protocol';
export type { RangeSpans, TokenSpan } from './spans';

/** Position of the text passed to `encodeRange` in its document. */
export interface TextStretch {
	/** Offset of the text in the document, in UTF-16 code units. */
	textOffset: number;
	/** Length of the whole document. */
	documentLength: number;
}

/** A document's token count at one version. */
export interface DocumentTokenCount {
	documentKey: string;
	/** Document version the count belongs to: the version of the last edit the host applied. */
	version: number;
	encoding: TokenizerKey;
	tokens: number;
	/** Time the host spent on the request, in milliseconds. */
	elapsedMs: number;
}

/** Carries requests to a token-count host and its replies back. */
export interface TokenCountTransport {
	send(request: TokenCountRequest): void;
	/** Registers the single receiver of replies and of a fatal host failure. */
	connect(onResponse: (response: TokenCountResponse) => void, onFailure: (error: Error) => void): void;
	dispose(): Promise<void>;
}

/** The token-count host failed or a request to it failed. `cause` contains the host's error when there is one. */
export class TokenCountError extends Error {
	/** `name` of the host's error, such as `UnsupportedTokenizerError`, when the host reported one. */
	readonly errorName?: string;

	constructor(message: string, options?: { cause?: unknown; errorName?: string }) {
		super(message, options);
		this.name = 'TokenCountError';
		this.errorName = options?.errorName;
	}
}

/** A tokenizer the host has ready, from `prepareOllamaTokenizer`. */
export interface PreparedTokenizer {
	key: GgufTokenizerKey;
	digest: string;
	source: 'cache' | 'server';
}

interface Waiter {
	version: number;
	resolve(count: DocumentTokenCount | undefined): void;
	reject(error: Error): void;
}

interface DocumentState {
	generation: number;
	/** Latest version passed to `open` or `edit`. */
	requestedVersion: number;
	/** Version of the last count passed to listeners, so that an older one is never passed after it. */
	emittedVersion: number;
	inFlight: boolean;
	/** Edits received while a request was in flight, sent together when it completes. */
	pendingEdits: TextEdit[];
	waiters: Waiter[];
}

type PendingRequest =
	| { kind: 'document'; documentKey: string; generation: number }
	| { kind: 'count'; resolve(tokens: number): void; reject(error: Error): void }
	| { kind: 'prepare'; resolve(prepared: PreparedTokenizer): void; reject(error: Error): void }
	| { kind: 'range'; resolve(result: RangeSpans | undefined): void; reject(error: Error): void };

/**
 * Keeps open documents' token counts current without blocking the caller's thread. At most one request per document
 * is in flight. Edits that arrive meanwhile are queued and sent as one batch when it completes, so typing fast in a
 * large file costs one incremental recount per round trip instead of one per keystroke. Counts reach listeners in
 * version order, and a count older than one already delivered is dropped.
 */
export class TokenCountService {
	private readonly documents = new Map<string, DocumentState>();
	private readonly requests = new Map<number, PendingRequest>();
	private readonly listeners = new Set<(count: DocumentTokenCount) => void>();
	private nextRequestId = 1;
	private nextGeneration = 1;
	private failure: Error | undefined;
	private disposed = false;

	constructor(private readonly transport: TokenCountTransport) {
		transport.connect(
			(response) => this.receive(response),
			(error) => this.fail(error),
		);
	}

	/**
	 * Starts a service whose host runs in a worker thread loaded from `scriptPath` (`out/token-worker.js`). With
	 * `tokenizerCacheDir`, documents and texts can also be counted with `gguf:<digest>` keys, whose tokenizers the
	 * worker loads from that `GgufTokenizerCache` folder.
	 */
	static inWorker(scriptPath: string, options: TokenCountHostOptions = {}): TokenCountService {
		return new TokenCountService(createWorkerTransport(scriptPath, options));
	}

	/** Registers a listener for every document count that is not older than one already delivered. */
	onDidCountDocument(listener: (count: DocumentTokenCount) => void): { dispose(): void } {
		this.listeners.add(listener);
		return { dispose: () => this.listeners.delete(listener) };
	}

	/**
	 * Opens (or reopens) a document and counts it in full. Resolves with the count for `version` or a later one, or
	 * with undefined when the document is closed or reopened first.
	 */
	open(
		documentKey: string,
		text: string,
		encoding: TokenizerKey,
		version = 0,
	): Promise<DocumentTokenCount | undefined> {
		this.checkUsable();
		this.settleDocument(documentKey);
		const state: DocumentState = {
			generation: this.nextGeneration++,
			requestedVersion: version,
			emittedVersion: -Infinity,
			inFlight: true,
			pendingEdits: [],
			waiters: [],
		};
		this.documents.set(documentKey, state);
		const requestId = this.track({ kind: 'document', documentKey, generation: state.generation });
		this.transport.send({ type: 'document/open', requestId, documentKey, generation: state.generation, version, text, encoding });
		return this.waitFor(state, version);
	}

	/**
	 * Applies edits that took the document to `version`. Resolves with the count for `version` or a later one, or with
	 * undefined when the document is closed or reopened first. Throws when the document is not open.
	 */
	edit(documentKey: string, version: number, edits: readonly TextEdit[]): Promise<DocumentTokenCount | undefined> {
		this.checkUsable();
		const state = this.documents.get(documentKey);
		if (!state) {
			throw new TokenCountError(`Document '${documentKey}' is not open; call open() before edit().`);
		}
		state.pendingEdits.push(...edits);
		state.requestedVersion = Math.max(state.requestedVersion, version);
		const result = this.waitFor(state, version);
		if (!state.inFlight) {
			this.flush(documentKey, state);
		}
		return result;
	}

	/** Forgets a document. Pending `open` and `edit` promises for it resolve with undefined. */
	close(documentKey: string): void {
		if (this.disposed || this.failure || !this.documents.has(documentKey)) {
			return;
		}
		this.settleDocument(documentKey);
		this.transport.send({ type: 'document/close', documentKey });
	}

	/** Counts a text once, without keeping it. */
	count(text: string, encoding: TokenizerKey): Promise<number> {
		this.checkUsable();
		return new Promise((resolve, reject) => {
			const requestId = this.track({ kind: 'count', resolve, reject });
			this.transport.send({ type: 'text/count', requestId, text, encoding });
		});
	}

	/**
	 * Returns the tokens that overlap `[start, end)` (document offsets) with their offsets, as an encode of the whole
	 * document gives them. `text` is the document, or a stretch of it described by `stretch`. Resolves with undefined
	 * when a stretch has no safe split point before or after the range: pass a longer one, or the whole document.
	 */
	encodeRange(
		text: string,
		start: number,
		end: number,
		encoding: EncodingName,
		stretch: TextStretch = { textOffset: 0, documentLength: text.length },
	): Promise<RangeSpans | undefined> {
		this.checkUsable();
		return new Promise((resolve, reject) => {
			const requestId = this.track({ kind: 'range', resolve, reject });
			this.transport.send({ type: 'text/encodeRange', requestId, text, start, end, encoding, ...stretch });
		});
	}

	/**
	 * Prepares the exact tokenizer of an Ollama model in the host, fetching its vocabulary once and then using the
	 * cache. Rejects with a `TokenCountError` whose `errorName` tells an unsupported vocabulary from a failed request.
	 */
	prepareOllamaTokenizer(host: string, model: string): Promise<PreparedTokenizer> {
		this.checkUsable();
		return new Promise((resolve, reject) => {
			const requestId = this.track({ kind: 'prepare', resolve, reject });
			this.transport.send({ type: 'tokenizer/prepareOllama', requestId, host, model });
		});
	}

	/** Stops the host. Pending promises resolve with undefined (documents) or reject (counts and ranges). */
	async dispose(): Promise<void> {
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		for (const documentKey of [...this.documents.keys()]) {
			this.settleDocument(documentKey);
		}
		this.rejectCounts(new TokenCountError('The token-count service was disposed.'));
		this.listeners.clear();
		await this.transport.dispose();
	}

	private track(request: PendingRequest): number {
		const requestId = this.nextRequestId++;
		this.requests.set(requestId, request);
		return requestId;
	}

	private waitFor(state: DocumentState, version: number): Promise<DocumentTokenCount | undefined> {
		return new Promise((resolve, reject) => state.waiters.push({ version, resolve, reject }));
	}

	private flush(documentKey: string, state: DocumentState): void {
		const edits = state.pendingEdits;
		state.pendingEdits = [];
		state.inFlight = true;
		const requestId = this.track({ kind: 'document', documentKey, generation: state.generation });
		this.transport.send({
			type: 'document/edit',
			requestId,
			documentKey,
			generation: state.generation,
			version: state.requestedVersion,
			edits,
		});
	}

	private receive(response: TokenCountResponse): void {
		const request = this.requests.get(response.requestId);
		this.requests.delete(response.requestId);
		if (!request) {
			return;
		}
		if (request.kind === 'count') {
			if (response.type === 'text/counted') {
				request.resolve(response.tokens);
			} else if (response.type === 'request/failed') {
				request.reject(new TokenCountError(`Token count failed: ${response.message}`));
			}
			return;
		}
		if (request.kind === 'prepare') {
			if (response.type === 'tokenizer/prepared') {
				request.resolve({ key: response.key, digest: response.digest, source: response.source });
			} else if (response.type === 'request/failed') {
				request.reject(new TokenCountError(`Preparing the tokenizer failed: ${response.message}`, { errorName: response.errorName }));
			}
			return;
		}
		if (request.kind === 'range') {
			if (response.type === 'text/rangeEncoded') {
				request.resolve(response.result);
			} else if (response.type === 'request/failed') {
				request.reject(new TokenCountError(`Encoding a range failed: ${response.message}`));
			}
			return;
		}

		const state = this.documents.get(request.documentKey);
		if (!state || state.generation !== request.generation) {
			return;
		}

		if (response.type === 'request/failed') {
			this.documents.delete(request.documentKey);
			const error = new TokenCountError(`Token count of '${request.documentKey}' failed: ${response.message}`);
			for (const waiter of state.waiters) {
				waiter.reject(error);
			}
			return;
		}
		if (response.type !== 'document/counted') {
			return;
		}

		const { type: _type, requestId: _requestId, generation: _generation, ...count } = response;
		state.inFlight = false;
		state.waiters = state.waiters.filter((waiter) => {
			if (waiter.version <= count.version) {
				waiter.resolve(count);
				return false;
			}
			return true;
		});

		if (count.version >= state.emittedVersion) {
			state.emittedVersion = count.version;
			for (const listener of this.listeners) {
				listener(count);
			}
		}
		if (state.pendingEdits.length > 0 && this.documents.get(request.documentKey) === state) {
			this.flush(request.documentKey, state);
		}
	}

	private settleDocument(documentKey: string): void {
		const state = this.documents.get(documentKey);
		this.documents.delete(documentKey);
		for (const waiter of state?.waiters ?? []) {
			waiter.resolve(undefined);
		}
	}

	private rejectCounts(error: Error): void {
		for (const [requestId, request] of this.requests) {
			if (request.kind !== 'document') {
				this.requests.delete(requestId);
				request.reject(error);
			}
		}
	}

	private fail(cause: Error): void {
		if (this.disposed) {
			return;
		}
		this.failure = new TokenCountError(`The token-count host stopped: ${cause.message}`, { cause });
		for (const state of this.documents.values()) {
			for (const waiter of state.waiters) {
				waiter.reject(this.failure);
			}
		}
		this.documents.clear();
		this.rejectCounts(this.failure);
	}

	private checkUsable(): void {
		if (this.disposed) {
			throw new TokenCountError('The token-count service was disposed.');
		}
		if (this.failure) {
			throw this.failure;
		}
	}
}

/** Returns a transport to a worker thread running `scriptPath`, the bundled `src/core/tokens/worker.ts`. */
export function createWorkerTransport(scriptPath: string, options: TokenCountHostOptions = {}): TokenCountTransport {
	const worker = new Worker(scriptPath, { workerData: options });
	let stopping = false;
	return {
		send(request) {
			worker.postMessage(request);
		},
		connect(onResponse, onFailure) {
			worker.on('message', onResponse);
			worker.on('error', onFailure);
			worker.on('exit', (code) => {
				if (!stopping) {
					onFailure(new Error(`worker thread ${scriptPath} exited with code ${code}`));
				}
			});
		},
		async dispose() {
			stopping = true;
			await worker.terminate();
		},
	};
}
