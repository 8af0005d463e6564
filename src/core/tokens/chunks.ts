/**
 * Split points where text can be cut into chunks whose token counts add up to the count of the whole text, for both
 * o200k_base and cl100k_base. A point is safe when the pre-tokenizer ends a piece there whatever follows, and when
 * cutting the text there changes none of the pieces before it. Two kinds of position qualify:
 *
 * - After a newline that is followed by a character other than whitespace, or by spaces and tabs and then such a
 *   character. No piece continues past the newline, because whitespace pieces end at the last newline of their run
 *   and punctuation pieces take trailing newlines but no other whitespace. The exception is `/` directly after the newline,
 *   which o200k joins to punctuation on the line before (`;\n//` is one piece).
 * - After a letter or digit that is followed by anything but a letter, digit, combining mark or apostrophe. Letter
 *   and digit pieces end there, and no piece can start with a letter or digit in the middle of a run of them.
 *
 * Splitting at every newline instead would change the count, because a run such as `\n\n` is one token whole and
 * two tokens when split. The tests check the rules against tiktoken on random and real text, splitting at every point.
 */

const SPLIT_POINT = /(?<=\n)(?=[ \t]*[^\s])(?!\/)|(?<=[\p{L}\p{N}])(?=[^\p{L}\p{N}\p{M}'])/gu;

/** Chunk length the incremental counter aims for, in UTF-16 code units. Chunks end at the next safe point after it. */
export const DEFAULT_CHUNK_LENGTH = 4096;

/** Returns the first safe split point at or after `from`, or -1 when the rest of the text has none. */
export function findSplitPoint(text: string, from: number): number {
	if (from <= 0) {
		from = 1;
	}
	// A unicode regex started inside a surrogate pair starts at the pair instead, which would return a point before
	// `from`, so start after the pair.
	if (isLowSurrogate(text.charCodeAt(from))) {
		from++;
	}
	if (from >= text.length) {
		return -1;
	}
	SPLIT_POINT.lastIndex = from;
	const match = SPLIT_POINT.exec(text);
	return match ? match.index : -1;
}

/**
 * Splits text into chunks of at least `targetLength` code units (except the last), each ending at a safe split point.
 * A stretch with no safe point stays in one chunk, however long. Returns no chunks for empty text.
 */
export function splitIntoChunks(text: string, targetLength = DEFAULT_CHUNK_LENGTH): string[] {
	const chunks: string[] = [];
	let start = 0;
	while (text.length - start > targetLength) {
		const split = findSplitPoint(text, start + targetLength);
		if (split < 0) {
			break;
		}
		chunks.push(text.slice(start, split));
		start = split;
	}
	if (start < text.length) {
		chunks.push(text.slice(start));
	}
	return chunks;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}
