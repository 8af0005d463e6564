/** Creates the provider for a configured entry of the `llmLab.providers` setting. */

import type { Logger } from '../logger';
import { OllamaProvider } from './ollama';
import { OpenAIProvider } from './openai';
import type { ChatProvider, ProviderConfig } from './types';

export interface CreateProviderOptions {
	/** API key from SecretStorage; only OpenAI-compatible providers send it. */
	apiKey?: string;
	logger?: Logger;
	/** @default globalThis.fetch */
	fetch?: typeof fetch;
}

export function createProvider(config: ProviderConfig, options: CreateProviderOptions = {}): ChatProvider {
	switch (config.kind) {
		case 'openai':
			return new OpenAIProvider(config, options);
		case 'ollama':
			return new OllamaProvider(config, { logger: options.logger, fetch: options.fetch });
	}
}
