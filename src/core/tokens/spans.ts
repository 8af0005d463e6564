/**
 * Token ids with their positions in the text, for showing token boundaries. A range of a long document is encoded
 * from a safe split point before it to one after it (see `chunks.ts`), so its tokens are exactly those that an encode
 * of the whole document gives there.
 */

import { findSplitPoint } from './chunks';
import { encode } from './count';
import { loadEncoding, toByteKey, type EncodingName, type LoadedEncoding } from './encodings';

/** One token and the characters it covers. */
export interface TokenSpan {
	id: number;
	/** Start in UTF-16 code units. A token that starts inside a character starts at that character. */
	start: number;
	/** End in UTF-16 code units. A token that ends inside a character ends after that character. */
	end: number;
	/**
	 * The token's bytes when it starts or ends inside a character, so that it is a partial UTF-8 sequence (a Chinese
	 * character or an emoji split across tokens). Undefined for a token of whole characters.
	 */
	partialBytes?: number[];
}

/** Tokens that overlap a range, and the stretch that was encoded to find them. */
export interface RangeSpans {
	spans: TokenSpan[];
	/** Start of the encoded stretch: a safe split point at or before the range. */
	encodedStart: number;
	/** End of the encoded stretch: a safe split point at or after the range, or the end of the document. */
	encodedEnd: number;
}

export interface RangeSpansOptions {
	/**
	 * Offset of `text` in the document, in UTF-16 code units. When it is above 0, the start of `text` is not known to
	 * be a split point, so the encode starts at the first split point found inside it.
	 * @default 0
	 */
	textOffset?: number;
	/**
	 * Length of the whole document. When `text` ends before it, the end of `text` is not known to be a split point.
	 * @default textOffset + text.length
	 */
	documentLength?: number;
}

const utf8 = new TextEncoder();

// A split point's lookahead reads a run of spaces and tabs and one more character. A stretch that ends this many code
// units after an offset therefore finds every split point at or before it, except one before a longer run of spaces.
const SPLIT_LOOKAHEAD = 256;

/**
 * Returns the last safe split point at or before `offset`, or -1 when `text` has none there. Offset 0 is not
 * returned: the caller knows whether the start of its text is safe.
 */
export function findSplitPointBefore(text: string, offset: number): number {
	if (offset <= 0) {
		return -1;
	}
	// Searching a stretch that ends shortly after `offset` keeps each failed search from scanning the rest of the text.
	const stretch = text.slice(0, Math.min(text.length, offset + SPLIT_LOOKAHEAD));
	for (let span = 1024; ; span *= 4) {
		const from = Math.max(1, offset - span);
		let best = -1;
		let point = findSplitPoint(stretch, from);
		while (point !== -1 && point <= offset) {
			best = point;
			point = findSplitPoint(stretch, point + 1);
		}
		if (best !== -1 || from === 1) {
			return best;
		}
	}
}

/**
 * Returns the tokens of `text` that overlap `[start, end)`, with offsets in the document. Offsets, `start` and `end`
 * are document offsets in UTF-16 code units. An empty range returns the token that contains `start`, if any.
 * Returns undefined when `text` is a stretch of a longer document with no safe split point between its start and
 * `start`, or between `end` and its end. The caller then passes a longer stretch. The whole document always works.
 */
export function encodeRangeSpans(
	text: string,
	start: number,
	end: number,
	encoding: EncodingName,
	options: RangeSpansOptions = {},
): RangeSpans | undefined {
	const textOffset = options.textOffset ?? 0;
	const documentLength = options.documentLength ?? textOffset + text.length;
	const localStart = clamp(start - textOffset, 0, text.length);
	const localEnd = clamp(end - textOffset, localStart, text.length);

	let encodedStart = findSplitPointBefore(text, localStart);
	if (encodedStart === -1) {
		if (textOffset > 0) {
			return undefined;
		}
		encodedStart = 0;
	}
	// An empty range still needs the token that starts at `start`, so the stretch ends after it.
	let encodedEnd = findSplitPoint(text, Math.max(localEnd, localStart + 1));
	if (encodedEnd === -1) {
		if (textOffset + text.length < documentLength) {
			return undefined;
		}
		encodedEnd = text.length;
	}

	const all = encodeSpans(text.slice(encodedStart, encodedEnd), encoding, textOffset + encodedStart);
	const rangeStart = textOffset + localStart;
	const rangeEnd = textOffset + localEnd;
	const spans =
		rangeEnd > rangeStart
			? all.filter((span) => span.end > rangeStart && span.start < rangeEnd)
			: all.filter((span) => span.start <= rangeStart && span.end > rangeStart).slice(0, 1);
	return { spans, encodedStart: textOffset + encodedStart, encodedEnd: textOffset + encodedEnd };
}

/**
 * Encodes `text` and returns each token with the characters it covers. Offsets are added to `offset`. The ids are
 * those of `encode`, so special-token strings count as text.
 */
export function encodeSpans(text: string, encoding: EncodingName, offset = 0): TokenSpan[] {
	const loaded = loadEncoding(encoding);
	const ids = encode(text, encoding);
	const bytes = utf8.encode(text);
	const characters = mapBytesToCharacters(text, bytes.length);
	const spans: TokenSpan[] = [];
	let byteStart = 0;
	for (const id of ids) {
		const byteEnd = byteStart + tokenLength(bytes, byteStart, id, loaded);
		const startsInside = !characters.isBoundary[byteStart];
		const endsInside = !characters.isBoundary[byteEnd];
		const span: TokenSpan = {
			id,
			start: offset + characters.startOf[byteStart],
			end: offset + (endsInside ? characters.endOf[byteEnd - 1] : characters.startOf[byteEnd]),
		};
		if (startsInside || endsInside) {
			span.partialBytes = Array.from(bytes.subarray(byteStart, byteEnd));
		}
		spans.push(span);
		byteStart = byteEnd;
	}
	if (byteStart !== bytes.length) {
		throw new Error(`The tokens of a ${bytes.length}-byte text cover ${byteStart} bytes.`);
	}
	return spans;
}

/**
 * Returns the byte length of token `id`, which starts at `start` in `bytes`. Each id maps to one byte string, so the
 * first length whose bytes have that rank is the token's. Most tokens are a few bytes long, so few lengths are tried.
 */
function tokenLength(bytes: Uint8Array, start: number, id: number, loaded: LoadedEncoding): number {
	const longest = Math.min(loaded.maxTokenBytes, bytes.length - start);
	for (let length = 1; length <= longest; length++) {
		if (loaded.rankOf(toByteKey(bytes, start, start + length)) === id) {
			return length;
		}
	}
	throw new Error(`Token ${id} does not match the bytes at offset ${start}.`);
}

interface CharacterMap {
	/** UTF-16 offset of the character that contains each byte, and of the end for index `byteLength`. */
	startOf: Int32Array;
	/** UTF-16 offset after the character that contains each byte. */
	endOf: Int32Array;
	/** Whether a character starts at each byte offset (and at the end). */
	isBoundary: Uint8Array;
}

/** Maps the UTF-8 bytes of `text` to its UTF-16 offsets. A lone surrogate is 3 bytes, as TextEncoder writes U+FFFD. */
function mapBytesToCharacters(text: string, byteLength: number): CharacterMap {
	const startOf = new Int32Array(byteLength + 1);
	const endOf = new Int32Array(byteLength + 1);
	const isBoundary = new Uint8Array(byteLength + 1);
	let byte = 0;
	for (let index = 0; index < text.length; ) {
		const code = text.codePointAt(index) ?? 0;
		const units = code > 0xffff ? 2 : 1;
		const size = utf8Length(code);
		isBoundary[byte] = 1;
		for (let offset = 0; offset < size; offset++) {
			startOf[byte + offset] = index;
			endOf[byte + offset] = index + units;
		}
		byte += size;
		index += units;
	}
	startOf[byteLength] = text.length;
	endOf[byteLength] = text.length;
	isBoundary[byteLength] = 1;
	return { startOf, endOf, isBoundary };
}

function utf8Length(codePoint: number): number {
	if (codePoint < 0x80) {
		return 1;
	}
	if (codePoint < 0x800) {
		return 2;
	}
	return codePoint < 0x10000 ? 3 : 4;
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}
