/** Turns the panel's draft into the variants, scorers and rows that a run sends. */

import { isAbsolute, resolve } from 'node:path';
import type { DatasetRow, FewShotExample, ScorerSpec, Variant } from '../../core/compare/types';
import type { ComparisonDraft, VariantsFileProvider } from '../../webview/compare/protocol';
import type { CompareEngine } from './engineBundle';
import { providerIdsOf } from './variantsJson';

/** Field order of a variant in run headers, so equal variants serialize to equal JSON whatever order the form used. */
const VARIANT_FIELDS = ['id', 'label', 'model', 'system', 'examples', 'examplesFrom', 'template', 'parameters', 'price'] as const;
const PARAMETER_FIELDS = ['temperature', 'topP', 'maxTokens', 'seed', 'stop', 'logprobs'] as const;

/**
 * Returns the variants a run sends: fields in a fixed order, empty text and parameters left out, and the examples of
 * `examplesFrom` read from their file (relative to `workspaceRoot`) and added after the typed ones. A resumed run
 * compares these with its run file's header as JSON, so the same draft must always give the same text.
 */
export async function variantsForRun(variants: readonly Variant[], workspaceRoot: string, engine: CompareEngine): Promise<Variant[]> {
	const prepared: Variant[] = [];
	for (const variant of variants) {
		// An example the user added in the form but left blank is not sent.
		let examples: FewShotExample[] = (variant.examples ?? []).filter((example) =>
			example.messages.some((message) => message.content.trim() !== ''),
		);
		if (variant.examplesFrom) {
			const file = isAbsolute(variant.examplesFrom.file) ? variant.examplesFrom.file : resolve(workspaceRoot, variant.examplesFrom.file);
			examples = [...examples, ...(await engine.loadFewShot(file, variant.examplesFrom, variant.id))];
		}
		prepared.push(canonicalVariant({ ...variant, examples }));
	}
	return prepared;
}

export function canonicalVariant(variant: Variant): Variant {
	const source: Record<string, unknown> = { ...variant, label: variant.label || variant.id };
	if (variant.parameters) {
		source.parameters = pickFields(variant.parameters as Record<string, unknown>, PARAMETER_FIELDS);
	}
	return pickFields(source, VARIANT_FIELDS) as unknown as Variant;
}

/** Returns a scorer with `type` and `id` first and its other fields in alphabetical order. */
export function canonicalScorer(scorer: ScorerSpec): ScorerSpec {
	const { type, id, ...rest } = scorer as ScorerSpec & Record<string, unknown>;
	const sorted = Object.keys(rest)
		.sort()
		.filter((key) => rest[key] !== undefined && rest[key] !== '');
	return { type, ...(id ? { id } : {}), ...Object.fromEntries(sorted.map((key) => [key, rest[key]])) } as ScorerSpec;
}

/** Copies the listed fields in order, leaving out unset values, empty strings, empty arrays and empty objects. */
function pickFields(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const field of fields) {
		const value = source[field];
		const empty =
			value === undefined ||
			value === '' ||
			(Array.isArray(value) && value.length === 0) ||
			(typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
		if (!empty) {
			result[field] = value;
		}
	}
	return result;
}

/** Returns the row of a single-input run: the input's variables, with `expected` as the expected output. */
export function singleInputRow(input: Readonly<Record<string, string>>): DatasetRow {
	const { expected, ...variables } = input;
	return { index: 0, line: 0, variables, ...(expected ? { expected } : {}) };
}

/** Returns every model id that a run calls: the variants' and the judges'. */
export function modelIdsOf(variants: readonly Variant[], scorers: readonly ScorerSpec[]): string[] {
	return [...variants.map((variant) => variant.model), ...scorers.flatMap((scorer) => (scorer.type === 'judge' ? [scorer.model] : []))];
}

/**
 * Returns the provider entries to write in a variants file: the draft's own entries, then the configured entry of
 * every other provider a variant or judge uses. Keys are never written.
 */
export function providersForFile(
	draft: ComparisonDraft,
	configured: ReadonlyArray<{ id: string; name: string; kind: 'openai' | 'ollama'; baseUrl: string }>,
): VariantsFileProvider[] {
	const used = providerIdsOf(draft);
	const entries: VariantsFileProvider[] = [];
	for (const id of used) {
		const own = draft.providers?.find((entry) => entry.id === id);
		const setting = configured.find((entry) => entry.id === id);
		const entry = own ?? (setting ? { id: setting.id, name: setting.name, kind: setting.kind, baseUrl: setting.baseUrl } : undefined);
		if (entry) {
			entries.push(entry);
		}
	}
	return entries;
}
