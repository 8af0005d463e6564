import type { ModelProfile } from '../../core/models/profile';
import type { TokenPrice } from '../../core/models/catalog';
import type { EncodingName } from '../../core/tokens/encodings';
import type { TokenizerKey } from '../../core/tokens/protocol';
import type { ModelRegistry } from '../models';

/** Encoding used when no model is selected. */
const DEFAULT_ENCODING: EncodingName = 'o200k_base';

/** The tokenizer and limits that the token features use: the selected model's. */
export interface SelectedTokenizer {
	/** Tokenizer to count with: an OpenAI encoding, or a local model's own vocabulary (`gguf:<digest>`). */
	encoding: TokenizerKey;
	/** Name of `encoding` for the UI, such as `o200k_base` or `llama3.2:3b vocabulary`. */
	label: string;
	/** False when `encoding` only approximates the model's own tokenizer, so counts are labelled estimated. */
	exact: boolean;
	/**
	 * OpenAI encoding that the token view draws, because it needs each token's offsets: `encoding` itself, or the
	 * encoding that approximates a local vocabulary.
	 */
	viewEncoding: EncodingName;
	/** Whether the token view shows the model's own tokens. */
	viewExact: boolean;
	/** Model id, or undefined when no model is selected. */
	modelId?: string;
	modelName?: string;
	contextWindow?: number;
	price?: TokenPrice;
}

/**
 * Returns the selected model's tokenizer, read from its profile. Every token feature takes its tokenizer from here, so
 * a model whose profile names its own vocabulary is counted with it everywhere.
 */
export function selectedTokenizer(registry: ModelRegistry): SelectedTokenizer {
	return tokenizerOf(registry.selectedProfileCached());
}

/** Returns the tokenizer of a model profile, or the default encoding as an estimate when there is none. */
export function tokenizerOf(profile: ModelProfile | undefined): SelectedTokenizer {
	if (!profile) {
		return { encoding: DEFAULT_ENCODING, label: DEFAULT_ENCODING, exact: false, viewEncoding: DEFAULT_ENCODING, viewExact: false };
	}
	return {
		encoding: profile.tokenizer,
		label: profile.tokenizerLabel,
		exact: profile.exactTokenizer,
		viewEncoding: profile.encoding,
		viewExact: profile.exactTokenizer && profile.tokenizer === profile.encoding,
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
