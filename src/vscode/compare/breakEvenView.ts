/** The break-even section of the Compare panel, computed from the run it shows. */

import type { VariantSummary } from '../../core/compare/aggregate';
import { computeBreakEven } from '../../core/compare/breakEven';
import type { Variant } from '../../core/compare/types';
import { CompareInputError } from '../../core/errors';
import { baseOfFineTuned, lookupModel, type TokenPrice } from '../../core/models/catalog';
import { parseModelId } from '../../core/models/profile';
import type { BreakEvenSettings, BreakEvenView } from '../../webview/compare/protocol';

/** Training inputs shown before the user enters any. */
export const DEFAULT_BREAK_EVEN: BreakEvenSettings = { trainingTokens: 0, epochs: 3 };

export interface BreakEvenRequest {
	fineTuned?: string;
	prompted?: string;
	settings: BreakEvenSettings;
}

/**
 * Builds the break-even view for a pair of the run's variants. The first `ft:` variant and the first other one are
 * chosen when the request names none or names a variant the run does not have. `priceOf` returns a model's known
 * price; a variant's own price comes first.
 */
export function breakEvenView(
	variants: readonly Variant[],
	summaries: readonly VariantSummary[],
	request: BreakEvenRequest,
	priceOf: (modelId: string) => TokenPrice | undefined,
): BreakEvenView {
	const isFineTuned = (variant: Variant) => baseOfFineTuned(modelName(variant)) !== undefined;
	const fineTunedCandidates = variants.filter(isFineTuned).map((variant) => variant.id);
	const promptedCandidates = variants.filter((variant) => !isFineTuned(variant)).map((variant) => variant.id);
	const fineTunedId = pick(request.fineTuned, fineTunedCandidates);
	const promptedId = pick(request.prompted, promptedCandidates);
	const fineTuned = variants.find((variant) => variant.id === fineTunedId);
	const prompted = variants.find((variant) => variant.id === promptedId);
	const view: BreakEvenView = {
		fineTunedCandidates,
		promptedCandidates,
		labels: Object.fromEntries(variants.map((variant) => [variant.id, variant.label || variant.id])),
		...(fineTunedId ? { fineTuned: fineTunedId } : {}),
		...(promptedId ? { prompted: promptedId } : {}),
		settings: request.settings,
	};
	const catalogTraining = fineTuned ? lookupModel(modelName(fineTuned))?.entry.trainingPerMillion : undefined;
	if (catalogTraining !== undefined) {
		view.catalogTrainingPerMillion = catalogTraining;
	}
	if (!fineTuned || !prompted) {
		view.problem = fineTuned
			? 'The break-even needs a variant without an ft: model to compare with.'
			: 'The break-even needs a variant with a fine-tuned (ft:) model.';
		return view;
	}
	const tunedSummary = summaries.find((summary) => summary.variant === fineTuned.id);
	const promptedSummary = summaries.find((summary) => summary.variant === prompted.id);
	if (tunedSummary?.promptTokensPerCall === undefined || promptedSummary?.promptTokensPerCall === undefined) {
		view.problem = 'Run the comparison first: the break-even uses the tokens per call it measures.';
		return view;
	}
	try {
		view.result = computeBreakEven({
			fineTuned: side(fineTuned, tunedSummary, priceOf),
			prompted: side(prompted, promptedSummary, priceOf),
			...request.settings,
		});
	} catch (error) {
		if (!(error instanceof CompareInputError)) {
			throw error;
		}
		view.problem = error.message;
	}
	return view;
}

function side(variant: Variant, summary: VariantSummary, priceOf: (modelId: string) => TokenPrice | undefined) {
	const price = variant.price ?? priceOf(variant.model);
	return {
		model: modelName(variant),
		promptTokensPerCall: summary.promptTokensPerCall ?? 0,
		completionTokensPerCall: summary.completionTokensPerCall ?? 0,
		...(price ? { price } : {}),
	};
}

function modelName(variant: Variant): string {
	return parseModelId(variant.model)?.name ?? variant.model;
}

function pick(requested: string | undefined, candidates: readonly string[]): string | undefined {
	return requested !== undefined && candidates.includes(requested) ? requested : candidates[0];
}
