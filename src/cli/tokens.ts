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
	let failed = false;
	for (const file of files) {
		let text: string;
		try {
			text = await fs.readFile(file, 'utf8');
		} catch (error) {
			process.stderr.write(`llm-lab: cannot read ${file}: ${(error as Error).message}\n`);
			failed = true;
			continue;
		}
		const tokens = counter.count(text);
		results.push({ file, tokenizer, tokens, contextWindow, share: contextWindow ? tokens / contextWindow : null });
	}
	const total = results.reduce((sum, entry) => sum + entry.tokens, 0);
	if (options.json) {
		const output = {
			model: name,
			tokenizer,
			exact: counter.exact,
			estimateReason: counter.estimateReason,
			contextWindow,
			contextWindowSource: counter.contextWindowSource,
			files: results,
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
