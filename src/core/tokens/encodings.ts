/**
 * Lazy loading of the OpenAI byte pair encodings. The engine is gpt-tokenizer, chosen by `npm run bench`, which
 * measures it against js-tiktoken and the tiktoken WASM build on prose, TypeScript and Chinese. Each encoding's rank
 * table (1.2 MB of JavaScript for cl100k_base, 2.4 MB for o200k_base) is required only when that encoding is first used.
 */

import type { GptEncoding } from 'gpt-tokenizer/GptEncoding';

export type EncodingName = 'o200k_base' | 'cl100k_base';

export const ENCODING_NAMES: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];

/** Returns whether `value` names an encoding this module can load. */
export function isEncodingName(value: unknown): value is EncodingName {
	return value === 'o200k_base' || value === 'cl100k_base';
}

/** One loaded encoding: the engine, its pre-tokenizer and, built on first use, a byte-level rank table. */
export interface LoadedEncoding {
	readonly name: EncodingName;
	readonly engine: GptEncoding;
	/** The encoding's pre-tokenizer (global, unicode). BPE merges never cross the pieces it matches. */
	readonly pieces: RegExp;
	/**
	 * Returns the rank (token id) of a byte sequence, or undefined when it is not a token. The key holds one UTF-16 code
	 * unit per byte (0–255). The table costs about 8 MB for o200k_base, so it is built on the first call.
	 */
	rankOf(byteKey: string): number | undefined;
	/** Length in bytes of the longest token, so longer keys can be rejected without a lookup. */
	readonly maxTokenBytes: number;
}

interface EngineModules {
	engine: { default: GptEncoding };
	ranks: () => { default: readonly (string | readonly number[])[] };
	pieces: RegExp;
}

// Literal require() calls so that esbuild bundles both encodings but evaluates only the one requested.
function requireModules(name: EncodingName): EngineModules {
	const { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } = require('gpt-tokenizer/encodingParams/constants');
	if (name === 'o200k_base') {
		return {
			engine: require('gpt-tokenizer/encoding/o200k_base'),
			ranks: () => require('gpt-tokenizer/bpeRanks/o200k_base'),
			pieces: O200K_TOKEN_SPLIT_REGEX,
		};
	}
	return {
		engine: require('gpt-tokenizer/encoding/cl100k_base'),
		ranks: () => require('gpt-tokenizer/bpeRanks/cl100k_base'),
		pieces: CL100K_TOKEN_SPLIT_REGEX,
	};
}

const loaded = new Map<EncodingName, LoadedEncoding>();

/** Loads an encoding on first use and returns the cached instance afterwards. Throws on an unknown name. */
export function loadEncoding(name: EncodingName): LoadedEncoding {
	const cached = loaded.get(name);
	if (cached) {
		return cached;
	}
	if (!isEncodingName(name)) {
		throw new TypeError(`Unknown encoding '${String(name)}'. Use one of: ${ENCODING_NAMES.join(', ')}.`);
	}
	const modules = requireModules(name);
	let table: Map<string, number> | undefined;
	let maxTokenBytes = 0;
	const buildTable = (): Map<string, number> => {
		const result = buildRankTable(modules.ranks().default);
		maxTokenBytes = result.maxTokenBytes;
		return result.table;
	};
	const encoding: LoadedEncoding = {
		name,
		engine: modules.engine.default,
		pieces: new RegExp(modules.pieces.source, modules.pieces.flags),
		rankOf(byteKey) {
			table ??= buildTable();
			return table.get(byteKey);
		},
		get maxTokenBytes() {
			table ??= buildTable();
			return maxTokenBytes;
		},
	};
	loaded.set(name, encoding);
	return encoding;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

function buildRankTable(ranks: readonly (string | readonly number[])[]): { table: Map<string, number>; maxTokenBytes: number } {
	const encoder = new TextEncoder();
	const table = new Map<string, number>();
	let maxTokenBytes = 0;
	ranks.forEach((token, rank) => {
		let key: string;
		if (typeof token === 'string') {
			key = ASCII_ONLY.test(token) ? token : toByteKey(encoder.encode(token));
		} else {
			key = String.fromCharCode(...token);
		}
		table.set(key, rank);
		maxTokenBytes = Math.max(maxTokenBytes, key.length);
	});
	return { table, maxTokenBytes };
}

/** Converts bytes to the rank table's key: one UTF-16 code unit per byte. */
export function toByteKey(bytes: Uint8Array, start = 0, end = bytes.length): string {
	let key = '';
	for (let index = start; index < end; index++) {
		key += String.fromCharCode(bytes[index]);
	}
	return key;
}
