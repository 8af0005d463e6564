import type { GgufTokenizer } from './tokenizer';

/**
 * Token count of a document with a GGUF tokenizer. Edits update the text, and the next read of `totalTokens` counts
 * the whole text again, so a batch of edits costs one count.
 *
 * TODO: recount only the chunks around an edit, as `IncrementalTokenCounter` does for OpenAI encodings, once split
 * points that are safe for every llama.cpp pre-tokenizer and for SentencePiece are worked out and tested.
 */
export class GgufDocumentCounter {
	private text: string;
	private total: number | undefined;

	constructor(
		text: string,
		private readonly tokenizer: GgufTokenizer,
	) {
		this.text = text;
	}

	/** Tokens in the whole document, with special-token strings counted as text. */
	get totalTokens(): number {
		this.total ??= this.tokenizer.count(this.text);
		return this.total;
	}

	/** Replaces `deletedLength` UTF-16 code units at `offset` with `insertedText`. Throws a RangeError outside the text. */
	applyEdit(offset: number, deletedLength: number, insertedText: string): void {
		const end = offset + deletedLength;
		if (!Number.isInteger(offset) || !Number.isInteger(deletedLength) || offset < 0 || deletedLength < 0 || end > this.text.length) {
			throw new RangeError(`Edit range [${offset}, ${end}) is outside the document, whose length is ${this.text.length}.`);
		}
		this.text = this.text.slice(0, offset) + insertedText + this.text.slice(end);
		this.total = undefined;
	}
}
