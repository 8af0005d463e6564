/**
 * Converts between the Compare panel's draft and the JSON of a variants file, the format `llm-lab compare --variants`
 * reads. Few-shot file paths are relative to the workspace folder in the draft and to the variants file's folder in
 * the file.
 */

import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ComparisonDefinition } from '../../core/compare/variantsFile';
import type { ComparisonDraft, FewShotExample, Variant, VariantsFileProvider } from '../../webview/compare/protocol';

/** A few-shot example as a variants file writes it. */
type ExampleEntry = { input: string; output: string } | FewShotExample;

/** A variant as a variants file writes it. */
interface VariantEntry {
	id: string;
	label?: string;
	model: string;
	system?: string;
	template?: string;
	examples?: ExampleEntry[];
	fewShot?: { file: string; count: number; pick: 'first' | 'random'; seed?: number };
	parameters?: Variant['parameters'];
	price?: Variant['price'];
}

/** Returns the provider ids that a draft's variants and judge scorers use. */
export function providerIdsOf(draft: ComparisonDraft): string[] {
	const models = [
		...draft.variants.map((variant) => variant.model),
		...draft.scorers.flatMap((scorer) => (scorer.type === 'judge' ? [scorer.model] : [])),
	];
	const ids = models.map((model) => model.slice(0, model.indexOf(':'))).filter((id) => id !== '');
	return [...new Set(ids)];
}

/**
 * Builds the JSON of a variants file at `filePath`. `providers` are the entries to write: those the variants use,
 * without keys. `workspaceRoot` is the folder that the draft's few-shot paths start from.
 */
export function draftToVariantsFile(
	draft: ComparisonDraft,
	providers: readonly VariantsFileProvider[],
	filePath: string,
	workspaceRoot: string,
): Record<string, unknown> {
	const file: Record<string, unknown> = {};
	if (providers.length > 0) {
		file.providers = providers;
	}
	file.variants = draft.variants.map((variant) => toEntry(variant, dirname(filePath), workspaceRoot));
	file.scorers = draft.scorers;
	if (draft.concurrency !== undefined) {
		file.concurrency = draft.concurrency;
	}
	if (draft.breakEven !== undefined) {
		file.breakEven = draft.breakEven;
	}
	return file;
}

function toEntry(variant: Variant, fileFolder: string, workspaceRoot: string): VariantEntry {
	const entry: VariantEntry = { id: variant.id, model: variant.model };
	if (variant.label !== '' && variant.label !== variant.id) {
		entry.label = variant.label;
	}
	if (variant.system) {
		entry.system = variant.system;
	}
	if (variant.template) {
		entry.template = variant.template;
	}
	if (variant.examples && variant.examples.length > 0) {
		entry.examples = variant.examples.map(toExampleEntry);
	}
	if (variant.examplesFrom) {
		const { file, ...rest } = variant.examplesFrom;
		entry.fewShot = { file: toPortablePath(relative(fileFolder, resolve(workspaceRoot, file))), ...rest };
	}
	if (variant.parameters && Object.keys(variant.parameters).length > 0) {
		entry.parameters = variant.parameters;
	}
	if (variant.price) {
		entry.price = variant.price;
	}
	return entry;
}

/** Writes a single question and answer as `{input, output}`, and any other conversation as its messages. */
function toExampleEntry(example: FewShotExample): ExampleEntry {
	const [first, second] = example.messages;
	if (example.messages.length === 2 && first.role === 'user' && second.role === 'assistant') {
		return { input: first.content, output: second.content };
	}
	return example;
}

/**
 * Builds a draft from a parsed variants file at `filePath`, with few-shot paths made relative to `workspaceRoot`.
 * Providers are kept, so saving the draft again writes them back.
 */
export function variantsFileToDraft(definition: ComparisonDefinition, filePath: string, workspaceRoot: string): ComparisonDraft {
	const variants = definition.variants.map((variant): Variant => {
		if (!variant.examplesFrom) {
			return variant;
		}
		const absolute = resolve(dirname(filePath), variant.examplesFrom.file);
		const file = isInside(workspaceRoot, absolute) ? toPortablePath(relative(workspaceRoot, absolute)) : absolute;
		return { ...variant, examplesFrom: { ...variant.examplesFrom, file } };
	});
	const draft: ComparisonDraft = { variants, scorers: definition.scorers, providers: definition.providers };
	if (definition.concurrency !== undefined) {
		draft.concurrency = definition.concurrency;
	}
	if (definition.breakEven !== undefined) {
		draft.breakEven = definition.breakEven;
	}
	return draft;
}

function isInside(folder: string, path: string): boolean {
	const fromFolder = relative(folder, path);
	return fromFolder !== '' && !fromFolder.startsWith('..') && !isAbsolute(fromFolder);
}

/** Uses `/` as the separator, so a variants file written on Windows reads the same elsewhere. */
function toPortablePath(path: string): string {
	return path.split('\\').join('/');
}
