import type { ModelProfile } from '../../core/models/profile';
import type { TokenPrice } from '../../core/models/catalog';
import type { EncodingName } from '../../core/tokens/encodings';
import type { ModelRegistry } from '../models';

/** Encoding used when no model is selected. */
const DEFAULT_ENCODING: EncodingName = 'o200k_base';

/** The tokenizer and limits that the token features use: the selected model's. */
export interface SelectedTokenizer {
	encoding: EncodingName;
	/** False when `encoding` only approximates the model's own tokenizer, so counts are labelled estimated. */
	exact: boolean;
	/** Model id, or undefined when no model is selected. */
	modelId?: string;
	modelName?: string;
	contextWindow?: number;
	price?: TokenPrice;
}

/**
 * Returns the selected model's tokenizer, read from its profile. Every token feature takes its encoding from here, so
 * a model whose profile names another encoding (a local model's vocabulary) is counted with it everywhere.
 */
export function selectedTokenizer(registry: ModelRegistry): SelectedTokenizer {
	return tokenizerOf(registry.selectedProfileCached());
}

/** Returns the tokenizer of a model profile, or the default encoding as an estimate when there is none. */
export function tokenizerOf(profile: ModelProfile | undefined): SelectedTokenizer {
	if (!profile) {
		return { encoding: DEFAULT_ENCODING, exact: false };
	}
	return {
		encoding: profile.encoding,
		exact: profile.exactTokenizer,
		modelId: profile.id,
		modelName: profile.name,
		contextWindow: profile.contextWindow,
		price: profile.price,
	};
}

/** Formats a count for display: `≈` marks an estimate made with another model's tokenizer. */
export function formatCountFor(tokenizer: SelectedTokenizer, tokens: number): string {
	return `${tokenizer.exact ? '' : '≈'}${tokens.toLocaleString('en-US')}`;
}
