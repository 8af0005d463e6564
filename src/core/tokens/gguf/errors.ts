/** Errors from building a tokenizer out of GGUF metadata. Callers branch with `instanceof`. */

/** Base class of the GGUF tokenizer errors. */
export class GgufTokenizerError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = new.target.name;
	}
}

/**
 * The vocabulary uses a tokenizer model or a pre-tokenizer this module cannot reproduce exactly. Callers fall back to
 * an estimate and label it as one.
 */
export class UnsupportedTokenizerError extends GgufTokenizerError {
	constructor(
		/** `model` for `tokenizer.ggml.model`, `pre-tokenizer` for `tokenizer.ggml.pre`. */
		readonly feature: 'model' | 'pre-tokenizer',
		/** The value the metadata contains. */
		readonly value: string,
		message: string,
	) {
		super(message);
	}
}

/** A required `tokenizer.ggml.*` key is missing or has the wrong type, for example `/api/show` without `verbose`. */
export class InvalidTokenizerMetadataError extends GgufTokenizerError {
	constructor(
		readonly key: string,
		message: string,
	) {
		super(message);
	}
}
