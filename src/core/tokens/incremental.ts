import { DEFAULT_CHUNK_LENGTH, splitIntoChunks } from './chunks';
import { countChunk } from './count';
import { loadEncoding, type EncodingName, type LoadedEncoding } from './encodings';

/** What one `applyEdit` call recounted. */
export interface EditRecount {
	/** Chunks counted again after the edit. */
	readonly chunks: number;
	/** UTF-16 code units counted again after the edit. */
	readonly length: number;
}

export interface IncrementalTokenCounterOptions {
	/**
	 * Chunk length to aim for, in UTF-16 code units. Smaller chunks make edits cheaper and the first count slower.
	 * @default 4096
	 */
	chunkLength?: number;
}

/**
 * Token count of a document that stays exact under edits. The text is held in chunks cut at safe split points (see
 * `chunks.ts`), each with its cached count. An edit recounts the chunks it touches plus one neighbour on each side,
 * because an edit next to a chunk boundary can make that boundary unsafe, and re-chunks only that region. The total
 * always equals `countTokens` of the whole text.
 */
export class IncrementalTokenCounter {
	readonly encoding: EncodingName;
	private readonly loaded: LoadedEncoding;
	private readonly chunkLength: number;
	private chunks: string[];
	private counts: number[];
	/** Offset of each chunk in the document. */
	private starts: number[] = [];
	private total = 0;
	private textLength = 0;

	constructor(text: string, encoding: EncodingName, options: IncrementalTokenCounterOptions = {}) {
		this.encoding = encoding;
		this.loaded = loadEncoding(encoding);
		this.chunkLength = options.chunkLength ?? DEFAULT_CHUNK_LENGTH;
		this.chunks = splitIntoChunks(text, this.chunkLength);
		this.counts = this.chunks.map((chunk) => countChunk(chunk, this.loaded));
		this.total = this.counts.reduce((sum, count) => sum + count, 0);
		this.updateStarts(0);
	}

	/** Tokens in the whole document. */
	get totalTokens(): number {
		return this.total;
	}

	/** Document length in UTF-16 code units. */
	get length(): number {
		return this.textLength;
	}

	/** Number of chunks the document is held in. */
	get chunkCount(): number {
		return this.chunks.length;
	}

	/** Returns the whole document text. Joins every chunk, so it costs as much as copying the document. */
	getText(): string {
		return this.chunks.join('');
	}

	/**
	 * Replaces `deletedLength` code units at `offset` with `insertedText` and recounts the chunks around the edit.
	 * Offsets are UTF-16 code units, as in VS Code's `TextDocumentContentChangeEvent.rangeOffset`. Throws a RangeError
	 * when the range is outside the document.
	 */
	applyEdit(offset: number, deletedLength: number, insertedText: string): EditRecount {
		const end = offset + deletedLength;
		if (!Number.isInteger(offset) || !Number.isInteger(deletedLength) || offset < 0 || deletedLength < 0 || end > this.textLength) {
			throw new RangeError(
				`Edit range [${offset}, ${end}) is outside the document, whose length is ${this.textLength}.`,
			);
		}
		if (deletedLength === 0 && insertedText.length === 0) {
			return { chunks: 0, length: 0 };
		}

		const first = Math.max(0, this.chunkIndexAt(offset) - 1);
		const last = Math.min(this.chunks.length - 1, this.chunkIndexAt(end) + 1);
		const regionStart = this.chunks.length > 0 ? this.starts[first] : 0;
		const region = this.chunks.slice(first, last + 1).join('');
		const edited = region.slice(0, offset - regionStart) + insertedText + region.slice(end - regionStart);

		const replacement = splitIntoChunks(edited, this.chunkLength);
		const replacementCounts = replacement.map((chunk) => countChunk(chunk, this.loaded));
		let removedTokens = 0;
		for (let index = first; index <= last; index++) {
			removedTokens += this.counts[index];
		}
		this.total += replacementCounts.reduce((sum, count) => sum + count, 0) - removedTokens;
		const removedChunks = this.chunks.length > 0 ? last - first + 1 : 0;
		this.chunks.splice(first, removedChunks, ...replacement);
		this.counts.splice(first, removedChunks, ...replacementCounts);
		this.updateStarts(first);
		return { chunks: replacement.length, length: edited.length };
	}

	/** Index of the last chunk that starts at or before `offset`. */
	private chunkIndexAt(offset: number): number {
		let low = 0;
		let high = this.chunks.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (this.starts[middle] <= offset) {
				low = middle;
			} else {
				high = middle - 1;
			}
		}
		return low;
	}

	private updateStarts(from: number): void {
		this.starts.length = this.chunks.length;
		let offset = from > 0 ? this.starts[from - 1] + this.chunks[from - 1].length : 0;
		for (let index = from; index < this.chunks.length; index++) {
			this.starts[index] = offset;
			offset += this.chunks[index].length;
		}
		this.textLength = offset;
	}
}
