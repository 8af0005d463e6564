/**
 * Compile-time checks that the comparison types the Compare panel's protocol declares again are the core's types.
 * The constant fails to type-check when two declarations of a type differ in a field's name, type or optionality.
 */

import type { VariantSummary as CoreVariantSummary } from '../../core/compare/aggregate';
import type { BreakEven as CoreBreakEven } from '../../core/compare/breakEven';
import type {
	CallUsage as CoreCallUsage,
	FewShotSource as CoreFewShotSource,
	LogprobFigures as CoreLogprobFigures,
	RunRecord as CoreRunRecord,
	ScoreResult as CoreScoreResult,
	ScorerSpec as CoreScorerSpec,
	Variant as CoreVariant,
	VariantParameters as CoreVariantParameters,
} from '../../core/compare/types';
import type { BreakEvenSettings as CoreBreakEvenSettings, VariantsFileProvider as CoreProvider } from '../../core/compare/variantsFile';
import type {
	BreakEven,
	BreakEvenSettings,
	CallUsage,
	FewShotSource,
	LogprobFigures,
	RunRecord,
	ScoreResult,
	ScorerSpec,
	Variant,
	VariantParameters,
	VariantSummary,
	VariantsFileProvider,
} from '../../webview/compare/protocol';

/** `true` when `A` and `B` are assignable to each other, else `false`. */
type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `true` when `A` and `B` are assignable to each other and have the same keys. Mutual assignability alone accepts an
 * optional field that only one side declares.
 */
type Same<A, B> = Assignable<A, B> extends true ? Assignable<keyof A, keyof B> : false;

export const protocolTypesMatchCore: Array<true> = [
	true satisfies Same<Variant, CoreVariant>,
	true satisfies Same<VariantParameters, CoreVariantParameters>,
	true satisfies Same<FewShotSource, CoreFewShotSource>,
	true satisfies Same<ScorerSpec, CoreScorerSpec>,
	true satisfies Same<RunRecord, CoreRunRecord>,
	true satisfies Same<ScoreResult, CoreScoreResult>,
	true satisfies Same<CallUsage, CoreCallUsage>,
	true satisfies Same<LogprobFigures, CoreLogprobFigures>,
	true satisfies Same<VariantSummary, CoreVariantSummary>,
	true satisfies Same<BreakEven, CoreBreakEven>,
	true satisfies Same<BreakEvenSettings, CoreBreakEvenSettings>,
	true satisfies Same<VariantsFileProvider, CoreProvider>,
];
