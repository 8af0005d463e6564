/** Telling text files from binary ones, and decoding them for counting. */

/** Bytes examined for a NUL byte. */
const BINARY_PROBE_BYTES = 8000;

const utf8 = new TextDecoder('utf-8');

/**
 * Reports whether a file's bytes look binary: a NUL byte among the first 8,000. Text in UTF-8 and the other
 * ASCII-compatible encodings never contains one.
 * NOTE: UTF-16 text contains NUL bytes, so it counts as binary here.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	return bytes.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

/** Decodes a text file as UTF-8, without a leading byte order mark. Invalid sequences become U+FFFD. */
export function decodeText(bytes: Uint8Array): string {
	return utf8.decode(bytes);
}
