/**
 * Break-even between a fine-tuned variant and a prompted one: from the measured tokens per call and the catalog's
 * prices, the number of calls after which the fine-tuned model, training included, has cost less in total.
 */

import { CompareInputError } from '../errors';
import { costOf, lookupModel, type TokenPrice } from '../models/catalog';

/** A variant's measured use and its price. */
export interface CostSide {
	/** Model name as the provider's API expects it, such as `ft:gpt-4o-mini-2024-07-18:acme::abc123` or `gpt-4o-mini`. */
	model: string;
	promptTokensPerCall: number;
	completionTokensPerCall: number;
	/** Overrides the catalog price, which for `ft:` names is the fine-tuned price of the base model. */
	price?: TokenPrice;
}

export interface BreakEvenInput {
	fineTuned: CostSide;
	prompted: CostSide;
	/** Tokens in the training file; training bills them once per epoch. */
	trainingTokens: number;
	epochs: number;
	/** Overrides the catalog's training price of the fine-tuned model's base, in US dollars per million tokens. */
	trainingPerMillion?: number;
}

/** Total cost after `n` calls is `fixedUsd + n * perCallUsd`: a line the panel can chart. */
export interface CostLine {
	fixedUsd: number;
	perCallUsd: number;
}

export interface BreakEven {
	fineTuned: CostLine;
	prompted: CostLine;
	trainingCostUsd: number;
	/**
	 * The smallest number of calls at which the fine-tuned variant has cost strictly less in total. Undefined when it
	 * never does, because each of its calls costs as much as a prompted call or more.
	 */
	calls?: number;
}

/** Computes the break-even. Throws `CompareInputError` when a price is neither given nor in the catalog. */
export function computeBreakEven(input: BreakEvenInput): BreakEven {
	const fineTunedPrice = priceOf(input.fineTuned);
	const promptedPrice = priceOf(input.prompted);
	const trainingPerMillion = input.trainingPerMillion ?? lookupModel(input.fineTuned.model)?.entry.trainingPerMillion;
	if (trainingPerMillion === undefined) {
		throw new CompareInputError(
			`The catalog has no training price for "${input.fineTuned.model}". Give the training price per million tokens.`,
		);
	}
	const trainingCostUsd = (input.trainingTokens * input.epochs * trainingPerMillion) / 1_000_000;
	const fineTuned = { fixedUsd: trainingCostUsd, perCallUsd: perCall(input.fineTuned, fineTunedPrice) };
	const prompted = { fixedUsd: 0, perCallUsd: perCall(input.prompted, promptedPrice) };
	const saving = prompted.perCallUsd - fineTuned.perCallUsd;
	// Cheaper after n calls when trainingCost + n * fineTuned < n * prompted, that is n > trainingCost / saving.
	const calls = saving > 0 ? Math.floor(trainingCostUsd / saving) + 1 : undefined;
	return { fineTuned, prompted, trainingCostUsd, calls };
}

function priceOf(side: CostSide): TokenPrice {
	const price = side.price ?? lookupModel(side.model)?.price;
	if (!price) {
		throw new CompareInputError(`The catalog has no price for "${side.model}". Give the variant a price per million tokens.`);
	}
	return price;
}

function perCall(side: CostSide, price: TokenPrice): number {
	return costOf(price, side.promptTokensPerCall, side.completionTokensPerCall) ?? 0;
}
