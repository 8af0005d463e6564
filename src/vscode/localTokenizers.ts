import type { Logger } from '../core/logger';
import type { ModelInfo, ProviderConfig } from '../core/providers/types';
import type { TokenizerKey } from '../core/tokens/protocol';
import type { TokenCounter } from './tokenCounter';

/**
 * The exact tokenizers of local models, by model digest. The first request for an Ollama model's tokenizer starts
 * preparing it in the token worker (its vocabulary from `/api/show`, then the disk cache) and returns undefined, so
 * callers count with an estimate until `onDidPrepare` fires.
 */
export class LocalTokenizers {
	private readonly keys = new Map<string, TokenizerKey>();
	private readonly started = new Set<string>();

	constructor(
		private readonly counter: TokenCounter,
		private readonly logger: Logger,
		private readonly onDidPrepare: () => void,
	) {}

	/** Returns the model's own tokenizer when it is ready; otherwise starts preparing it and returns undefined. */
	keyFor(model: ModelInfo, provider: ProviderConfig): TokenizerKey | undefined {
		if (provider.kind !== 'ollama' || !model.digest || !model.chat) {
			return undefined;
		}
		const key = this.keys.get(model.digest);
		if (key || this.started.has(model.digest)) {
			return key;
		}
		this.started.add(model.digest);
		void this.prepare(model, model.digest, provider);
		return undefined;
	}

	private async prepare(model: ModelInfo, digest: string, provider: ProviderConfig): Promise<void> {
		try {
			const prepared = await this.counter.prepareOllamaTokenizer(provider.baseUrl, model.name);
			this.keys.set(digest, prepared.key);
			this.logger.info(`Counting ${model.id} with its own vocabulary (from the ${prepared.source}).`);
			this.onDidPrepare();
		} catch (error) {
			// The model stays on the estimate; an unsupported vocabulary is expected, any other failure is retried later.
			const name = (error as { errorName?: string }).errorName;
			if (name !== 'UnsupportedTokenizerError') {
				this.started.delete(digest);
			}
			this.logger.warn(`Counting ${model.id} with an estimate: its own tokenizer is not available. ${String(error)}`);
		}
	}
}
