/**
 * Disk cache of GGUF tokenizers, keyed by model digest. It stores the tokenizer's spec as JSON (the vocabulary, the
 * merges and the special tokens, about 5 MB for a 128k vocabulary), so a later start rebuilds the tokenizer without
 * fetching the vocabulary again.
 */

import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type GgufTokenizerSpec, TOKENIZER_SPEC_VERSION } from './spec';
import { createGgufTokenizer, type GgufTokenizer } from './tokenizer';

const DIGEST = /^(?:sha256[:-])?([0-9a-f]{64})$/i;

/** Returns the cache key of a model digest, such as `sha256:<64 hex digits>` or the bare hex. Throws when invalid. */
export function normalizeDigest(digest: string): string {
	const match = DIGEST.exec(digest.trim());
	if (!match) {
		throw new TypeError(`Invalid model digest '${digest}': expected 64 hex digits, optionally after 'sha256:'.`);
	}
	return match[1].toLowerCase();
}

/** Tokenizers stored on disk in one folder, such as the extension's global storage, one file per model digest. */
export class GgufTokenizerCache {
	constructor(
		/** Folder of the cache files; created on the first save. */
		readonly directory: string,
	) {}

	/** Returns the file a digest's tokenizer is stored in. */
	pathFor(digest: string): string {
		return path.join(this.directory, `gguf-${normalizeDigest(digest)}.v${TOKENIZER_SPEC_VERSION}.json`);
	}

	/**
	 * Loads the tokenizer stored for `digest`, or returns undefined when there is none, or when the file is from
	 * another spec version or unreadable (such a file is deleted, so the next save replaces it).
	 */
	async load(digest: string): Promise<GgufTokenizer | undefined> {
		const file = this.pathFor(digest);
		let text: string;
		try {
			text = await fs.readFile(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return undefined;
			}
			throw error;
		}
		const tokenizer = parseCachedTokenizer(text);
		if (!tokenizer) {
			await fs.rm(file, { force: true });
		}
		return tokenizer;
	}

	/** Does what `load` does, blocking the thread: for the token-count worker, whose requests are synchronous. */
	loadSync(digest: string): GgufTokenizer | undefined {
		const file = this.pathFor(digest);
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return undefined;
			}
			throw error;
		}
		const tokenizer = parseCachedTokenizer(text);
		if (!tokenizer) {
			rmSync(file, { force: true });
		}
		return tokenizer;
	}

	/** Stores a tokenizer under `digest`. Writes a temporary file and renames it, so readers never see half a file. */
	async save(digest: string, tokenizer: GgufTokenizer): Promise<void> {
		const file = this.pathFor(digest);
		await fs.mkdir(this.directory, { recursive: true });
		const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
		try {
			await fs.writeFile(temporary, JSON.stringify(tokenizer.spec));
			await fs.rename(temporary, file);
		} catch (error) {
			await fs.rm(temporary, { force: true });
			throw error;
		}
	}
}

/** Returns the tokenizer a cache file contains, or undefined when it is malformed or of another spec version. */
function parseCachedTokenizer(text: string): GgufTokenizer | undefined {
	try {
		const spec = JSON.parse(text) as GgufTokenizerSpec;
		if (spec.version !== TOKENIZER_SPEC_VERSION || !Array.isArray(spec.tokens)) {
			return undefined;
		}
		return createGgufTokenizer(spec);
	} catch {
		return undefined;
	}
}
