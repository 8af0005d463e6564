/**
 * Token view figures for `npm run bench`: the cost of finding the tokens of the visible range of a 1 MB file, against
 * encoding the whole file. The extension does this on every scroll, for 60 lines with 50 lines of context each side.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { alternatingColours } from '../../src/core/tokens/display';
import { createWorkerTransport, TokenCountService } from '../../src/core/tokens/service';
import { encodeRangeSpans, encodeSpans } from '../../src/core/tokens/spans';
import { minifiedLine, typeScriptSource } from './corpus';

const MB = 1_000_000;
/** Lines on screen, and lines of context sent to the worker on each side, as in `src/vscode/tokens/tokenView.ts`. */
const VISIBLE_LINES = 60;
const CONTEXT_LINES = 50;
/** Characters of a single long line that count as visible. */
const VISIBLE_CHARACTERS = 5000;

export interface BenchTable {
	title: string;
	header: string[];
	rows: string[][];
}

/** Returns the median time of `runs` calls in milliseconds, after one warm-up call. */
async function median(action: () => unknown, runs: number): Promise<number> {
	await action();
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		const started = performance.now();
		await action();
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)];
}

/** Returns the offsets of the line starts of `text`, plus its length. */
function lineStarts(text: string): number[] {
	const starts = [0];
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
		starts.push(index + 1);
	}
	starts.push(text.length);
	return starts;
}

/** Returns the index of the line that contains `offset`, as `TextDocument.positionAt` finds it. */
function lineOf(starts: readonly number[], offset: number): number {
	let low = 0;
	let high = starts.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (starts[middle] <= offset) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}
	return low;
}

interface VisibleCase {
	name: string;
	text: string;
	lineStarts: number[];
	/** Visible range and the stretch sent to the worker, in offsets. */
	start: number;
	end: number;
	stretchStart: number;
	stretchEnd: number;
}

function visibleCases(): VisibleCase[] {
	const source = typeScriptSource(MB).slice(0, MB);
	const starts = lineStarts(source);
	const middle = Math.floor(starts.length / 2);
	const line = (index: number): number => starts[Math.max(0, Math.min(starts.length - 1, index))];
	const minified = minifiedLine(MB).slice(0, MB);
	const lineStart = MB / 2;
	return [
		{
			name: `TypeScript, ${VISIBLE_LINES} lines in the middle`,
			text: source,
			lineStarts: starts,
			start: line(middle),
			end: line(middle + VISIBLE_LINES),
			stretchStart: line(middle - CONTEXT_LINES),
			stretchEnd: line(middle + VISIBLE_LINES + CONTEXT_LINES),
		},
		{
			name: `minified one-line file, ${VISIBLE_CHARACTERS} characters in the middle`,
			text: minified,
			lineStarts: [0, minified.length],
			start: lineStart,
			end: lineStart + VISIBLE_CHARACTERS,
			stretchStart: 0,
			stretchEnd: minified.length,
		},
	];
}

/** Measures the token view on a 1 MB file, in process and through a real worker thread. */
export async function benchTokenView(): Promise<BenchTable> {
	// Bundle the worker as esbuild.js does, so the round trip includes copying the stretch and the reply.
	const directory = mkdtempSync(path.join(tmpdir(), 'llm-lab-bench-view-'));
	const workerScript = path.join(directory, 'token-worker.js');
	await build({
		entryPoints: [path.join(__dirname, '..', '..', 'src', 'core', 'tokens', 'worker.ts')],
		outfile: workerScript,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		logLevel: 'warning',
	});
	const service = new TokenCountService(createWorkerTransport(workerScript));
	const rows: string[][] = [];
	try {
		for (const visible of visibleCases()) {
			const stretch = visible.text.slice(visible.stretchStart, visible.stretchEnd);
			const options = { textOffset: visible.stretchStart, documentLength: visible.text.length };
			const encodeVisible = () => encodeRangeSpans(stretch, visible.start, visible.end, 'o200k_base', options);
			const spans = encodeVisible()?.spans ?? [];
			const inProcessMs = await median(() => {
				const result = encodeVisible();
				// Finding each token's line and colour is part of what each scroll computes.
				alternatingColours(result?.spans.map((span) => lineOf(visible.lineStarts, span.start)) ?? []);
			}, 9);
			const workerMs = await median(
				() => service.encodeRange(stretch, visible.start, visible.end, 'o200k_base', options),
				9,
			);
			const fullMs = await median(() => encodeSpans(visible.text, 'o200k_base'), 1);
			rows.push([
				visible.name,
				spans.length.toLocaleString('en-US'),
				inProcessMs.toFixed(2),
				workerMs.toFixed(2),
				fullMs.toFixed(0),
				`${(fullMs / workerMs).toFixed(0)}x`,
			]);
		}
	} finally {
		await service.dispose();
		rmSync(directory, { recursive: true, force: true });
	}
	return {
		title: 'Token view: decorating the visible range of a 1 MB file, o200k_base (median of 9 scrolls)',
		header: ['visible range', 'tokens', 'in process ms', 'via worker ms', 'whole file ms', 'whole / worker'],
		rows,
	};
}
