/**
 * Run files: `.llmlab/runs/<run id>.jsonl`, a header record with the variant definitions and the LLM Lab version,
 * then one record per (row, variant). Records are appended as calls finish, one `write` each, so a crash loses at most
 * the calls in flight and at worst leaves a cut last line, which reading skips. A finished run is rewritten in row
 * order through a temporary file and a rename.
 */

import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CompareInputError } from '../errors';
import type { RunHeader, RunRecord } from './types';

/** Folder of run files, relative to the workspace root. */
export const RUNS_FOLDER = join('.llmlab', 'runs');

/** Creates a run id that sorts by start time: `2026-12-04T09-30-00Z-3f9a1c`. */
export function createRunId(now = new Date()): string {
	const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
	return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Returns the path of a run's file in a workspace. */
export function runFilePath(workspaceRoot: string, runId: string): string {
	return join(workspaceRoot, RUNS_FOLDER, `${runId}.jsonl`);
}

/** A line of a run file that could not be read. */
export interface RunFileProblem {
	line: number;
	message: string;
}

export interface RunFileContents {
	header: RunHeader;
	/** The last record of each (row, variant) pair, in row order, then in the header's variant order. */
	records: RunRecord[];
	problems: RunFileProblem[];
}

/** Reads a run file. Throws `CompareInputError` when it has no valid header; skips and reports unreadable record lines. */
export async function readRunFile(path: string): Promise<RunFileContents> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (cause) {
		throw new CompareInputError(`Could not read the run file ${path}: ${(cause as Error).message}`, path);
	}
	const lines = text.split('\n');
	let header: RunHeader | undefined;
	const latest = new Map<string, RunRecord>();
	const problems: RunFileProblem[] = [];
	lines.forEach((line, index) => {
		if (line.trim() === '') {
			return;
		}
		let value: { type?: unknown };
		try {
			value = JSON.parse(line) as { type?: unknown };
		} catch {
			problems.push({ line: index + 1, message: 'The line is not valid JSON; a crash may have cut it off.' });
			return;
		}
		if (index === 0 && value.type === 'header') {
			header = value as RunHeader;
		} else if (value.type === 'result') {
			const record = value as RunRecord;
			latest.set(pairKey(record.row, record.variant), record);
		} else {
			problems.push({ line: index + 1, message: `Unknown record type ${JSON.stringify(value.type)}.` });
		}
	});
	if (!header) {
		throw new CompareInputError(`${path} is not an LLM Lab run file: its first line is not a header record.`, path);
	}
	if (header.format !== 1) {
		throw new CompareInputError(`${path} has run file format ${header.format}, which this LLM Lab version cannot read.`, path);
	}
	return { header, records: sortRecords([...latest.values()], header), problems };
}

/** Sorts records by row, then by the variant order of the header. */
export function sortRecords(records: RunRecord[], header: Pick<RunHeader, 'variants'>): RunRecord[] {
	const order = new Map(header.variants.map((variant, index) => [variant.id, index]));
	return records.sort((a, b) => a.row - b.row || (order.get(a.variant) ?? 0) - (order.get(b.variant) ?? 0));
}

/** Key of a (row, variant) pair. */
export function pairKey(row: number, variant: string): string {
	return `${row}\u0000${variant}`;
}

/** Appends records to a run file, one whole line per `write` call, in the order `append` is called. */
export class RunFileWriter {
	private queue: Promise<void> = Promise.resolve();

	private constructor(
		readonly path: string,
		private readonly handle: FileHandle,
	) {}

	/** Creates the file with its header. Throws `CompareInputError` when the file exists, so no run is overwritten. */
	static async create(path: string, header: RunHeader): Promise<RunFileWriter> {
		await mkdir(dirname(path), { recursive: true });
		let handle: FileHandle;
		try {
			handle = await open(path, 'wx');
		} catch (cause) {
			if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
				throw new CompareInputError(`The run file ${path} already exists. Resume it, or choose another path.`, path);
			}
			throw cause;
		}
		const writer = new RunFileWriter(path, handle);
		await writer.append(header);
		return writer;
	}

	/** Opens an existing run file for appending, starting a new line if a crash cut the last one. */
	static async openForAppend(path: string): Promise<RunFileWriter> {
		const text = await readFile(path, 'utf8');
		const handle = await open(path, 'a');
		const writer = new RunFileWriter(path, handle);
		if (text.length > 0 && !text.endsWith('\n')) {
			await handle.write('\n');
		}
		return writer;
	}

	/** Appends one record. Resolves once the line is written to the file. */
	append(record: RunHeader | RunRecord): Promise<void> {
		const line = `${JSON.stringify(record)}\n`;
		const written = this.queue.then(async () => {
			await this.handle.write(line);
		});
		this.queue = written.catch(() => undefined);
		return written;
	}

	async close(): Promise<void> {
		await this.queue;
		await this.handle.close();
	}
}

/**
 * Rewrites a run file with its header and records in row order, dropping superseded records and unreadable lines. Writes
 * a temporary file next to it and renames it over the original, so the file is never half written.
 */
export async function compactRunFile(path: string): Promise<RunFileContents> {
	const contents = await readRunFile(path);
	const lines = [contents.header, ...contents.records].map((record) => `${JSON.stringify(record)}\n`);
	const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
	try {
		const handle = await open(temporary, 'w');
		try {
			await handle.writeFile(lines.join(''));
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temporary, path);
	} catch (error) {
		await rm(temporary, { force: true });
		throw error;
	}
	return { ...contents, problems: [] };
}
