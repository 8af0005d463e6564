/**
 * Datasets for a comparison: JSONL (one object per line, or the chat format of fine-tuning files) and CSV with a header
 * row. A field or column named `expected` is the expected output; every other one is a template variable.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { CompareInputError } from '../errors';
import { checkChatLine } from './finetune';
import { type Diagnostic, nodeSpan, parseJsonl, span } from './jsonl';
import type { ChatMessage, ChatRole } from '../providers/types';
import type { DatasetInfo, DatasetRow } from './types';

export type DatasetFormat = 'jsonl' | 'csv';

export interface ParsedDataset {
	/** Rows without errors, numbered 0, 1, 2… in file order. */
	rows: DatasetRow[];
	diagnostics: Diagnostic[];
}

export interface LoadedDataset extends ParsedDataset {
	info: DatasetInfo;
}

/** Returns the format of a dataset file from its extension, or undefined for an unsupported one. */
export function datasetFormatOf(path: string): DatasetFormat | undefined {
	const extension = extname(path).toLowerCase();
	if (extension === '.jsonl' || extension === '.ndjson') {
		return 'jsonl';
	}
	return extension === '.csv' ? 'csv' : undefined;
}

/** Parses a dataset's text. Rows with errors are left out and reported in `diagnostics`. */
export function parseDataset(text: string, format: DatasetFormat): ParsedDataset {
	const parsed = format === 'csv' ? parseCsvDataset(text) : parseJsonlDataset(text);
	parsed.rows.forEach((row, index) => {
		row.index = index;
	});
	return parsed;
}

/** Reads and parses a dataset file, with the SHA-256 of its bytes for checking a resumed run. */
export async function loadDataset(path: string): Promise<LoadedDataset> {
	const format = datasetFormatOf(path);
	if (!format) {
		throw new CompareInputError(`Unsupported dataset file ${path}: use a .jsonl or .csv file.`, path);
	}
	let bytes: Buffer;
	try {
		bytes = await readFile(path);
	} catch (cause) {
		throw new CompareInputError(`Could not read the dataset ${path}: ${(cause as Error).message}`, path);
	}
	const parsed = parseDataset(bytes.toString('utf8'), format);
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	return { ...parsed, info: { path, rows: parsed.rows.length, sha256 } };
}

function parseJsonlDataset(text: string): ParsedDataset {
	const { lines, diagnostics } = parseJsonl(text);
	const rows: DatasetRow[] = [];
	for (const line of lines) {
		if (!line.tree) {
			continue;
		}
		if (line.tree.type !== 'object') {
			diagnostics.push({
				...nodeSpan(line.line, line.tree),
				severity: 'error',
				code: 'not-object',
				message: 'Each line must be a JSON object, such as {"input": "...", "expected": "..."}.',
			});
			continue;
		}
		const value = line.value as Record<string, unknown>;
		if ('messages' in value) {
			const problems = checkChatLine(line, 'comparison');
			diagnostics.push(...problems);
			if (!problems.some((problem) => problem.severity === 'error')) {
				rows.push(chatRow(value, line.line));
			}
			continue;
		}
		rows.push({ index: 0, line: line.line, variables: variablesOf(value), expected: textOf(value.expected) });
	}
	diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
	return { rows, diagnostics };
}

/**
 * Reads a chat-format row: the last assistant message, when the conversation ends with one, is the expected output,
 * and the messages before it are the prompt. Its variables are `input` (the last user message) and `system`.
 */
function chatRow(value: Record<string, unknown>, line: number): DatasetRow {
	const all = (value.messages as Array<{ role: ChatRole; content: string }>).map(
		(message): ChatMessage => ({ role: message.role, content: message.content }),
	);
	const endsWithAnswer = all.length > 1 && all[all.length - 1].role === 'assistant';
	const messages = endsWithAnswer ? all.slice(0, -1) : all;
	const variables = variablesOf(value);
	const lastUser = messages.filter((message) => message.role === 'user').at(-1);
	const system = messages.find((message) => message.role === 'system');
	if (lastUser && variables.input === undefined) {
		variables.input = lastUser.content;
	}
	if (system && variables.system === undefined) {
		variables.system = system.content;
	}
	const expected = textOf(value.expected) ?? (endsWithAnswer ? all[all.length - 1].content : undefined);
	return { index: 0, line, variables, expected, messages };
}

/** Converts every field except `expected` and `messages` to text: strings as they are, other values as JSON. */
function variablesOf(value: Record<string, unknown>): Record<string, string> {
	const variables: Record<string, string> = {};
	for (const [name, field] of Object.entries(value)) {
		if (name === 'expected' || name === 'messages') {
			continue;
		}
		const text = textOf(field);
		if (text !== undefined) {
			variables[name] = text;
		}
	}
	return variables;
}

function textOf(value: unknown): string | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}
	return typeof value === 'string' ? value : JSON.stringify(value);
}

interface CsvRecordInfo {
	lines: number;
	empty_lines: number;
	invalid_field_length: number;
}

function parseCsvDataset(text: string): ParsedDataset {
	const rows: DatasetRow[] = [];
	const diagnostics: Diagnostic[] = [];
	let records: Array<{ record: Record<string, string>; info: CsvRecordInfo }>;
	try {
		records = parseCsv(text, {
			columns: true,
			bom: true,
			skip_empty_lines: true,
			relax_column_count: true,
			info: true,
		}) as unknown as typeof records;
	} catch (error) {
		if (!(error instanceof CsvError)) {
			throw error;
		}
		const line = (error as CsvError & { lines?: number }).lines ?? 1;
		diagnostics.push({ ...span(line, 1, 1), severity: 'error', code: 'csv-syntax', message: `Invalid CSV: ${error.message}.` });
		return { rows, diagnostics };
	}

	// `info.lines` is the line where a record ends; a record starts after the previous one and any skipped blank lines.
	let previous = { lines: 1, empty_lines: 0, invalid_field_length: 0 };
	for (const { record, info } of records) {
		const line = previous.lines + 1 + (info.empty_lines - previous.empty_lines);
		if (info.invalid_field_length > previous.invalid_field_length) {
			diagnostics.push({
				...span(line, 1, 1),
				severity: 'error',
				code: 'csv-columns',
				message: 'The record has a different number of fields than the header row.',
			});
		} else {
			const variables: Record<string, string> = {};
			for (const [name, field] of Object.entries(record)) {
				if (name !== 'expected') {
					variables[name] = field;
				}
			}
			const expected = record.expected === undefined || record.expected === '' ? undefined : record.expected;
			rows.push({ index: 0, line, variables, expected });
		}
		previous = info;
	}
	return { rows, diagnostics };
}
