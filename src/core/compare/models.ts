/** Resolves the model ids of variants to providers from a list of provider entries. */

import { CompareInputError } from '../errors';
import type { Logger } from '../logger';
import { lookupModel } from '../models/catalog';
import { isOfficialOpenAI, parseModelId } from '../models/profile';
import { createProvider } from '../providers';
import type { ChatProvider, ProviderConfig } from '../providers/types';
import type { ModelResolver } from './call';

export interface ResolverOptions {
	/** Returns the API key for a provider entry, or undefined to send none. */
	apiKeyFor?: (config: ProviderConfig) => string | undefined;
	logger?: Logger;
	/** @default globalThis.fetch */
	fetch?: typeof fetch;
}

/**
 * Creates a resolver over provider entries, with one provider instance per entry. Prices come from the catalog only
 * for OpenAI's own API, because another server may serve a model under an OpenAI name at another price. Our own token
 * counts use the catalog's tokenizer for OpenAI-kind models in the catalog, and `o200k_base` as an estimate otherwise.
 */
export function createModelResolver(configs: readonly ProviderConfig[], options: ResolverOptions = {}): ModelResolver {
	const providers = new Map<string, ChatProvider>();
	return (modelId) => {
		const parsed = parseModelId(modelId);
		const config = parsed && configs.find((entry) => entry.id === parsed.providerId);
		if (!parsed || !config) {
			const known = configs.map((entry) => entry.id).join(', ') || 'none';
			throw new CompareInputError(
				`Model "${modelId}" does not name a configured provider. Write it as <provider id>:<model>; the providers are: ${known}.`,
			);
		}
		let provider = providers.get(config.id);
		if (!provider) {
			provider = createProvider(config, { apiKey: options.apiKeyFor?.(config), logger: options.logger, fetch: options.fetch });
			providers.set(config.id, provider);
		}
		const match = config.kind === 'openai' ? lookupModel(parsed.name) : undefined;
		return {
			provider,
			name: parsed.name,
			price: match && isOfficialOpenAI(config.baseUrl) ? match.price : undefined,
			encoding: match?.entry.tokenizer ?? 'o200k_base',
		};
	};
}
