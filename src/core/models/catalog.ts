/**
 * Context windows, output limits, tokenizers and prices of well-known OpenAI models.
 *
 * Sources, per entry in `source`:
 * - `pricing-2026-03`: OpenAI's API pricing page as tabulated on https://deploybase.ai/articles/openai-pricing
 *   and https://deploybase.ai/articles/gpt-4.1-pricing ("data from OpenAI API pricing, March 2026"), read 2026-12-04.
 * - `ft-2026-04`: fine-tuned GPT-4o mini prices from https://pecollective.com/tools/gpt-4o-mini-pricing (April 2026),
 *   read 2026-12-04.
 * - `models-2024`: OpenAI's model pages for the older families as published in 2024. NOTE: these figures were not
 *   re-checked against a live page; correct them when a newer source is at hand.
 * Prices are US dollars per million tokens on the standard tier, without caching or batch discounts.
 */

/** OpenAI's BPE encodings that the catalog's models use. */
export type CatalogEncoding = 'o200k_base' | 'cl100k_base';

export interface TokenPrice {
	inputPerMillion: number;
	outputPerMillion: number;
}

export interface CatalogEntry {
	/** Model name or family prefix, matched whole or followed by `-` (dated snapshots such as `gpt-4o-2024-08-06`). */
	name: string;
	tokenizer: CatalogEncoding;
	contextWindow: number;
	maxOutputTokens: number;
	price: TokenPrice;
	/** Inference price of a fine-tuned model of this base (`ft:<base>:...`), where fine-tuning is offered. */
	fineTunedPrice?: TokenPrice;
	/** Training price per million training tokens, where fine-tuning is offered. */
	trainingPerMillion?: number;
	source: 'pricing-2026-03' | 'ft-2026-04' | 'models-2024';
}

const entries: CatalogEntry[] = [
	{
		name: 'gpt-5',
		tokenizer: 'o200k_base',
		contextWindow: 400_000,
		maxOutputTokens: 128_000,
		price: { inputPerMillion: 1.25, outputPerMillion: 10 },
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-5-mini',
		tokenizer: 'o200k_base',
		contextWindow: 400_000,
		maxOutputTokens: 128_000,
		price: { inputPerMillion: 0.25, outputPerMillion: 2 },
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-5-nano',
		tokenizer: 'o200k_base',
		contextWindow: 400_000,
		maxOutputTokens: 128_000,
		price: { inputPerMillion: 0.05, outputPerMillion: 0.4 },
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-4.1',
		tokenizer: 'o200k_base',
		contextWindow: 1_047_576,
		maxOutputTokens: 32_768,
		price: { inputPerMillion: 2, outputPerMillion: 8 },
		fineTunedPrice: { inputPerMillion: 3, outputPerMillion: 12 },
		trainingPerMillion: 25,
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-4.1-mini',
		tokenizer: 'o200k_base',
		contextWindow: 1_047_576,
		maxOutputTokens: 32_768,
		price: { inputPerMillion: 0.4, outputPerMillion: 1.6 },
		fineTunedPrice: { inputPerMillion: 0.8, outputPerMillion: 3.2 },
		trainingPerMillion: 5,
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-4.1-nano',
		tokenizer: 'o200k_base',
		contextWindow: 1_047_576,
		maxOutputTokens: 32_768,
		price: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
		fineTunedPrice: { inputPerMillion: 0.2, outputPerMillion: 0.8 },
		trainingPerMillion: 1.5,
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-4o',
		tokenizer: 'o200k_base',
		contextWindow: 128_000,
		maxOutputTokens: 16_384,
		price: { inputPerMillion: 2.5, outputPerMillion: 10 },
		fineTunedPrice: { inputPerMillion: 3.75, outputPerMillion: 15 },
		trainingPerMillion: 25,
		source: 'pricing-2026-03',
	},
	{
		// The first GPT-4o snapshot kept its launch price and a 4,096-token output limit.
		name: 'gpt-4o-2024-05-13',
		tokenizer: 'o200k_base',
		contextWindow: 128_000,
		maxOutputTokens: 4_096,
		price: { inputPerMillion: 5, outputPerMillion: 15 },
		source: 'models-2024',
	},
	{
		name: 'gpt-4o-mini',
		tokenizer: 'o200k_base',
		contextWindow: 128_000,
		maxOutputTokens: 16_384,
		price: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
		fineTunedPrice: { inputPerMillion: 0.3, outputPerMillion: 1.2 },
		trainingPerMillion: 3,
		source: 'ft-2026-04',
	},
	{
		name: 'o1',
		tokenizer: 'o200k_base',
		contextWindow: 200_000,
		maxOutputTokens: 100_000,
		price: { inputPerMillion: 15, outputPerMillion: 60 },
		source: 'models-2024',
	},
	{
		name: 'o1-mini',
		tokenizer: 'o200k_base',
		contextWindow: 128_000,
		maxOutputTokens: 65_536,
		price: { inputPerMillion: 1.1, outputPerMillion: 4.4 },
		source: 'models-2024',
	},
	{
		name: 'o3',
		tokenizer: 'o200k_base',
		contextWindow: 200_000,
		maxOutputTokens: 100_000,
		price: { inputPerMillion: 2, outputPerMillion: 8 },
		source: 'pricing-2026-03',
	},
	{
		name: 'o3-mini',
		tokenizer: 'o200k_base',
		contextWindow: 200_000,
		maxOutputTokens: 100_000,
		price: { inputPerMillion: 1.1, outputPerMillion: 4.4 },
		source: 'pricing-2026-03',
	},
	{
		name: 'o4-mini',
		tokenizer: 'o200k_base',
		contextWindow: 200_000,
		maxOutputTokens: 100_000,
		price: { inputPerMillion: 1.1, outputPerMillion: 4.4 },
		source: 'pricing-2026-03',
	},
	{
		name: 'gpt-4-turbo',
		tokenizer: 'cl100k_base',
		contextWindow: 128_000,
		maxOutputTokens: 4_096,
		price: { inputPerMillion: 10, outputPerMillion: 30 },
		source: 'models-2024',
	},
	{
		name: 'gpt-4-1106-preview',
		tokenizer: 'cl100k_base',
		contextWindow: 128_000,
		maxOutputTokens: 4_096,
		price: { inputPerMillion: 10, outputPerMillion: 30 },
		source: 'models-2024',
	},
	{
		name: 'gpt-4-0125-preview',
		tokenizer: 'cl100k_base',
		contextWindow: 128_000,
		maxOutputTokens: 4_096,
		price: { inputPerMillion: 10, outputPerMillion: 30 },
		source: 'models-2024',
	},
	{
		name: 'gpt-4',
		tokenizer: 'cl100k_base',
		contextWindow: 8_192,
		maxOutputTokens: 8_192,
		price: { inputPerMillion: 30, outputPerMillion: 60 },
		fineTunedPrice: { inputPerMillion: 45, outputPerMillion: 90 },
		trainingPerMillion: 90,
		source: 'models-2024',
	},
	{
		name: 'gpt-4-32k',
		tokenizer: 'cl100k_base',
		contextWindow: 32_768,
		maxOutputTokens: 32_768,
		price: { inputPerMillion: 60, outputPerMillion: 120 },
		source: 'models-2024',
	},
	{
		name: 'gpt-3.5-turbo',
		tokenizer: 'cl100k_base',
		contextWindow: 16_385,
		maxOutputTokens: 4_096,
		price: { inputPerMillion: 0.5, outputPerMillion: 1.5 },
		fineTunedPrice: { inputPerMillion: 3, outputPerMillion: 6 },
		trainingPerMillion: 8,
		source: 'models-2024',
	},
];

export interface CatalogMatch {
	entry: CatalogEntry;
	/** True for `ft:<base>:...` names: prices are the fine-tuned ones where the catalog has them. */
	fineTuned: boolean;
	/** Price that applies to this exact model name. */
	price: TokenPrice;
}

/** Base model of a fine-tuned name: `ft:gpt-4o-mini-2024-07-18:acme::abc123` becomes `gpt-4o-mini-2024-07-18`. */
export function baseOfFineTuned(name: string): string | undefined {
	if (!name.startsWith('ft:')) {
		return undefined;
	}
	return name.slice(3).split(':')[0] || undefined;
}

function matchesName(candidate: string, entryName: string): boolean {
	return candidate === entryName || candidate.startsWith(`${entryName}-`);
}

/**
 * Finds the catalog entry for an OpenAI model name: an exact name first, else the longest family name that the model
 * name starts with (followed by `-`), so `gpt-4o-mini-2024-07-18` is GPT-4o mini and never GPT-4o or GPT-4.
 */
export function lookupModel(name: string): CatalogMatch | undefined {
	const base = baseOfFineTuned(name);
	const candidate = (base ?? name).toLowerCase();
	let best: CatalogEntry | undefined;
	for (const entry of entries) {
		if (matchesName(candidate, entry.name) && (!best || entry.name.length > best.name.length)) {
			best = entry;
		}
	}
	if (!best) {
		return undefined;
	}
	const fineTuned = base !== undefined;
	return { entry: best, fineTuned, price: fineTuned ? (best.fineTunedPrice ?? best.price) : best.price };
}

/** Returns the US dollar cost of a call, or undefined when the model has no known price. */
export function costOf(price: TokenPrice | undefined, promptTokens: number, completionTokens: number): number | undefined {
	if (!price) {
		return undefined;
	}
	return (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / 1_000_000;
}

/** Lists every catalog entry, for pickers and the token comparison table. */
export function listCatalog(): readonly CatalogEntry[] {
	return entries;
}
