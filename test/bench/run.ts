/**
 * Token-count benchmark: `npm run bench`. Prints the figures behind the engine choice in `src/core/tokens/encodings.ts`
 * and the incremental counter's speed-up. Speeds are also given as ratios to a reference measured in the same run, so
 * runs on different machines can be compared. Took 40 s on a loaded 2-core machine. Timings swing by up to 3x when
 * other processes compete for the cores, so compare ratios from one run rather than figures across runs.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { countTokens as gptTokenizerCount } from 'gpt-tokenizer/encoding/o200k_base';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsTiktokenRanks from 'js-tiktoken/ranks/o200k_base';
import { get_encoding } from 'tiktoken';
import { countTokens } from '../../src/core/tokens/count';
import { IncrementalTokenCounter } from '../../src/core/tokens/incremental';
import { chineseText, englishProse, minifiedLine, seededRandom, typeScriptSource } from './corpus';
import { benchGgufTokenizers } from './gguf';
import { benchTokenView } from './tokenView';

const MB = 1_000_000;

/** Returns the median time of `runs` calls in milliseconds, after one warm-up call, and the last result. */
function time<T>(action: () => T, runs = 3): { ms: number; result: T } {
	let result = action();
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		const started = performance.now();
		result = action();
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	return { ms: times[Math.floor(times.length / 2)], result };
}

function printTable(title: string, header: string[], rows: string[][]): void {
	const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
	const format = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column])).join('  ');
	console.log(`\n${title}`);
	console.log(format(header));
	console.log(widths.map((width) => '-'.repeat(width)).join('  '));
	for (const row of rows) {
		console.log(format(row));
	}
}

function benchEngines(): void {
	const wasm = get_encoding('o200k_base');
	const jsTiktoken = new JsTiktoken(jsTiktokenRanks);
	const engines: [string, (text: string) => number][] = [
		['tiktoken WASM (reference)', (text) => wasm.encode_ordinary(text).length],
		['js-tiktoken', (text) => jsTiktoken.encode(text, [], []).length],
		['gpt-tokenizer', (text) => gptTokenizerCount(text, { disallowedSpecial: new Set() })],
		['ours (gpt-tokenizer + chunks)', (text) => countTokens(text, 'o200k_base')],
	];
	const corpora: [string, string][] = [
		['prose 1 MB', englishProse(MB)],
		['TypeScript 1 MB', typeScriptSource(MB)],
		['Chinese 200 KB', chineseText(200_000)],
	];
	const rows: string[][] = [];
	for (const [corpusName, text] of corpora) {
		const bytes = Buffer.byteLength(text);
		let referenceMs = 0;
		let referenceCount = 0;
		for (const [engineName, count] of engines) {
			const { ms, result } = time(() => count(text), engineName === 'js-tiktoken' ? 1 : 5);
			if (referenceMs === 0) {
				referenceMs = ms;
				referenceCount = result;
			}
			rows.push([
				corpusName,
				engineName,
				(bytes / MB / (ms / 1000)).toFixed(2),
				(referenceMs / ms).toFixed(2),
				result === referenceCount ? 'yes' : `NO (${result} vs ${referenceCount})`,
			]);
		}
	}
	wasm.free();
	printTable('Full count, o200k_base (speed ratio > 1 is faster than tiktoken WASM)', ['corpus', 'engine', 'MB/s', 'ratio', 'same count'], rows);
}

function benchIncremental(): void {
	let text = typeScriptSource(5 * MB);
	const counter = new IncrementalTokenCounter(text, 'o200k_base');
	const full = time(() => countTokens(text, 'o200k_base'), 1);

	const random = seededRandom(3);
	const editTimes: number[] = [];
	for (let edit = 0; edit < 50; edit++) {
		const offset = Math.floor(random() * text.length);
		text = `${text.slice(0, offset)}x${text.slice(offset)}`;
		const started = performance.now();
		counter.applyEdit(offset, 0, 'x');
		editTimes.push(performance.now() - started);
	}
	editTimes.sort((a, b) => a - b);
	const editMs = editTimes[editTimes.length >> 1];
	const recount = countTokens(text, 'o200k_base');
	if (recount !== counter.totalTokens) {
		throw new Error(`Incremental total ${counter.totalTokens} differs from the full count ${recount}.`);
	}
	const speedUp = full.ms / editMs;
	printTable('One-character edit in a 5 MB TypeScript file (target: 100x faster than a full count)', ['full count ms', 'edit ms (median of 50)', 'speed-up', 'counts equal'], [
		[full.ms.toFixed(1), editMs.toFixed(2), `${speedUp.toFixed(0)}x${speedUp >= 100 ? '' : ' BELOW TARGET'}`, 'yes'],
	]);
}

function benchLongLines(): void {
	const prose = englishProse(200_000);
	const reference = time(() => countTokens(prose, 'o200k_base'));
	const cases: [string, string][] = [
		['minified code, no spaces', minifiedLine(200_000)],
		['one letter repeated', 'a'.repeat(200_000)],
	];
	const rows = cases.map(([name, text]) => {
		const { ms } = time(() => countTokens(text, 'o200k_base'));
		return [name, ms.toFixed(1), (ms / reference.ms).toFixed(2)];
	});
	printTable(
		`200 KB line, o200k_base (ratio to 200 KB of prose: ${reference.ms.toFixed(1)} ms)`,
		['line', 'ms', 'ratio'],
		rows,
	);
}

async function benchMemory(): Promise<void> {
	// Bundle the child as esbuild.js bundles the worker, so tsx's compiler is not in the figures.
	const directory = mkdtempSync(path.join(tmpdir(), 'llm-lab-bench-'));
	const script = path.join(directory, 'memory.js');
	await build({
		entryPoints: [path.join(__dirname, 'memory.ts')],
		outfile: script,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		logLevel: 'warning',
		// The corpus reads files relative to this folder, not to the bundle's temporary one.
		define: { __dirname: JSON.stringify(__dirname) },
	});
	const output = execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' });
	rmSync(directory, { recursive: true, force: true });
	const figures = JSON.parse(output) as Record<string, number>;
	const mb = (value: number): string => (value / MB).toFixed(1);
	const added = figures.rssAfter - figures.rssBefore;
	printTable('Memory the core adds to a Node process (child process, o200k_base, 5 MB counted; target < 100 MB)', ['', 'before MB', 'loaded MB', 'after count MB', 'added MB'], [
		['RSS', mb(figures.rssBefore), mb(figures.rssLoaded), mb(figures.rssAfter), `${mb(added)}${added < 100 * MB ? '' : ' ABOVE TARGET'}`],
		['heap used', mb(figures.heapBefore), mb(figures.heapLoaded), mb(figures.heapAfter), mb(figures.heapAfter - figures.heapBefore)],
	]);
}

async function main(): Promise<void> {
	const started = performance.now();
	console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
	benchEngines();
	benchIncremental();
	benchLongLines();
	const tokenView = await benchTokenView();
	printTable(tokenView.title, tokenView.header, tokenView.rows);
	for (const table of await benchGgufTokenizers()) {
		printTable(table.title, table.header, table.rows);
	}
	await benchMemory();
	console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
