/** Messages between `TokenCountService` and the token-count host, which runs in a worker thread or in process. */

import type { EncodingName } from './encodings';
import type { RangeSpans } from './spans';

/** A GGUF tokenizer that the host loads from its tokenizer cache folder, named by model digest: `gguf:<digest>`. */
export type GgufTokenizerKey = `gguf:${string}`;

/** Tokenizer of a count: an OpenAI encoding, or a GGUF tokenizer from the cache. */
export type TokenizerKey = EncodingName | GgufTokenizerKey;

/** Returns whether a tokenizer key names a cached GGUF tokenizer. */
export function isGgufTokenizerKey(key: string): key is GgufTokenizerKey {
	return key.startsWith('gguf:');
}

/** Settings of a token-count host, passed to the worker thread as its `workerData`. */
export interface TokenCountHostOptions {
	/** Folder of `GgufTokenizerCache` files, where `gguf:<digest>` keys are loaded from. */
	tokenizerCacheDir?: string;
}

/** One text change. Edits in a batch apply in order, each against the text the previous one produced. */
export interface TextEdit {
	/** Start of the replaced range, in UTF-16 code units. */
	offset: number;
	/** Length of the replaced range, in UTF-16 code units. */
	deletedLength: number;
	insertedText: string;
}

export type TokenCountRequest =
	| {
			type: 'document/open';
			requestId: number;
			documentKey: string;
			/** Increases with every open of the same key, so the client can drop replies about an earlier open. */
			generation: number;
			version: number;
			text: string;
			encoding: TokenizerKey;
	  }
	| {
			type: 'document/edit';
			requestId: number;
			documentKey: string;
			generation: number;
			version: number;
			edits: TextEdit[];
	  }
	| { type: 'document/close'; documentKey: string }
	| { type: 'text/count'; requestId: number; text: string; encoding: TokenizerKey }
	| {
			/** Fetches an Ollama model's vocabulary (or takes it from the cache) and builds its tokenizer. */
			type: 'tokenizer/prepareOllama';
			requestId: number;
			/** Ollama's base URL, such as `http://127.0.0.1:11434`. */
			host: string;
			/** Model name with its tag, such as `qwen3:4b`. */
			model: string;
	  }
	| {
			type: 'text/encodeRange';
			requestId: number;
			/** The document, or a stretch of it around the range. */
			text: string;
			/** Offset of `text` in the document, in UTF-16 code units. */
			textOffset: number;
			/** Length of the whole document, so the host can tell whether `text` reaches its end. */
			documentLength: number;
			/** Range whose tokens are wanted, in document offsets. */
			start: number;
			end: number;
			encoding: EncodingName;
	  };

export type TokenCountResponse =
	| {
			type: 'document/counted';
			requestId: number;
			documentKey: string;
			generation: number;
			version: number;
			encoding: TokenizerKey;
			tokens: number;
			/** Time the host spent on the request, in milliseconds. */
			elapsedMs: number;
	  }
	| { type: 'text/counted'; requestId: number; tokens: number; elapsedMs: number }
	| {
			type: 'text/rangeEncoded';
			requestId: number;
			/** Undefined when `text` was a stretch with no safe split point before or after the range. */
			result: RangeSpans | undefined;
			elapsedMs: number;
	  }
	| {
			type: 'tokenizer/prepared';
			requestId: number;
			/** Key to count with from now on. */
			key: GgufTokenizerKey;
			digest: string;
			/** Whether the vocabulary came from the cache or from the server. */
			source: 'cache' | 'server';
			elapsedMs: number;
	  }
	| {
			type: 'request/failed';
			requestId: number;
			message: string;
			/** `name` of the error, such as `UnsupportedTokenizerError`, so the client can tell causes apart. */
			errorName?: string;
	  };
