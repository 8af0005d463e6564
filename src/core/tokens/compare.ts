/** Token counts of one text across tokenizers, and what sending it as input would cost on each priced model. */

import { costOf, listCatalog, type CatalogEntry } from '../models/catalog';
import type { EncodingName } from './encodings';
import type { TokenizerKey } from './protocol';

/** A tokenizer's count of the compared text. */
export interface TokenizerCount {
	/** An OpenAI encoding, or a local model's own vocabulary (`gguf:<digest>`). */
	encoding: TokenizerKey;
	/** Name for the UI, such as `o200k_base` or `llama3.2:3b vocabulary`. */
	label: string;
	tokens: number;
	/** Models that use this tokenizer, such as `gpt-4o` or a local model's name. */
	models: string[];
}

/** Price of the text as input to one priced model. */
export interface InputCost {
	model: string;
	encoding: EncodingName;
	tokens: number;
	/** US dollars per million input tokens. */
	inputPerMillion: number;
	/** US dollars. */
	cost: number;
}

/** Returns the catalog models that use each encoding, by name. */
export function catalogModelsByEncoding(catalog: readonly CatalogEntry[] = listCatalog()): Map<EncodingName, string[]> {
	const models = new Map<EncodingName, string[]>();
	for (const entry of catalog) {
		const names = models.get(entry.tokenizer) ?? [];
		names.push(entry.name);
		models.set(entry.tokenizer, names);
	}
	return models;
}

/**
 * Returns the input cost of the text on every priced catalog model whose tokenizer was counted, cheapest first. Models
 * whose tokenizer is missing from `counts` are left out.
 */
export function inputCosts(
	counts: ReadonlyMap<TokenizerKey, number>,
	catalog: readonly CatalogEntry[] = listCatalog(),
): InputCost[] {
	const costs: InputCost[] = [];
	for (const entry of catalog) {
		const tokens = counts.get(entry.tokenizer);
		const cost = tokens === undefined ? undefined : costOf(entry.price, tokens, 0);
		if (tokens === undefined || cost === undefined) {
			continue;
		}
		costs.push({ model: entry.name, encoding: entry.tokenizer, tokens, inputPerMillion: entry.price.inputPerMillion, cost });
	}
	return costs.sort((a, b) => a.cost - b.cost || a.model.localeCompare(b.model));
}
