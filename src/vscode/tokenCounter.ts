import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import type { EncodingName } from '../core/tokens/encodings';
import type { TokenizerKey } from '../core/tokens/protocol';
import {
	type PreparedTokenizer,
	type RangeSpans,
	type TextEdit,
	type TextStretch,
	TokenCountService,
} from '../core/tokens/service';

/** Token counts for the extension: documents are kept open in the token worker and recounted per edit. */
export interface TokenCounter extends vscode.Disposable {
	/** Counts a text once. */
	count(text: string, tokenizer: TokenizerKey): Promise<number>;
	/** Returns the tokens that overlap a range, with their offsets. See `TokenCountService.encodeRange`. */
	encodeRange(
		text: string,
		start: number,
		end: number,
		encoding: EncodingName,
		stretch?: TextStretch,
	): Promise<RangeSpans | undefined>;
	/** Returns the document's count at its current version, or undefined when a newer request superseded it. */
	countDocument(document: vscode.TextDocument, tokenizer: TokenizerKey): Promise<number | undefined>;
	/** Prepares an Ollama model's own tokenizer in the worker; see `TokenCountService.prepareOllamaTokenizer`. */
	prepareOllamaTokenizer(host: string, model: string): Promise<PreparedTokenizer>;
	/** Forwards an edit to a document the counter keeps open; ignored for documents it has not opened. */
	applyChanges(document: vscode.TextDocument, changes: readonly vscode.TextDocumentContentChangeEvent[]): void;
	closeDocument(document: vscode.TextDocument): void;
}

interface OpenDocument {
	encoding: TokenizerKey;
	/** The newest count request: open or the last edit. */
	latest: Promise<number | undefined>;
}

/**
 * Starts the token worker from `workerPath` (`out/token-worker.js`) and adapts it to VS Code documents. Local models'
 * tokenizers are cached in `tokenizerCacheDir`.
 */
export function createTokenCounter(workerPath: string, logger: Logger, tokenizerCacheDir?: string): TokenCounter {
	let service: TokenCountService | undefined;
	const documents = new Map<string, OpenDocument>();
	const serviceOf = () => {
		service ??= TokenCountService.inWorker(workerPath, { tokenizerCacheDir });
		return service;
	};
	const keyOf = (document: vscode.TextDocument) => document.uri.toString();
	const logFailure = (documentKey: string) => (error: unknown) => {
		logger.error(`Counting tokens of ${documentKey} failed: ${String(error)}`);
		return undefined;
	};

	const open = (document: vscode.TextDocument, encoding: TokenizerKey): OpenDocument => {
		const key = keyOf(document);
		const latest = serviceOf()
			.open(key, document.getText(), encoding, document.version)
			.then((count) => count?.tokens, logFailure(key));
		const entry = { encoding, latest };
		documents.set(key, entry);
		return entry;
	};

	return {
		count: (text, encoding) => serviceOf().count(text, encoding),
		prepareOllamaTokenizer: (host, model) => serviceOf().prepareOllamaTokenizer(host, model),
		encodeRange: (text, start, end, encoding, stretch) => serviceOf().encodeRange(text, start, end, encoding, stretch),

		async countDocument(document, encoding) {
			const entry = documents.get(keyOf(document));
			if (!entry || entry.encoding !== encoding) {
				return open(document, encoding).latest;
			}
			return entry.latest;
		},

		applyChanges(document, changes) {
			const key = keyOf(document);
			const entry = documents.get(key);
			if (!entry || changes.length === 0) {
				return;
			}
			// Every change's offset refers to the text before the event, so applying them from the last to the first
			// keeps each offset valid.
			const edits: TextEdit[] = [...changes]
				.sort((a, b) => b.rangeOffset - a.rangeOffset)
				.map((change) => ({ offset: change.rangeOffset, deletedLength: change.rangeLength, insertedText: change.text }));
			try {
				entry.latest = serviceOf()
					.edit(key, document.version, edits)
					.then((count) => count?.tokens, logFailure(key));
			} catch (error) {
				logFailure(key)(error);
				documents.delete(key);
			}
		},

		closeDocument(document) {
			const key = keyOf(document);
			if (documents.delete(key)) {
				service?.close(key);
			}
		},

		dispose() {
			documents.clear();
			void service?.dispose();
		},
	};
}
