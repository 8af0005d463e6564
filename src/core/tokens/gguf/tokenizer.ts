/**
 * A tokenizer built from GGUF metadata that gives llama.cpp's token ids. Hugging Face's `@huggingface/tokenizers` runs
 * the pre-tokenizer regexes and the byte pair merges from a `tokenizer.json` built in memory. This module does what
 * llama.cpp does around them: it splits special tokens out of the text first, in llama.cpp's order and with its
 * whitespace stripping, puts SentencePiece's space before each text fragment that starts the text or follows a special
 * token, and adds BOS and EOS on request.
 */

import { Tokenizer } from '@huggingface/tokenizers';
import { PRE_TOKENIZER_NAMES, PRE_TOKENIZER_TYPES, type PreTokenizerName } from './preTokenizers';
import { type GgufMetadata, type GgufTokenizerModel, type GgufTokenizerSpec, SPECIAL_TOKEN_FLAGS, deriveTokenizerSpec } from './spec';

export interface GgufEncodeOptions {
	/**
	 * Matches control-token strings such as `<|eot_id|>` or `<s>` in the text as those tokens. Off, they count as the
	 * text they are, as for anything a user types; user-defined tokens are matched either way, as in llama.cpp.
	 * @default false
	 */
	parseSpecial?: boolean;
	/** Adds the BOS and EOS tokens that llama.cpp adds to a prompt for this vocabulary (`add_special`). @default false */
	addSpecial?: boolean;
}

/** A vocabulary's BOS token. */
export interface GgufBosToken {
	readonly id: number;
	readonly text: string;
	/** Whether llama.cpp puts it before every prompt (`tokenizer.ggml.add_bos_token`, or the model's default). */
	readonly prepended: boolean;
}

/** Exact tokenizer of a GGUF vocabulary. */
export interface GgufTokenizer {
	/** Counts equal llama.cpp's; a tokenizer that could not be exact is never built. */
	readonly exact: true;
	readonly model: GgufTokenizerModel;
	/** `tokenizer.ggml.pre`, or empty for `llama` models. */
	readonly preTokenizer: string;
	readonly vocabularySize: number;
	readonly bosToken: GgufBosToken | undefined;
	/** What the tokenizer was built from, for `GgufTokenizerCache`. */
	readonly spec: GgufTokenizerSpec;
	/** Returns the token ids of `text`. */
	encode(text: string, options?: GgufEncodeOptions): number[];
	/** Returns the number of tokens of `text`. */
	count(text: string, options?: GgufEncodeOptions): number;
	/**
	 * Returns the text of token ids. The space a `llama` model puts before text is left out, so decoding what `encode`
	 * returned gives the text back. Throws a RangeError for an id outside the vocabulary.
	 */
	decode(ids: readonly number[]): string;
}

/**
 * Builds a tokenizer from GGUF metadata: the `tokenizer.ggml.*` keys of a `.gguf` file or of the `model_info` that
 * Ollama's `/api/show` returns with `verbose: true`. Throws `UnsupportedTokenizerError` for a tokenizer model or
 * pre-tokenizer that cannot be reproduced exactly, so callers can fall back to a labelled estimate, and
 * `InvalidTokenizerMetadataError` when the vocabulary is missing or malformed.
 */
export function buildGgufTokenizer(metadata: GgufMetadata): GgufTokenizer {
	return createGgufTokenizer(deriveTokenizerSpec(metadata));
}

/** Builds a tokenizer from a spec, such as one `GgufTokenizerCache` stored. */
export function createGgufTokenizer(spec: GgufTokenizerSpec): GgufTokenizer {
	return new SpecTokenizer(spec);
}

type Fragment = string | number;

const NEWLINE_RUN = /\n+/g;
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
const utf8Encoder = new TextEncoder();

class SpecTokenizer implements GgufTokenizer {
	readonly exact = true;
	readonly model: GgufTokenizerModel;
	readonly preTokenizer: string;
	readonly vocabularySize: number;
	readonly bosToken: GgufBosToken | undefined;
	private readonly engine: Tokenizer;
	private readonly byteLevel: boolean;
	/** Gemma 4: a run of newlines that is a token stays one token, whatever the merges say. */
	private readonly newlineRunsAreWords: boolean;
	private readonly specialFlags = new Map<number, number>();
	private readonly idOf: Map<string, number>;

	constructor(readonly spec: GgufTokenizerSpec) {
		this.model = spec.model;
		this.preTokenizer = spec.preTokenizer;
		this.vocabularySize = spec.tokens.length;
		const bos = spec.bosId;
		this.bosToken = bos === null ? undefined : { id: bos, text: spec.tokens[bos], prepended: spec.addBos };
		for (const [id, flags] of spec.specialTokens) {
			this.specialFlags.set(id, flags);
		}
		const preType = spec.model === 'llama' ? undefined : PRE_TOKENIZER_TYPES[preTokenizerType(spec)];
		this.byteLevel = preType?.byteLevel ?? false;
		this.newlineRunsAreWords = preTokenizerType(spec) === 'GEMMA4';
		this.engine = new Tokenizer(buildTokenizerJson(spec), {});
		this.idOf = new Map(spec.tokens.map((token, id) => [token, id]));
	}

	encode(text: string, options: GgufEncodeOptions = {}): number[] {
		const ids: number[] = [];
		const { spec } = this;
		if (options.addSpecial && spec.addBos && spec.bosId !== null) {
			ids.push(spec.bosId);
		}
		let afterSpecial = true;
		for (const fragment of this.partition(text, options.parseSpecial ?? false)) {
			if (typeof fragment === 'number') {
				ids.push(fragment);
				afterSpecial = true;
			} else {
				this.encodeFragment(fragment, afterSpecial, ids);
				afterSpecial = false;
			}
		}
		if (options.addSpecial && spec.addEos && spec.eosId !== null) {
			ids.push(spec.eosId);
		}
		return ids;
	}

	count(text: string, options?: GgufEncodeOptions): number {
		return this.encode(text, options).length;
	}

	decode(ids: readonly number[]): string {
		const bytes: number[] = [];
		let afterSpecial = true;
		for (const id of ids) {
			const token = this.spec.tokens[id];
			if (token === undefined) {
				throw new RangeError(`Token id ${id} is outside the vocabulary of ${this.vocabularySize} tokens.`);
			}
			if (this.specialFlags.has(id)) {
				pushAll(bytes, utf8Encoder.encode(token));
				afterSpecial = true;
				continue;
			}
			const start = bytes.length;
			this.appendTokenBytes(token, bytes);
			if (afterSpecial && this.spec.addSpacePrefix && bytes[start] === 0x20) {
				bytes.splice(start, 1);
			}
			afterSpecial = false;
		}
		return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bytes));
	}

	/** Splits special tokens out of the text the way llama.cpp's `tokenizer_st_partition` does. */
	private partition(text: string, parseSpecial: boolean): Fragment[] {
		let fragments: Fragment[] = text === '' ? [] : [text];
		const skipped = parseSpecial ? 0 : SPECIAL_TOKEN_FLAGS.control | SPECIAL_TOKEN_FLAGS.unknown;
		for (const [id, flags] of this.spec.specialTokens) {
			if (flags & skipped) {
				continue;
			}
			const tokenText = this.spec.tokens[id];
			if (!fragments.some((fragment) => typeof fragment === 'string' && fragment.includes(tokenText))) {
				continue;
			}
			fragments = fragments.flatMap((fragment) =>
				typeof fragment === 'string' ? splitOnToken(fragment, tokenText, id, flags) : [fragment],
			);
		}
		return fragments;
	}

	private encodeFragment(fragment: string, afterSpecial: boolean, ids: number[]): void {
		if (this.model === 'llama') {
			const text = this.spec.addSpacePrefix && afterSpecial ? ` ${fragment}` : fragment;
			pushAll(ids, this.engine.encode(text, { add_special_tokens: false }).ids);
			return;
		}
		if (!this.newlineRunsAreWords) {
			pushAll(ids, this.engine.encode(fragment, { add_special_tokens: false }).ids);
			return;
		}
		let start = 0;
		for (const match of fragment.matchAll(NEWLINE_RUN)) {
			const run = this.idOf.get(match[0]);
			if (run === undefined) {
				continue;
			}
			if (match.index > start) {
				pushAll(ids, this.engine.encode(fragment.slice(start, match.index), { add_special_tokens: false }).ids);
			}
			ids.push(run);
			start = match.index + match[0].length;
		}
		if (start < fragment.length) {
			pushAll(ids, this.engine.encode(fragment.slice(start), { add_special_tokens: false }).ids);
		}
	}

	private appendTokenBytes(token: string, bytes: number[]): void {
		if (this.byteLevel) {
			for (const char of token) {
				const byte = GPT2_CHAR_TO_BYTE.get(char);
				if (byte === undefined) {
					pushAll(bytes, utf8Encoder.encode(char));
				} else {
					bytes.push(byte);
				}
			}
			return;
		}
		const byteToken = BYTE_TOKEN.exec(token);
		if (byteToken) {
			bytes.push(Number.parseInt(byteToken[1], 16));
			return;
		}
		pushAll(bytes, utf8Encoder.encode(token.replaceAll('▁', ' ')));
	}
}

/**
 * Splits one text fragment on every occurrence of a special token. Whitespace (C's `isspace`: space, tab, newline,
 * vertical tab, form feed, carriage return) next to the token is dropped on the sides its flags say.
 */
function splitOnToken(fragment: string, tokenText: string, id: number, flags: number): Fragment[] {
	const result: Fragment[] = [];
	let start = 0;
	let match = fragment.indexOf(tokenText, start);
	if (match < 0) {
		return [fragment];
	}
	while (match >= 0) {
		let leftEnd = match;
		if (flags & SPECIAL_TOKEN_FLAGS.lstrip) {
			while (leftEnd > start && isCSpace(fragment.charCodeAt(leftEnd - 1))) {
				leftEnd--;
			}
		}
		if (leftEnd > start) {
			result.push(fragment.slice(start, leftEnd));
		}
		result.push(id);
		start = match + tokenText.length;
		if (flags & SPECIAL_TOKEN_FLAGS.rstrip) {
			while (start < fragment.length && isCSpace(fragment.charCodeAt(start))) {
				start++;
			}
		}
		match = fragment.indexOf(tokenText, start);
	}
	if (start < fragment.length) {
		result.push(fragment.slice(start));
	}
	return result;
}

function isCSpace(code: number): boolean {
	return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function pushAll(target: number[], values: ArrayLike<number>): void {
	for (let index = 0; index < values.length; index++) {
		target.push(values[index]);
	}
}

function preTokenizerType(spec: GgufTokenizerSpec): string {
	if (spec.model === 'gemma4') {
		return 'GEMMA4';
	}
	return lookupType(spec.preTokenizer);
}

function lookupType(preTokenizer: string): string {
	return lookupName(preTokenizer).type;
}

/** Returns the `tokenizer.json` for Hugging Face's `Tokenizer`, with no added tokens: this module splits those out. */
function buildTokenizerJson(spec: GgufTokenizerSpec): object {
	const vocab: Record<string, number> = Object.create(null);
	spec.tokens.forEach((token, id) => {
		vocab[token] = id;
	});
	const merges: Array<[string, string]> = [];
	for (const merge of spec.merges) {
		// llama.cpp splits a merge at the first space after its first character.
		const space = merge.indexOf(' ', 1);
		if (space > 0) {
			merges.push([merge.slice(0, space), merge.slice(space + 1)]);
		}
	}
	const model = {
		type: 'BPE',
		vocab,
		merges,
		unk_token: null,
		byte_fallback: !isByteLevel(spec),
		ignore_merges: spec.model === 'gpt2' && lookupName(spec.preTokenizer).ignoreMerges === true,
	};
	return {
		version: '1.0',
		added_tokens: [],
		normalizer: escapesWhitespace(spec) ? { type: 'Replace', pattern: { String: ' ' }, content: '▁' } : null,
		pre_tokenizer: buildPreTokenizer(spec),
		post_processor: null,
		decoder: null,
		model,
	};
}

function buildPreTokenizer(spec: GgufTokenizerSpec): object | null {
	if (spec.model === 'llama') {
		// Newlines are never part of a SentencePiece merge when no longer token contains one, so splitting there
		// leaves the result unchanged and lets the merge cache work line by line.
		const newlineInMerges = spec.merges.some((merge) => merge.includes('\n'));
		return newlineInMerges ? null : { type: 'Split', pattern: { String: '\n' }, behavior: 'Isolated', invert: false };
	}
	const type = PRE_TOKENIZER_TYPES[preTokenizerType(spec)];
	const splits = type.regexes.map((regex) => ({
		type: 'Split',
		pattern: { Regex: regex },
		behavior: 'Isolated',
		invert: false,
	}));
	if (type.byteLevel) {
		splits.push({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false } as never);
	}
	return { type: 'Sequence', pretokenizers: splits };
}

function isByteLevel(spec: GgufTokenizerSpec): boolean {
	return spec.model !== 'llama' && PRE_TOKENIZER_TYPES[preTokenizerType(spec)].byteLevel;
}

function escapesWhitespace(spec: GgufTokenizerSpec): boolean {
	return spec.model === 'llama' || spec.model === 'gemma4' || lookupName(spec.preTokenizer).escapeWhitespace === true;
}

/** Returns what a spec's pre-tokenizer name selects. Specs are derived through `lookupPreTokenizer`, so it is known. */
function lookupName(preTokenizer: string): PreTokenizerName {
	return Object.hasOwn(PRE_TOKENIZER_NAMES, preTokenizer) ? PRE_TOKENIZER_NAMES[preTokenizer] : { type: 'DEFAULT' };
}

/** GPT-2's byte-level alphabet: printable bytes map to themselves, the others to code points from U+0100 up. */
const GPT2_CHAR_TO_BYTE: ReadonlyMap<string, number> = (() => {
	const map = new Map<string, number>();
	let next = 0x100;
	for (let byte = 0; byte < 256; byte++) {
		const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
		map.set(String.fromCodePoint(printable ? byte : next++), byte);
	}
	return map;
})();
