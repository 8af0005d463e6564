/** Everything LLM Lab needs to budget and price requests to one model, merged from the server, catalog and settings. */

import type { ContextWindowSource, ModelInfo, ProviderKind } from '../providers/types';
import { type CatalogEncoding, lookupModel, type TokenPrice } from './catalog';
import { type OllamaWindowOptions, resolveOllamaWindow } from './window';
import type { TokenizerKey } from '../tokens/protocol';

export interface ModelProfile {
	id: string;
	providerId: string;
	providerKind: ProviderKind;
	name: string;
	contextWindow?: number;
	windowSource: ContextWindowSource;
	/** The length the model was trained for, when known: the most a window can be raised to. */
	trainedContextWindow?: number;
	maxOutputTokens?: number;
	/** OpenAI encoding for features that need one: the model's own, or the one that approximates it. */
	encoding: CatalogEncoding;
	/** Tokenizer to count with: `encoding`, or the model's own vocabulary (`gguf:<digest>`) once it is prepared. */
	tokenizer: TokenizerKey;
	/** Name of `tokenizer` for the UI, such as `o200k_base` or `llama3.2:3b vocabulary`. */
	tokenizerLabel: string;
	/** False when `tokenizer` only approximates the model's own tokenizer, so counts are labelled estimated. */
	exactTokenizer: boolean;
	price?: TokenPrice;
	fineTuned: boolean;
}

/** Builds `<providerId>:<model name>`; the model name may itself contain colons (`ollama:qwen3:4b`). */
export function modelIdOf(providerId: string, name: string): string {
	return `${providerId}:${name}`;
}

/** Splits a model id at its first colon into provider id and model name. */
export function parseModelId(id: string): { providerId: string; name: string } | undefined {
	const colon = id.indexOf(':');
	if (colon <= 0 || colon === id.length - 1) {
		return undefined;
	}
	return { providerId: id.slice(0, colon), name: id.slice(colon + 1) };
}

/**
 * Merges a listed model with the catalog and the user's window override. The catalog applies only to OpenAI-kind
 * providers, because a local server may serve a model under an OpenAI name with another window.
 */
export function profileModel(
	info: ModelInfo,
	providerKind: ProviderKind,
	windowOverrides: Record<string, number> = {},
	officialOpenAI = false,
	ollama: OllamaWindowOptions = {},
	/** The model's own tokenizer, when one is prepared (Ollama models with a supported vocabulary). */
	localTokenizer?: TokenizerKey,
): ModelProfile {
	const match = providerKind === 'openai' ? lookupModel(info.name) : undefined;
	const override = windowOverrides[info.id];
	let contextWindow = info.contextWindow;
	let windowSource = info.contextWindowSource;
	if (providerKind === 'ollama' && info.contextWindows) {
		const resolved = resolveOllamaWindow(info.contextWindows, ollama);
		contextWindow = resolved.contextWindow;
		windowSource = resolved.source;
	}
	if (override && override > 0) {
		contextWindow = override;
		windowSource = 'setting';
	} else if (match && (officialOpenAI || contextWindow === undefined)) {
		contextWindow = match.entry.contextWindow;
		windowSource = 'catalog';
	}
	const encoding = match?.entry.tokenizer ?? 'o200k_base';
	return {
		id: info.id,
		providerId: info.providerId,
		providerKind,
		name: info.name,
		contextWindow,
		windowSource,
		trainedContextWindow: info.contextWindows?.modelMetadata ?? match?.entry.contextWindow,
		maxOutputTokens: info.maxOutputTokens ?? match?.entry.maxOutputTokens,
		encoding,
		tokenizer: localTokenizer ?? encoding,
		tokenizerLabel: localTokenizer ? `${info.name} vocabulary` : encoding,
		// NOTE: models outside the OpenAI catalog without a prepared vocabulary are counted with o200k_base as an
		// estimate, and labelled so.
		exactTokenizer: localTokenizer !== undefined || (match !== undefined && officialOpenAI),
		price: officialOpenAI ? match?.price : undefined,
		fineTuned: match?.fineTuned ?? false,
	};
}

/** Reports whether a base URL is OpenAI's own API, whose models the catalog describes exactly. */
export function isOfficialOpenAI(baseUrl: string): boolean {
	try {
		return new URL(baseUrl).hostname === 'api.openai.com';
	} catch {
		return false;
	}
}
