import type { ModelResolver, ResolvedModel } from '../../core/compare/call';
import { CompareInputError } from '../../core/errors';
import { parseModelId } from '../../core/models/profile';
import type { ChatProvider } from '../../core/providers/types';
import type { ModelRegistry } from '../models';

/**
 * Creates the clients for every provider that `modelIds` name, with their keys from secret storage, and returns a
 * resolver over them. Prices and encodings come from the registry's model profiles. Throws `MissingKeyError` when
 * OpenAI's own API has no key; the resolver throws `CompareInputError` for a model of an unconfigured provider.
 */
export async function createRegistryResolver(registry: ModelRegistry, modelIds: readonly string[]): Promise<ModelResolver> {
	const providers = new Map<string, ChatProvider>();
	for (const modelId of new Set(modelIds)) {
		const config = configOf(registry, modelId);
		if (config && !providers.has(config.id)) {
			providers.set(config.id, await registry.providerFor(config));
		}
	}
	return (modelId): ResolvedModel => {
		const parsed = parseModelId(modelId);
		const provider = parsed && providers.get(parsed.providerId);
		if (!parsed || !provider) {
			const known = registry
				.settings()
				.providers.map((entry) => entry.id)
				.join(', ');
			throw new CompareInputError(
				`Model "${modelId}" does not name a provider of the llmLab.providers setting. Write it as <provider id>:<model>; ` +
					`the providers are: ${known || 'none'}.`,
			);
		}
		const profile = registry.profile(modelId);
		return { provider, name: parsed.name, price: profile?.price, encoding: profile?.encoding ?? 'o200k_base' };
	};
}

function configOf(registry: ModelRegistry, modelId: string) {
	const parsed = parseModelId(modelId);
	return parsed ? registry.providerConfig(parsed.providerId) : undefined;
}
