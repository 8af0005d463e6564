/**
 * Exact token counts for OpenAI's byte pair encodings. Special-token strings such as `<|endoftext|>` are counted as
 * ordinary text, as `encode_ordinary` does in tiktoken: text typed into a document can never produce a control token.
 */

import { bytePairMerge, createRankLookup, type RankLookup } from './bytePairMerge';
import { splitIntoChunks } from './chunks';
import { loadEncoding, toByteKey, type EncodingName, type LoadedEncoding } from './encodings';

// With no special token allowed or disallowed, gpt-tokenizer encodes `<|endoftext|>` as text instead of throwing.
const TEXT_ONLY = { disallowedSpecial: new Set<string>() };

/**
 * Finds any run that a pre-tokenizer piece longer than 512 characters would need: 256 characters without whitespace,
 * 256 of whitespace, or 256 of newlines and slashes (o200k's punctuation pieces end in any mix of those). The engine's
 * merge is quadratic in the piece length, so a text with such a run is counted piece by piece with the heap-based
 * merge. The check uses no Unicode property classes and matches only at the start of a run, which keeps it near
 * 10 ms per MB instead of the 100 ms a `\p{L}` version took.
 */
const LONG_RUN = /(?<!\S)\S{256}|(?<!\s)\s{256}|(?<![\r\n/])[\r\n/]{256}/;

// Chunk length for texts that contain a long run: only chunks that contain one take the piece-by-piece path.
const LONG_TEXT_CHUNK_LENGTH = 16_384;

const utf8 = new TextEncoder();
const lookups = new WeakMap<LoadedEncoding, RankLookup>();

/**
 * Counts the tokens of `text` in `encoding`. The count equals tiktoken's `len(encode_ordinary(text))`, and the time
 * stays near linear in the text length even for a 200 KB line with no spaces or a long run of one letter.
 */
export function countTokens(text: string, encoding: EncodingName): number {
	const loaded = loadEncoding(encoding);
	if (!LONG_RUN.test(text)) {
		return loaded.engine.countTokens(text, TEXT_ONLY);
	}
	let total = 0;
	for (const chunk of splitIntoChunks(text, LONG_TEXT_CHUNK_LENGTH)) {
		total += countChunk(chunk, loaded);
	}
	return total;
}

/**
 * Counts one chunk. The incremental counter calls this for each chunk, so that the sum over chunks cut at safe split
 * points equals `countTokens` of the whole text.
 */
export function countChunk(chunk: string, encoding: EncodingName | LoadedEncoding): number {
	const loaded = typeof encoding === 'string' ? loadEncoding(encoding) : encoding;
	if (!LONG_RUN.test(chunk)) {
		return loaded.engine.countTokens(chunk, TEXT_ONLY);
	}
	let total = 0;
	for (const piece of chunk.matchAll(loaded.pieces)) {
		total += encodePiece(piece[0], loaded).length;
	}
	return total;
}

/** Returns the token ids of `text`, treating special-token strings as text like `countTokens`. */
export function encode(text: string, encoding: EncodingName): number[] {
	const loaded = loadEncoding(encoding);
	if (!LONG_RUN.test(text)) {
		return loaded.engine.encode(text, TEXT_ONLY);
	}
	const tokens: number[] = [];
	for (const chunk of splitIntoChunks(text, LONG_TEXT_CHUNK_LENGTH)) {
		if (!LONG_RUN.test(chunk)) {
			tokens.push(...loaded.engine.encode(chunk, TEXT_ONLY));
			continue;
		}
		for (const piece of chunk.matchAll(loaded.pieces)) {
			tokens.push(...encodePiece(piece[0], loaded));
		}
	}
	return tokens;
}

/** Returns the text of token ids. Throws when an id is not in the encoding. */
export function decode(tokens: Iterable<number>, encoding: EncodingName): string {
	return loadEncoding(encoding).engine.decode(tokens);
}

function encodePiece(piece: string, loaded: LoadedEncoding): number[] {
	const bytes = utf8.encode(piece);
	const whole = bytes.length <= loaded.maxTokenBytes ? loaded.rankOf(toByteKey(bytes)) : undefined;
	if (whole !== undefined) {
		return [whole];
	}
	let lookup = lookups.get(loaded);
	if (!lookup) {
		lookup = createRankLookup((key) => loaded.rankOf(key), loaded.maxTokenBytes);
		lookups.set(loaded, lookup);
	}
	return bytePairMerge(bytes, lookup);
}
