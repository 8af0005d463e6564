/**
 * Validation of a dataset's text in chunks of lines, yielding to the event loop between chunks so that a large file
 * blocks the extension host for one chunk at a time, not for the whole file. Each chunk goes through the comparison
 * engine's own checks, and the line numbers of its diagnostics are moved to the file's. Nothing here imports
 * `vscode`, so unit tests run it in plain Node.
 */

import { parseDataset } from '../../core/compare/dataset';
import { validateFineTuneJsonl } from '../../core/compare/finetune';
import type { Diagnostic } from '../../core/compare/jsonl';

/** `fine-tuning`: JSONL in the chat format of fine-tuning files; `rows`: JSONL with one object of fields per line. */
export type DatasetKind = 'fine-tuning' | 'rows' | 'csv';

export interface DatasetValidationOptions {
	signal?: AbortSignal;
	/** Lines per chunk. @default 2000 */
	chunkLines?: number;
	/** Diagnostics kept; the rest are only counted. @default 1000 */
	maxDiagnostics?: number;
}

export interface DatasetValidation {
	/** The first `maxDiagnostics` diagnostics, in line order. */
	diagnostics: Diagnostic[];
	/** Every diagnostic found, including those left out. */
	total: number;
}

export const DEFAULT_CHUNK_LINES = 2000;
export const DEFAULT_MAX_DIAGNOSTICS = 1000;

/** Lines at the start of a JSONL file that are looked at to tell the chat format from plain rows. */
const SNIFF_LINES = 20;
const CHAT_LINE = /^\s*\{\s*"messages"\s*:\s*\[/;

/**
 * Returns the kind of dataset a file is, from its extension and, for JSONL, its first lines; undefined for other
 * files. A JSONL file is in the chat format when one of its first 20 non-blank lines starts with a `messages` array.
 */
export function datasetKindOf(fileName: string, text: string): DatasetKind | undefined {
	const lower = fileName.toLowerCase();
	if (lower.endsWith('.csv')) {
		return 'csv';
	}
	if (!lower.endsWith('.jsonl') && !lower.endsWith('.ndjson')) {
		return undefined;
	}
	let seen = 0;
	for (let start = 0; start < text.length && seen < SNIFF_LINES;) {
		const newline = text.indexOf('\n', start);
		const line = text.slice(start, newline === -1 ? text.length : newline).replace(/^\uFEFF/, '');
		start = newline === -1 ? text.length : newline + 1;
		if (line.trim() === '') {
			continue;
		}
		seen++;
		if (CHAT_LINE.test(line)) {
			return 'fine-tuning';
		}
	}
	return 'rows';
}

/**
 * Validates a dataset's text. Resolves to undefined when `signal` aborts, which it checks between chunks.
 * NOTE: a JSONL file in the chat format is checked with the fine-tuning rules (an assistant message in every line,
 * tool turns allowed), because the text does not tell a fine-tuning file from a chat-format comparison dataset.
 */
export async function validateDataset(
	text: string,
	kind: DatasetKind,
	options: DatasetValidationOptions = {},
): Promise<DatasetValidation | undefined> {
	const chunkLines = Math.max(1, options.chunkLines ?? DEFAULT_CHUNK_LINES);
	const maxDiagnostics = options.maxDiagnostics ?? DEFAULT_MAX_DIAGNOSTICS;
	const result: DatasetValidation = { diagnostics: [], total: 0 };
	const chunks = kind === 'csv' ? csvChunks(text, chunkLines) : jsonlChunks(text, chunkLines);
	for (const chunk of chunks) {
		if (options.signal?.aborted) {
			return undefined;
		}
		for (const diagnostic of validateChunk(chunk.text, kind)) {
			result.total++;
			if (result.diagnostics.length < maxDiagnostics) {
				result.diagnostics.push(moveLines(diagnostic, chunk.lineOffset, chunk.firstLine));
			}
		}
		await new Promise((resolve) => setImmediate(resolve));
	}
	return options.signal?.aborted ? undefined : result;
}

/** A part of the file validated on its own. */
interface Chunk {
	text: string;
	/** Added to a diagnostic's line in `text` to give its line in the file. */
	lineOffset: number;
	/**
	 * 1-based file line of the chunk's first own line. A diagnostic on a line before it, in a copied header, moves
	 * there.
	 */
	firstLine: number;
}

function validateChunk(text: string, kind: DatasetKind): Diagnostic[] {
	if (kind === 'fine-tuning') {
		return validateFineTuneJsonl(text);
	}
	return parseDataset(text, kind === 'csv' ? 'csv' : 'jsonl').diagnostics;
}

function moveLines(diagnostic: Diagnostic, offset: number, firstLine: number): Diagnostic {
	const line = Math.max(diagnostic.line + offset, firstLine);
	const endLine = Math.max(diagnostic.endLine + offset, line);
	const moved: Diagnostic = { ...diagnostic, line, endLine };
	if (diagnostic.fix) {
		moved.fix = { ...diagnostic.fix, line: diagnostic.fix.line + offset };
	}
	return moved;
}

/** Splits a text into lines the way the JSONL reader does: at `\n`, with a `\r` before it dropped. */
function splitLines(text: string): string[] {
	return text.split(/\r?\n/);
}

/**
 * Yields chunks of whole lines. Every chunk but the last ends with a line break, so that the JSONL reader sees a blank
 * line at a chunk's end as a line, not as the file's final line break.
 */
function* jsonlChunks(text: string, chunkLines: number): Generator<Chunk> {
	const lines = splitLines(text);
	for (let start = 0; start < lines.length; start += chunkLines) {
		const end = Math.min(lines.length, start + chunkLines);
		const body = lines.slice(start, end).join('\n');
		yield { text: end < lines.length ? `${body}\n` : body, lineOffset: start, firstLine: start + 1 };
	}
}

/**
 * Yields chunks of whole CSV records, each after a copy of the header record so that columns keep their names. A line
 * break inside a quoted field does not end a record: a record ends at a line break after an even number of quotes,
 * since an escaped quote (`""`) counts twice.
 */
function* csvChunks(text: string, chunkLines: number): Generator<Chunk> {
	const lines = splitLines(text);
	const recordEnds: number[] = [];
	let quotes = 0;
	lines.forEach((line, index) => {
		for (let position = line.indexOf('"'); position !== -1; position = line.indexOf('"', position + 1)) {
			quotes++;
		}
		if (quotes % 2 === 0) {
			recordEnds.push(index + 1);
		}
	});
	if (recordEnds.at(-1) !== lines.length) {
		recordEnds.push(lines.length);
	}
	const headerLines = recordEnds[0];
	const header = lines.slice(0, headerLines).join('\n');
	let start = 0;
	for (const end of recordEnds) {
		const isLast = end === lines.length;
		if (end - start < chunkLines && !isLast) {
			continue;
		}
		const body = lines.slice(start, end).join('\n');
		const suffix = isLast ? '' : '\n';
		if (start === 0) {
			yield { text: body + suffix, lineOffset: 0, firstLine: 1 };
		} else {
			yield { text: `${header}\n${body}${suffix}`, lineOffset: start - headerLines, firstLine: start + 1 };
		}
		start = end;
	}
}
