/**
 * Local tokenizers for `npm run bench`: building one from `/api/show` metadata cold and from the disk cache, and the
 * throughput of each against node-llama-cpp's tokenizer (llama.cpp) on the same text, counted the same way.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildGgufTokenizer, GgufTokenizerCache } from '../../src/core/tokens/gguf';
import { readGgufMetadata } from '../fixtures/gguf-file';
import { findLlamaCppSource, listVocabFiles, loadLlamaReference } from '../fixtures/llama-reference';
import { chineseText, englishProse, typeScriptSource } from './corpus';

export interface BenchTable {
	title: string;
	header: string[];
	rows: string[][];
}

/** Vocabularies benchmarked: SentencePiece, Llama 3, Qwen 2, GPT-2 and Gemma 4, the largest. */
const VOCABS = ['llama-spm', 'llama-bpe', 'qwen2', 'gpt-2', 'gemma-4'];

const MB = 1_000_000;

function milliseconds(action: () => unknown): number {
	const started = performance.now();
	action();
	return performance.now() - started;
}

async function millisecondsAsync(action: () => Promise<unknown>): Promise<number> {
	const started = performance.now();
	await action();
	return performance.now() - started;
}

/** Returns the two tables, or a one-line table that says why they were skipped. */
export async function benchGgufTokenizers(): Promise<BenchTable[]> {
	const source = findLlamaCppSource();
	if (!source) {
		return [{ title: 'Local tokenizers: skipped, run `bash test/setup/install-llama-server.sh` for the vocab files', header: [], rows: [] }];
	}
	const files = listVocabFiles(source);
	const text = `${englishProse(150_000)}\n${typeScriptSource(150_000)}\n${chineseText(50_000)}`;
	const bytes = Buffer.byteLength(text);
	const cacheDirectory = mkdtempSync(path.join(tmpdir(), 'llm-lab-bench-gguf-'));
	const cache = new GgufTokenizerCache(cacheDirectory);
	const llama = await loadLlamaReference();
	const buildRows: string[][] = [];
	const speedRows: string[][] = [];
	try {
		for (const [index, vocab] of VOCABS.entries()) {
			const file = files.get(vocab)!;
			// The /api/show body, as Ollama sends it: JSON of the GGUF metadata.
			const body = JSON.stringify({ model_info: await readGgufMetadata(file) });
			let tokenizer = buildGgufTokenizer(JSON.parse(body).model_info);
			const coldMs = milliseconds(() => {
				tokenizer = buildGgufTokenizer(JSON.parse(body).model_info);
			});
			const digest = index.toString(16).padStart(64, '0');
			await cache.save(digest, tokenizer);
			const cachedMs = await millisecondsAsync(() => cache.load(digest));
			buildRows.push([vocab, `${(body.length / MB).toFixed(1)}`, coldMs.toFixed(0), cachedMs.toFixed(0), (coldMs / cachedMs).toFixed(1)]);

			tokenizer.count(text.slice(0, 20_000));
			let ours = 0;
			const oursMs = milliseconds(() => {
				ours = tokenizer.count(text);
			});
			if (!llama) {
				speedRows.push([vocab, (bytes / MB / (oursMs / 1000)).toFixed(2), 'n/a', 'n/a', 'n/a']);
				continue;
			}
			await llama.tokenize(file, text.slice(0, 20_000), false);
			let reference = 0;
			const referenceMs = await millisecondsAsync(async () => {
				reference = (await llama.tokenize(file, text, false)).length;
			});
			speedRows.push([
				vocab,
				(bytes / MB / (oursMs / 1000)).toFixed(2),
				(bytes / MB / (referenceMs / 1000)).toFixed(2),
				(referenceMs / oursMs).toFixed(2),
				ours === reference ? 'yes' : `NO (${ours} vs ${reference})`,
			]);
		}
	} finally {
		await llama?.dispose();
		rmSync(cacheDirectory, { recursive: true, force: true });
	}
	const referenceNote = llama ? '' : ' (node-llama-cpp not installed: `node --import tsx test/fixtures/llama-reference.ts install`)';
	return [
		{
			title: 'Local tokenizer from /api/show metadata: cold build (JSON parse + build) against loading from the disk cache',
			header: ['vocab', '/api/show MB', 'cold ms', 'cache ms', 'ratio'],
			rows: buildRows,
		},
		{
			title: `Local tokenizers against llama.cpp (node-llama-cpp, 1 thread), ${(bytes / MB).toFixed(2)} MB of prose, TypeScript and Chinese${referenceNote}`,
			header: ['vocab', 'ours MB/s', 'llama.cpp MB/s', 'speed ratio', 'same count'],
			rows: speedRows,
		},
	];
}
