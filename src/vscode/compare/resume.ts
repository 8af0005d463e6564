/** Finds run files that a run of the panel's variants on its dataset could finish. */

import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readRunFile, RUNS_FOLDER } from '../../core/compare/runFile';
import type { RunHeader, ScorerSpec, Variant } from '../../core/compare/types';
import type { ResumeOffer } from '../../webview/compare/protocol';

/**
 * Returns the newest run file under `workspaceRoot` that was made with exactly these variants and scorers on a dataset
 * with this SHA-256, and that lacks successful records for some pairs. Only the header line of the other files is read.
 * `exclude` is the run file of a run in progress, which is not offered.
 */
export async function findResumableRun(
	workspaceRoot: string,
	variants: readonly Variant[],
	scorers: readonly ScorerSpec[],
	datasetSha256: string,
	rows: number,
	exclude?: string,
): Promise<ResumeOffer | undefined> {
	const folder = join(workspaceRoot, RUNS_FOLDER);
	const names = await readdir(folder).catch(() => [] as string[]);
	const files = names
		.filter((name) => name.endsWith('.jsonl'))
		.sort()
		.reverse()
		.map((name) => join(folder, name))
		.filter((file) => file !== exclude);
	const variantsJson = JSON.stringify(variants);
	const scorersJson = JSON.stringify(scorers);
	for (const file of files) {
		const header = await readHeader(file);
		if (
			!header ||
			header.dataset?.sha256 !== datasetSha256 ||
			JSON.stringify(header.variants) !== variantsJson ||
			JSON.stringify(header.scorers) !== scorersJson
		) {
			continue;
		}
		const { records } = await readRunFile(file);
		const done = records.filter((record) => record.error === undefined).length;
		const total = rows * variants.length;
		if (done < total) {
			return { runFile: file, runId: header.runId, createdAt: header.createdAt, done, total };
		}
	}
	return undefined;
}

/** Reads the first line of a file as a run header; undefined when it is not one. */
export async function readHeader(file: string): Promise<RunHeader | undefined> {
	const stream = createReadStream(file, { encoding: 'utf8' });
	const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
	try {
		for await (const line of lines) {
			const value = JSON.parse(line) as Partial<RunHeader>;
			return value.type === 'header' && value.format === 1 ? (value as RunHeader) : undefined;
		}
		return undefined;
	} catch {
		return undefined;
	} finally {
		lines.close();
		stream.destroy();
	}
}
