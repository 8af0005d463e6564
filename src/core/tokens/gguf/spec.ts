/**
 * Derives what a tokenizer needs from GGUF metadata, following how llama.cpp's `llama_vocab::impl::load` reads the
 * same keys (llama.cpp 80fb11ac73e6, shipped with node-llama-cpp 3.21.1). The result is plain JSON, so the cache stores
 * it as it is and rebuilds a tokenizer from it without the metadata.
 */

import { InvalidTokenizerMetadataError, UnsupportedTokenizerError } from './errors';
import {
	PRE_TOKENIZER_NAMES,
	PRE_TOKENIZER_TYPES,
	type PreTokenizerName,
	UNSUPPORTED_PRE_TOKENIZER_TYPES,
} from './preTokenizers';

/** GGUF key/value metadata, as a `.gguf` file or the `model_info` of Ollama's verbose `/api/show` contains it. */
export type GgufMetadata = Readonly<Record<string, unknown>>;

/** Values of `tokenizer.ggml.model` this module supports. */
export type GgufTokenizerModel = 'gpt2' | 'llama' | 'gemma4';

/** Version of the `GgufTokenizerSpec` layout and derivation. Cached specs of another version are rebuilt. */
export const TOKENIZER_SPEC_VERSION = 1;

/** Bits of a special token's flags. */
export const SPECIAL_TOKEN_FLAGS = {
	/** Matched in the text only when special tokens are parsed. */
	control: 1,
	/** Always matched in the text, like Hugging Face's added tokens. */
	userDefined: 2,
	/** The unknown token: matched only when special tokens are parsed. */
	unknown: 4,
	/** Whitespace before the token is dropped when it matches. */
	lstrip: 8,
	/** Whitespace after the token is dropped when it matches. */
	rstrip: 16,
} as const;

/** Everything a GGUF tokenizer is built from. Plain JSON. */
export interface GgufTokenizerSpec {
	version: number;
	model: GgufTokenizerModel;
	/** `tokenizer.ggml.pre`, `default` when the metadata has none; empty for `llama` models, which have no split. */
	preTokenizer: string;
	/** Token texts by id. llama.cpp names an empty token `[EMPTY_<id>]`, and so does this. */
	tokens: string[];
	/** Merges by rank, each `left right`; derived from the scores for `llama` models. */
	merges: string[];
	/** Tokens matched in the text before the merges, as `[id, flags]`, longest UTF-8 text first. */
	specialTokens: Array<[id: number, flags: number]>;
	bosId: number | null;
	eosId: number | null;
	/** Whether llama.cpp puts BOS before a prompt (`add_special`). */
	addBos: boolean;
	/** Whether llama.cpp puts EOS after a prompt (`add_special`). */
	addEos: boolean;
	/** `llama` models: a space is put before text at the start and after a special token. */
	addSpacePrefix: boolean;
}

const KEYS = {
	model: 'tokenizer.ggml.model',
	pre: 'tokenizer.ggml.pre',
	tokens: 'tokenizer.ggml.tokens',
	tokenTypes: 'tokenizer.ggml.token_type',
	scores: 'tokenizer.ggml.scores',
	merges: 'tokenizer.ggml.merges',
	bosId: 'tokenizer.ggml.bos_token_id',
	eosId: 'tokenizer.ggml.eos_token_id',
	addBos: 'tokenizer.ggml.add_bos_token',
	addEos: 'tokenizer.ggml.add_eos_token',
	addSpacePrefix: 'tokenizer.ggml.add_space_prefix',
	name: 'general.name',
	architecture: 'general.architecture',
} as const;

/** Metadata keys that set the special token ids which stop llama.cpp from guessing FIM tokens by their text. */
const FIM_ID_KEYS: Record<string, readonly string[]> = {
	prefix: ['tokenizer.ggml.fim_pre_token_id', 'tokenizer.ggml.prefix_token_id'],
	suffix: ['tokenizer.ggml.fim_suf_token_id', 'tokenizer.ggml.suffix_token_id'],
	middle: ['tokenizer.ggml.fim_mid_token_id', 'tokenizer.ggml.middle_token_id'],
	pad: ['tokenizer.ggml.fim_pad_token_id'],
	repository: ['tokenizer.ggml.fim_rep_token_id'],
	separator: ['tokenizer.ggml.fim_sep_token_id'],
};

/** Texts llama.cpp takes for each FIM token when the metadata does not set its id; the first one found is marked control. */
const FIM_TOKEN_TEXTS: Record<string, readonly string[]> = {
	prefix: ['<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>', '<｜fim▁begin｜>', '<PRE>', '▁<PRE>', '<|code_prefix|>', '<|prefix|>'],
	suffix: ['<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>', '<｜fim▁hole｜>', '<SUF>', '▁<SUF>', '<|code_suffix|>', '<|suffix|>'],
	middle: ['<|fim_middle|>', '<fim-middle>', '<fim_middle>', '<｜fim▁end｜>', '<MID>', '▁<MID>', '<|code_middle|>', '<|middle|>'],
	pad: ['<|fim_pad|>', '<fim-pad>', '<fim_pad>', '<PAD>', '[PAD]'],
	repository: ['<|fim_repo|>', '<|repo_name|>', '<fim-repo>', '<REPO>', '<reponame>'],
	separator: ['<|file_sep|>'],
};

/** Texts llama.cpp treats as end-of-generation tokens, and so as control tokens, whatever their type says. */
const END_OF_GENERATION_TEXTS = [
	'<|eot_id|>',
	'<|im_end|>',
	'<|end|>',
	'<|return|>',
	'<|call|>',
	'<|flush|>',
	'<|calls|>',
	'<end_of_turn>',
	'<|endoftext|>',
	'</s>',
	'<|eom_id|>',
	'<EOT>',
	'_<EOT>',
	'[EOT]',
	'[EOS]',
	'<|end_of_text|>',
	'<end_of_utterance>',
	'<eos>',
	'<turn|>',
	'<|tool_response>',
	'<｜end▁of▁sentence｜>',
	'[e~[',
];

/** gpt-oss tokens that llama.cpp always treats as user-defined, so they are matched in plain text too. */
const ALWAYS_USER_DEFINED_TEXTS = ['<|channel|>', '<|message|>', '<|start|>', '<|constrain|>'];

// GGUF token types (`tokenizer.ggml.token_type`).
const TOKEN_TYPE_UNKNOWN = 2;
const TOKEN_TYPE_CONTROL = 3;
const TOKEN_TYPE_USER_DEFINED = 4;

const utf8 = new TextEncoder();

/**
 * Derives a tokenizer spec from GGUF metadata. Throws `UnsupportedTokenizerError` for a tokenizer model other than
 * `gpt2`, `llama` and `gemma4`, or for a pre-tokenizer that llama.cpp does not know or that needs llama.cpp's own
 * code; throws `InvalidTokenizerMetadataError` when a required key is missing or malformed.
 */
export function deriveTokenizerSpec(metadata: GgufMetadata): GgufTokenizerSpec {
	const model = readModel(metadata);
	const tokens = readTokens(metadata);
	const preTokenizer = model === 'gpt2' ? readString(metadata, KEYS.pre) || 'default' : model === 'gemma4' ? 'gemma4' : '';
	const preName = model === 'llama' ? undefined : lookupPreTokenizer(preTokenizer);
	const merges = model === 'llama' ? deriveMergesFromScores(tokens, readScores(metadata, tokens.length)) : readMerges(metadata);

	const flags = readTokenFlags(metadata, tokens);
	const specialTokens = orderSpecialTokens(tokens, flags);
	applyStripRules(metadata, tokens, specialTokens, preTokenizer);

	const ids = readSpecialIds(metadata, model, preName, tokens.length);
	let addBos = readBoolean(metadata, KEYS.addBos) ?? (model === 'llama' || preName?.addBos === true);
	if (preName?.type === 'GEMMA4') {
		// llama.cpp always adds BOS for Gemma 4, whatever the metadata says.
		addBos = true;
	}
	const addEos = readBoolean(metadata, KEYS.addEos) ?? false;
	return {
		version: TOKENIZER_SPEC_VERSION,
		model,
		preTokenizer,
		tokens,
		merges,
		specialTokens,
		bosId: ids.bos,
		eosId: ids.eos,
		addBos: addBos && ids.bos !== null,
		addEos: addEos && ids.eos !== null,
		addSpacePrefix: model === 'llama' ? (readBoolean(metadata, KEYS.addSpacePrefix) ?? true) : false,
	};
}

/** Returns the pre-tokenizer a `tokenizer.ggml.pre` name selects. Throws when it is unknown or unsupported. */
export function lookupPreTokenizer(name: string): PreTokenizerName {
	const selected = Object.hasOwn(PRE_TOKENIZER_NAMES, name) ? PRE_TOKENIZER_NAMES[name] : undefined;
	if (!selected) {
		throw new UnsupportedTokenizerError(
			'pre-tokenizer',
			name,
			`The pre-tokenizer '${name}' (tokenizer.ggml.pre) is not one llama.cpp knows, so its token counts cannot be exact.`,
		);
	}
	if (UNSUPPORTED_PRE_TOKENIZER_TYPES.has(selected.type) || !PRE_TOKENIZER_TYPES[selected.type]) {
		throw new UnsupportedTokenizerError(
			'pre-tokenizer',
			name,
			`The pre-tokenizer '${name}' (tokenizer.ggml.pre) splits text with llama.cpp code that LLM Lab does not reproduce, so its token counts cannot be exact.`,
		);
	}
	return selected;
}

function readModel(metadata: GgufMetadata): GgufTokenizerModel {
	const model = metadata[KEYS.model];
	if (typeof model !== 'string') {
		throw new InvalidTokenizerMetadataError(KEYS.model, `The model metadata has no ${KEYS.model} string.`);
	}
	if (model !== 'gpt2' && model !== 'llama' && model !== 'gemma4') {
		throw new UnsupportedTokenizerError(
			'model',
			model,
			`The tokenizer model '${model}' (${KEYS.model}) is not supported; exact counts need 'gpt2', 'llama' or 'gemma4'.`,
		);
	}
	return model;
}

function readTokens(metadata: GgufMetadata): string[] {
	const tokens = readStringArray(metadata, KEYS.tokens);
	if (!tokens || tokens.length === 0) {
		throw new InvalidTokenizerMetadataError(
			KEYS.tokens,
			`The model metadata has no ${KEYS.tokens}; Ollama returns the vocabulary only from /api/show with "verbose": true.`,
		);
	}
	const seen = new Set<string>();
	const result = tokens.map((token, id) => (token === '' ? `[EMPTY_${id}]` : token));
	for (const token of result) {
		if (seen.has(token)) {
			throw new InvalidTokenizerMetadataError(KEYS.tokens, `The vocabulary contains the token ${JSON.stringify(token)} twice.`);
		}
		seen.add(token);
	}
	return result;
}

function readMerges(metadata: GgufMetadata): string[] {
	const merges = readStringArray(metadata, KEYS.merges);
	if (!merges) {
		throw new InvalidTokenizerMetadataError(KEYS.merges, `The model metadata has no ${KEYS.merges} strings.`);
	}
	return merges;
}

function readScores(metadata: GgufMetadata, tokenCount: number): number[] {
	const scores = metadata[KEYS.scores];
	if (scores === undefined) {
		return new Array<number>(tokenCount).fill(0);
	}
	if (!Array.isArray(scores) || scores.length < tokenCount || !scores.every((score) => typeof score === 'number')) {
		throw new InvalidTokenizerMetadataError(KEYS.scores, `${KEYS.scores} must contain one number per token.`);
	}
	return scores as number[];
}

/**
 * Derives BPE merges from SentencePiece scores the way Hugging Face's converter does: every split of a token into two
 * tokens is a merge, ranked by the merged token's score (highest first), then by token id and by the ids of the two
 * halves. Tokens with a plain space never match, because spaces become `▁` before the merges.
 */
function deriveMergesFromScores(tokens: readonly string[], scores: readonly number[]): string[] {
	const ids = new Map<string, number>();
	tokens.forEach((token, id) => ids.set(token, id));
	const merges: Array<{ left: number; right: number; score: number }> = [];
	for (let id = 0; id < tokens.length; id++) {
		const token = tokens[id];
		if (token.length < 2 || token.includes(' ')) {
			continue;
		}
		const splits: Array<[number, number]> = [];
		let offset = 0;
		for (const char of token) {
			offset += char.length;
			if (offset >= token.length) {
				break;
			}
			const left = ids.get(token.slice(0, offset));
			const right = ids.get(token.slice(offset));
			if (left !== undefined && right !== undefined) {
				splits.push([left, right]);
			}
		}
		splits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
		for (const [left, right] of splits) {
			merges.push({ left, right, score: scores[id] });
		}
	}
	// Array.prototype.sort is stable, so merges of equal score keep the token order.
	merges.sort((a, b) => b.score - a.score);
	return merges.map((merge) => `${tokens[merge.left]} ${tokens[merge.right]}`);
}

/** Returns each token's special flags from its GGUF type and llama.cpp's rules for tokens it recognises by text. */
function readTokenFlags(metadata: GgufMetadata, tokens: readonly string[]): Uint8Array {
	const types = metadata[KEYS.tokenTypes];
	if (types !== undefined && (!Array.isArray(types) || types.length < tokens.length)) {
		throw new InvalidTokenizerMetadataError(KEYS.tokenTypes, `${KEYS.tokenTypes} must contain one type per token.`);
	}
	const flags = new Uint8Array(tokens.length);
	if (Array.isArray(types)) {
		for (let id = 0; id < tokens.length; id++) {
			const type = types[id];
			flags[id] =
				type === TOKEN_TYPE_CONTROL
					? SPECIAL_TOKEN_FLAGS.control
					: type === TOKEN_TYPE_USER_DEFINED
						? SPECIAL_TOKEN_FLAGS.userDefined
						: type === TOKEN_TYPE_UNKNOWN
							? SPECIAL_TOKEN_FLAGS.unknown
							: 0;
		}
	}

	const idOf = new Map<string, number>();
	tokens.forEach((token, id) => idOf.set(token, id));
	const markControl = (id: number | undefined): void => {
		if (id !== undefined) {
			flags[id] |= SPECIAL_TOKEN_FLAGS.control;
		}
	};
	for (const [role, keys] of Object.entries(FIM_ID_KEYS)) {
		if (keys.some((key) => isTokenId(metadata[key], tokens.length))) {
			continue;
		}
		// NOTE: llama.cpp takes the first match in hash-map order; this takes the first in list order, which differs
		// only for a vocabulary with two candidates for one role, such as both `<PRE>` and `▁<PRE>`.
		markControl(FIM_TOKEN_TEXTS[role].map((text) => idOf.get(text)).find((id) => id !== undefined));
	}
	for (const text of END_OF_GENERATION_TEXTS) {
		markControl(idOf.get(text));
	}
	for (const text of ALWAYS_USER_DEFINED_TEXTS) {
		const id = idOf.get(text);
		if (id !== undefined) {
			flags[id] = SPECIAL_TOKEN_FLAGS.userDefined;
		}
	}

	// o200k_harmony and Solar Open: `<|end|>` ends a message, not the generation, so llama.cpp makes it user-defined.
	const has = (text: string): boolean => idOf.has(text);
	const hasCall = has('<|call|>') || has('<|calls|>');
	const end = idOf.get('<|end|>');
	if (end !== undefined && ((has('<|return|>') && hasCall) || (hasCall && has('<|flush|>')))) {
		flags[end] = SPECIAL_TOKEN_FLAGS.userDefined;
	}
	// Gemma 4 and PaddleOCR: `</s>` is an ordinary token there.
	const closingTag = idOf.get('</s>');
	if (closingTag !== undefined && has('<|tool_response>')) {
		flags[closingTag] = 0;
	}
	return flags;
}

function orderSpecialTokens(tokens: readonly string[], flags: Uint8Array): Array<[number, number]> {
	const special = SPECIAL_TOKEN_FLAGS.control | SPECIAL_TOKEN_FLAGS.userDefined | SPECIAL_TOKEN_FLAGS.unknown;
	const result: Array<[number, number, number]> = [];
	for (let id = 0; id < tokens.length; id++) {
		if (flags[id] & special) {
			result.push([id, flags[id], utf8.encode(tokens[id]).length]);
		}
	}
	// llama.cpp matches longer texts first. Its sort is not stable, so equal lengths go by id here.
	result.sort((a, b) => b[2] - a[2] || a[0] - b[0]);
	return result.map(([id, tokenFlags]) => [id, tokenFlags]);
}

/** Sets llama.cpp's per-model whitespace stripping next to special tokens, chosen by model name and pre-tokenizer. */
function applyStripRules(
	metadata: GgufMetadata,
	tokens: readonly string[],
	specialTokens: Array<[number, number]>,
	preTokenizer: string,
): void {
	const setFlag = (text: string, flag: number, value: boolean): void => {
		const entry = specialTokens.find(([id]) => tokens[id] === text);
		if (entry) {
			entry[1] = value ? entry[1] | flag : entry[1] & ~flag;
		}
	};
	const name = readString(metadata, KEYS.name)?.toLowerCase();
	const architecture = readString(metadata, KEYS.architecture) ?? '';
	// NOTE: Ollama's /api/show leaves out general.name, so there Phi-3 is recognised by its architecture instead.
	const isPhi3 = name !== undefined ? name.includes('phi-3') || name.includes('phi3') : architecture === 'phi3';
	if (['jina-v2-de', 'jina-v2-es', 'jina-v2-code'].some((part) => preTokenizer.includes(part)) ||
		['nomic-bert-moe', 'jina-bert-v3'].some((part) => architecture.includes(part))) {
		setFlag('<mask>', SPECIAL_TOKEN_FLAGS.lstrip, true);
	} else if (isPhi3) {
		for (const entry of specialTokens) {
			entry[1] |= SPECIAL_TOKEN_FLAGS.rstrip;
		}
		for (const text of ['<unk>', '<s>', '<|endoftext|>']) {
			setFlag(text, SPECIAL_TOKEN_FLAGS.rstrip, false);
		}
	} else if (name?.includes('modern-bert')) {
		setFlag('[MASK]', SPECIAL_TOKEN_FLAGS.lstrip, true);
	}
}

function readSpecialIds(
	metadata: GgufMetadata,
	model: GgufTokenizerModel,
	preName: PreTokenizerName | undefined,
	tokenCount: number,
): { bos: number | null; eos: number | null } {
	let bos: number | null = model === 'llama' ? 1 : model === 'gpt2' ? 11 : null;
	let eos: number | null = model === 'llama' ? 2 : model === 'gpt2' ? 11 : null;
	if (preName?.noBos) {
		bos = null;
	}
	if (bos !== null && bos >= tokenCount) {
		bos = null;
	}
	if (eos !== null && eos >= tokenCount) {
		eos = null;
	}
	const bosId = metadata[KEYS.bosId];
	const eosId = metadata[KEYS.eosId];
	return {
		bos: isTokenId(bosId, tokenCount) ? bosId : bos,
		eos: isTokenId(eosId, tokenCount) ? eosId : eos,
	};
}

function isTokenId(value: unknown, tokenCount: number): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < tokenCount;
}

function readString(metadata: GgufMetadata, key: string): string | undefined {
	const value = metadata[key];
	return typeof value === 'string' ? value : undefined;
}

function readBoolean(metadata: GgufMetadata, key: string): boolean | undefined {
	const value = metadata[key];
	return typeof value === 'boolean' ? value : undefined;
}

function readStringArray(metadata: GgufMetadata, key: string): string[] | undefined {
	const value = metadata[key];
	if (value === undefined) {
		return undefined;
	}
	if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
		throw new InvalidTokenizerMetadataError(key, `${key} must be an array of strings.`);
	}
	return value as string[];
}
