// Token counts from the independent oracle, OpenAI's Rust encoder compiled to WebAssembly, loaded from node_modules at
// run time (esbuild leaves `tiktoken` external in the host test bundle).
import type { Tiktoken } from 'tiktoken';

type OracleEncoding = 'o200k_base' | 'cl100k_base';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { get_encoding } = require('tiktoken') as typeof import('tiktoken');

const encoders = new Map<OracleEncoding, Tiktoken>();

function encoder(encoding: OracleEncoding): Tiktoken {
	let loaded = encoders.get(encoding);
	if (!loaded) {
		loaded = get_encoding(encoding);
		encoders.set(encoding, loaded);
	}
	return loaded;
}

/** Returns the oracle's token count of `text`, with special-token strings counted as text. */
export function oracleCount(text: string, encoding: OracleEncoding = 'o200k_base'): number {
	return encoder(encoding).encode_ordinary(text).length;
}

/** One oracle token with the UTF-16 offsets of the characters it covers. */
export interface OracleToken {
	id: number;
	start: number;
	end: number;
}

/**
 * Returns the oracle's tokens of the whole text with UTF-16 offsets. A token that starts or ends inside a character
 * covers that whole character, as the token view draws it.
 */
export function oracleTokens(text: string, encoding: OracleEncoding = 'o200k_base'): OracleToken[] {
	// Byte offset of each character start, and the character that contains each byte.
	const characterOfByte: number[] = [];
	const encoder8 = new TextEncoder();
	for (let index = 0; index < text.length; ) {
		const units = (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
		const size = encoder8.encode(text.slice(index, index + units)).length;
		for (let byte = 0; byte < size; byte++) {
			characterOfByte.push(index);
		}
		index += units;
	}
	characterOfByte.push(text.length);
	const endOfCharacterAt = (byte: number): number => {
		const start = characterOfByte[byte];
		const units = (text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
		return start + units;
	};

	const tokens: OracleToken[] = [];
	let byte = 0;
	for (const id of encoder(encoding).encode_ordinary(text)) {
		const length = encoder(encoding).decode_single_token_bytes(id).length;
		const end = byte + length;
		const endsOnBoundary = characterOfByte[end] !== characterOfByte[end - 1];
		tokens.push({ id, start: characterOfByte[byte], end: endsOnBoundary ? characterOfByte[end] : endOfCharacterAt(end - 1) });
		byte = end;
	}
	return tokens;
}
