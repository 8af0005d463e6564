import { promises as fs } from 'node:fs';
import { formatShare, formatTokenCount } from '../core/format';
import { lookupModel } from '../core/models/catalog';
import { countTokens } from '../core/tokens';
import { loadOllamaCounter, type ModelCounter } from './ollamaTokens';
import { UsageError } from './usageError';

export interface TokensOptions {
	model: string;
	json: boolean;
	/** Ollama's address, for `ollama:` models. */
	ollamaHost?: string;
}

interface FileCount {
	file: string;
	tokenizer: string;
	tokens: number;
	contextWindow: number | null;
	/** Share of the context window, from 0 to 1; null when the window is unknown. */
	share: number | null;
}

/** A file that could not be read, listed in `--json` output with its `error`. */
interface FileFailure {
	file: string;
	error: string;
}

/** Bytes checked for NUL to tell a binary file, as Git and grep do. */
const binaryProbeBytes = 8192;

/** Reads a file as UTF-8 text; a directory or unreadable file gives `error`, and a binary file gives `skipped`. */
async function readTextFile(file: string): Promise<{ text: string } | { error: string } | { skipped: string }> {
	let bytes: Buffer;
	try {
		if ((await fs.stat(file)).isDirectory()) {
			return { error: `${file} is a directory. Pass the files in it, for example ${file}/*.md.` };
		}
		bytes = await fs.readFile(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return { error: code === 'ENOENT' ? `${file} was not found.` : `cannot read ${file}: ${(error as Error).message}` };
	}
	if (bytes.subarray(0, binaryProbeBytes).includes(0)) {
		return { skipped: `skipped ${file}: it is a binary file (NUL bytes in the first 8 KB).` };
	}
	return { text: bytes.toString('utf8') };
}

/** Counts each file's tokens and prints a table, or one JSON object with `--json`. */
export async function runTokens(files: string[], options: TokensOptions): Promise<number> {
	if (files.length === 0) {
		throw new UsageError('tokens needs at least one FILE.');
	}
	const counter = options.model.startsWith('ollama:')
		? await loadOllamaCounter(options.model.slice('ollama:'.length), options.ollamaHost)
		: openAICounter(options.model);
	const { model: name, tokenizer, contextWindow } = counter;
	const results: FileCount[] = [];
	const failures: FileFailure[] = [];
	for (const file of files) {
		const read = await readTextFile(file);
		if ('error' in read) {
			process.stderr.write(`llm-lab: ${read.error}\n`);
			failures.push({ file, error: read.error });
			continue;
		}
		if ('skipped' in read) {
			process.stderr.write(`llm-lab: warning: ${read.skipped}\n`);
			continue;
		}
		const tokens = counter.count(read.text);
		results.push({ file, tokenizer, tokens, contextWindow, share: contextWindow ? tokens / contextWindow : null });
	}
	const failed = failures.length > 0;
	const total = results.reduce((sum, entry) => sum + entry.tokens, 0);
	if (options.json) {
		const output = {
			model: name,
			tokenizer,
			exact: counter.exact,
			estimateReason: counter.estimateReason,
			contextWindow,
			contextWindowSource: counter.contextWindowSource,
			files: [...results, ...failures],
			total: { tokens: total, share: contextWindow ? total / contextWindow : null },
		};
		process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
	} else {
		printTable(results, total, counter);
	}
	return failed ? 1 : 0;
}

/** Returns a counter for an OpenAI model. A model outside the catalog is counted with o200k_base as an estimate. */
function openAICounter(model: string): ModelCounter {
	const name = model.replace(/^openai:/, '');
	const match = lookupModel(name);
	const tokenizer = match?.entry.tokenizer ?? 'o200k_base';
	return {
		model: name,
		tokenizer,
		exact: match !== undefined,
		estimateReason: match ? undefined : 'not in the catalog',
		contextWindow: match?.entry.contextWindow ?? null,
		count: (text) => countTokens(text, tokenizer),
	};
}

function printTable(results: FileCount[], total: number, counter: ModelCounter): void {
	const { model, tokenizer, contextWindow } = counter;
	const share = (tokens: number) => (contextWindow ? formatShare(tokens, contextWindow) : 'n/a');
	const rows = results.map((entry) => [entry.file, formatTokenCount(entry.tokens), share(entry.tokens)]);
	if (results.length > 1) {
		rows.push(['total', formatTokenCount(total), share(total)]);
	}
	const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), 4));
	for (const row of rows) {
		process.stdout.write(`${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padStart(widths[2])}\n`);
	}
	const window = contextWindow ? `${formatTokenCount(contextWindow)}-token window` : 'unknown window';
	const note = counter.exact ? '' : ` (estimated: ${counter.estimateReason})`;
	process.stdout.write(`${model}: ${tokenizer}${note}, ${window}\n`);
}
