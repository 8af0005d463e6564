/** The tokenizer and context window of an Ollama model for `llm-lab tokens --model ollama:<name:tag>`. */

import { homedir } from 'node:os';
import path from 'node:path';
import { resolveOllamaWindow } from '../core/models/window';
import { OllamaProvider } from '../core/providers/ollama';
import { countTokens } from '../core/tokens';
import { fetchOllamaTokenizer, InvalidTokenizerMetadataError, UnsupportedTokenizerError } from '../core/tokens/gguf';

/** Ollama's address when `--ollama-host` is not given. */
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/** Counter of `llm-lab tokens` for one model: its tokenizer, whether counts are exact, and its window. */
export interface ModelCounter {
	/** Model name as printed. */
	model: string;
	/** Tokenizer name: an OpenAI encoding, or `gguf:<tokenizer model>/<pre-tokenizer>` for a local vocabulary. */
	tokenizer: string;
	exact: boolean;
	/** Reason the count is an estimate, when it is one. */
	estimateReason?: string;
	contextWindow: number | null;
	/** Source of the window, for Ollama: `model parameters`, `running server` or `server default`. */
	contextWindowSource?: string;
	count(text: string): number;
}

/** Returns the folder of cached tokenizers: `$LLM_LAB_CACHE/tokenizers`, else `~/.cache/llm-lab/tokenizers`. */
export function tokenizerCacheDirectory(): string {
	const root = process.env.LLM_LAB_CACHE || path.join(homedir(), '.cache', 'llm-lab');
	return path.join(root, 'tokenizers');
}

/**
 * Returns a counter for an Ollama model with its own vocabulary, fetched once and then read from the cache, and the
 * window Ollama runs it with. A vocabulary that cannot be tokenized exactly is counted with o200k_base and labelled
 * as an estimate.
 */
export async function loadOllamaCounter(model: string, host = DEFAULT_OLLAMA_HOST): Promise<ModelCounter> {
	const fullName = model.includes(':') ? model : `${model}:latest`;
	let counter: Pick<ModelCounter, 'tokenizer' | 'exact' | 'estimateReason' | 'count'>;
	try {
		const { tokenizer } = await fetchOllamaTokenizer(host, fullName, { cacheDir: tokenizerCacheDirectory() });
		counter = {
			tokenizer: `gguf:${tokenizer.model}${tokenizer.preTokenizer ? `/${tokenizer.preTokenizer}` : ''}`,
			exact: true,
			count: (text) => tokenizer.count(text),
		};
	} catch (error) {
		if (!(error instanceof UnsupportedTokenizerError) && !(error instanceof InvalidTokenizerMetadataError)) {
			throw error;
		}
		counter = {
			tokenizer: 'o200k_base',
			exact: false,
			estimateReason: error.message,
			count: (text) => countTokens(text, 'o200k_base'),
		};
	}

	const provider = new OllamaProvider({ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: host });
	const info = (await provider.listModels()).find((entry) => entry.name === fullName);
	const window = resolveOllamaWindow(info?.contextWindows ?? {});
	return {
		model: `ollama:${fullName}`,
		...counter,
		contextWindow: window.contextWindow ?? null,
		contextWindowSource: window.source,
	};
}
