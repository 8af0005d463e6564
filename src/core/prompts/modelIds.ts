/** Checks of model ids (`<provider id>:<model>`) against the configured providers, with the likely fix. */

import { editDistance } from '../compare/finetune';
import { lookupModel } from '../models/catalog';
import { parseModelId } from '../models/profile';
import type { ProviderConfig } from '../providers/types';

type ProviderRef = Pick<ProviderConfig, 'id' | 'kind'>;

/** A problem with a model id, and a replacement of the characters from `start` to `end` of the id that fixes it. */
export interface ModelIdProblem {
	code: 'model-without-provider' | 'unknown-provider';
	message: string;
	fix?: { title: string; start: number; end: number; newText: string };
}

/**
 * Checks that a model id starts with a provider id and, when `providers` is given, that the provider is configured.
 * Returns undefined for a valid id.
 */
export function checkModelId(model: string, providers: readonly ProviderRef[] | undefined): ModelIdProblem | undefined {
	const parsed = parseModelId(model);
	if (!parsed) {
		const provider = likelyProvider(model, providers);
		const example = `${provider?.id ?? 'openai'}:${model.replace(/^:+|:+$/g, '') || 'gpt-4o-mini'}`;
		return {
			code: 'model-without-provider',
			message: `The model "${model}" has no provider prefix. Write <provider id>:<model>, such as "${example}".`,
			fix: provider && !model.includes(':') ? prefixFix(provider) : undefined,
		};
	}
	if (!providers || providers.some((provider) => provider.id === parsed.providerId)) {
		return undefined;
	}
	const configured = providers.length > 0 ? providers.map((provider) => provider.id).join(', ') : 'none';
	const message =
		`Unknown provider "${parsed.providerId}" in the model "${model}". Configured providers: ${configured}. ` +
		'Add the provider to the llmLab.providers setting, or start the model id with one of these.';
	const closeIds = providers.filter(
		(provider) => editDistance(parsed.providerId.toLowerCase(), provider.id.toLowerCase()) <= 2,
	);
	if (closeIds.length === 1) {
		const id = closeIds[0].id;
		return {
			code: 'unknown-provider',
			message,
			fix: { title: `Change the provider to "${id}"`, start: 0, end: parsed.providerId.length, newText: id },
		};
	}
	// `qwen3:4b` is an Ollama tag without its provider, not a model of a provider named `qwen3`.
	const provider = likelyProvider(model, providers);
	return { code: 'unknown-provider', message, fix: provider ? prefixFix(provider) : undefined };
}

/** An Ollama model with a tag such as `latest`, `4b`, `1.5b` or `70b-instruct-q4_K_M`. */
const OLLAMA_TAGGED = /^[^:]+:(latest|\d+(\.\d+)?[bm]\b.*)$/i;

/**
 * Returns the provider that a model name without a prefix most likely belongs to. A catalog model goes to an
 * OpenAI-compatible provider (`openai` first), a name with a size or `latest` tag to the only Ollama provider, and
 * anything else to the only provider there is. Without `providers`, only a catalog model gets one, `openai`.
 */
function likelyProvider(name: string, providers: readonly ProviderRef[] | undefined): ProviderRef | undefined {
	const all = providers ?? [];
	if (lookupModel(name)) {
		const openai = providers
			? all.filter((provider) => provider.kind === 'openai')
			: [{ id: 'openai', kind: 'openai' as const }];
		return openai.find((provider) => provider.id === 'openai') ?? openai[0];
	}
	const ollama = all.filter((provider) => provider.kind === 'ollama');
	if (OLLAMA_TAGGED.test(name) && ollama.length === 1) {
		return ollama[0];
	}
	return all.length === 1 ? all[0] : undefined;
}

function prefixFix(provider: ProviderRef): ModelIdProblem['fix'] {
	return { title: `Add the provider prefix "${provider.id}:"`, start: 0, end: 0, newText: `${provider.id}:` };
}
