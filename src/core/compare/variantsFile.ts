/**
 * Variants files: the JSON a team keeps in its repository to define a comparison, with its providers, variants,
 * scorers, concurrency limits and break-even inputs. Validated with a JSON Schema, so every error names its path.
 */

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Ajv from 'ajv';
import { CompareInputError } from '../errors';
import type { ProviderConfig } from '../providers/types';
import { pickFewShotExamples } from './fewShot';
import { readChatJsonl } from './finetune';
import type { FewShotExample, FewShotSource, ScorerSpec, Variant, VariantParameters } from './types';
import type { TokenPrice } from '../models/catalog';

/** A provider entry of a variants file. */
export interface VariantsFileProvider extends ProviderConfig {
	/** Environment variable that contains the API key. Unset: OpenAI's own API gets `OPENAI_API_KEY`, others no key. */
	apiKeyEnv?: string;
}

export interface BreakEvenSettings {
	trainingTokens: number;
	epochs: number;
	trainingPerMillion?: number;
}

export interface ComparisonDefinition {
	providers: VariantsFileProvider[];
	variants: Variant[];
	scorers: ScorerSpec[];
	concurrency?: number | Record<string, number>;
	breakEven?: BreakEvenSettings;
}

/** A variant as written in the file: examples may be `{input, output}` pairs, or come from a fine-tuning file. */
interface VariantEntry {
	id: string;
	label?: string;
	model: string;
	system?: string;
	template?: string;
	examples?: Array<{ input: string; output: string } | FewShotExample>;
	fewShot?: Omit<FewShotSource, 'pick'> & { pick?: FewShotSource['pick'] };
	parameters?: VariantParameters;
	price?: TokenPrice;
}

/** Providers used when a variants file lists none: the defaults of the `llmLab.providers` setting. */
export const DEFAULT_PROVIDERS: VariantsFileProvider[] = [
	{ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
	{ id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' },
];

const message = {
	type: 'object',
	required: ['role', 'content'],
	properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string' } },
	additionalProperties: false,
};
const price = {
	type: 'object',
	required: ['inputPerMillion', 'outputPerMillion'],
	properties: { inputPerMillion: { type: 'number', minimum: 0 }, outputPerMillion: { type: 'number', minimum: 0 } },
	additionalProperties: false,
};
const scorer = {
	type: 'object',
	required: ['type'],
	properties: {
		type: { enum: ['exact', 'contains', 'regex', 'json', 'numeric', 'judge'] },
		id: { type: 'string', minLength: 1 },
		caseSensitive: { type: 'boolean' },
		trim: { type: 'boolean' },
		value: { type: 'string' },
		pattern: { type: 'string' },
		flags: { type: 'string' },
		schema: { type: 'object' },
		tolerance: { type: 'number', minimum: 0 },
		relative: { type: 'boolean' },
		model: { type: 'string' },
		rubric: { type: 'string' },
		min: { type: 'number' },
		max: { type: 'number' },
		passScore: { type: 'number' },
	},
	additionalProperties: false,
	allOf: [
		{ if: { properties: { type: { const: 'regex' } } }, then: { required: ['pattern'] } },
		{ if: { properties: { type: { const: 'judge' } } }, then: { required: ['model', 'rubric'] } },
	],
};

/** JSON Schema of variants files, also usable for editor validation. */
export const VARIANTS_FILE_SCHEMA = {
	type: 'object',
	required: ['variants'],
	properties: {
		providers: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'kind', 'baseUrl'],
				properties: {
					id: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
					name: { type: 'string' },
					kind: { enum: ['openai', 'ollama'] },
					baseUrl: { type: 'string', pattern: '^https?://' },
					apiKeyEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
				},
				additionalProperties: false,
			},
		},
		variants: {
			type: 'array',
			minItems: 1,
			items: {
				type: 'object',
				required: ['id', 'model'],
				properties: {
					id: { type: 'string', minLength: 1 },
					label: { type: 'string' },
					model: { type: 'string', pattern: '^[A-Za-z0-9_-]+:.+' },
					system: { type: 'string' },
					template: { type: 'string' },
					examples: {
						type: 'array',
						items: {
							oneOf: [
								{
									type: 'object',
									required: ['input', 'output'],
									properties: { input: { type: 'string' }, output: { type: 'string' } },
									additionalProperties: false,
								},
								{
									type: 'object',
									required: ['messages'],
									properties: { messages: { type: 'array', minItems: 2, items: message } },
									additionalProperties: false,
								},
							],
						},
					},
					fewShot: {
						type: 'object',
						required: ['file', 'count'],
						properties: {
							file: { type: 'string' },
							count: { type: 'integer', minimum: 0 },
							pick: { enum: ['first', 'random'] },
							seed: { type: 'integer' },
						},
						additionalProperties: false,
					},
					parameters: {
						type: 'object',
						properties: {
							temperature: { type: 'number', minimum: 0, maximum: 2 },
							topP: { type: 'number', minimum: 0, maximum: 1 },
							maxTokens: { type: 'integer', minimum: 1 },
							seed: { type: 'integer' },
							stop: { type: 'array', items: { type: 'string' }, maxItems: 4 },
							logprobs: { type: 'boolean' },
						},
						additionalProperties: false,
					},
					price,
				},
				additionalProperties: false,
			},
		},
		scorers: { type: 'array', items: scorer },
		concurrency: {
			oneOf: [
				{ type: 'integer', minimum: 1 },
				{ type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
			],
		},
		breakEven: {
			type: 'object',
			required: ['trainingTokens', 'epochs'],
			properties: {
				trainingTokens: { type: 'integer', minimum: 0 },
				epochs: { type: 'integer', minimum: 1 },
				trainingPerMillion: { type: 'number', minimum: 0 },
			},
			additionalProperties: false,
		},
	},
	additionalProperties: false,
} as const;

let validateFile: ReturnType<Ajv['compile']> | undefined;

/**
 * Reads a variants file and resolves its few-shot files, relative to its folder, into examples. Throws
 * `CompareInputError` with the file and the path of every invalid value.
 */
export async function loadVariantsFile(path: string): Promise<ComparisonDefinition> {
	const value = parseJsonFile(await readText(path), path);
	const definition = parseVariantsFile(value, path);
	for (const variant of definition.variants) {
		if (variant.examplesFrom) {
			const file = resolve(dirname(path), variant.examplesFrom.file);
			variant.examples = [...(variant.examples ?? []), ...(await loadFewShot(file, variant.examplesFrom, variant.id))];
		}
	}
	return definition;
}

/** Validates the parsed JSON of a variants file. Few-shot files are not read: `examplesFrom` is set for the caller. */
export function parseVariantsFile(value: unknown, path = 'The variants file'): ComparisonDefinition {
	validateFile ??= new Ajv({ allErrors: true, allowUnionTypes: true }).compile(VARIANTS_FILE_SCHEMA);
	if (!validateFile(value)) {
		const problems = (validateFile.errors ?? []).slice(0, 5).map((error) => {
			const where = error.instancePath || '(top level)';
			const allowed = error.params && 'allowedValues' in error.params ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : '';
			const extra = error.params && 'additionalProperty' in error.params ? ` ("${error.params.additionalProperty}")` : '';
			return `${where} ${error.message}${allowed}${extra}`;
		});
		throw new CompareInputError(`${path} is invalid:\n  ${problems.join('\n  ')}`, path);
	}
	const file = value as {
		providers?: VariantsFileProvider[];
		variants: VariantEntry[];
		scorers?: ScorerSpec[];
		concurrency?: number | Record<string, number>;
		breakEven?: BreakEvenSettings;
	};
	const providers = (file.providers ?? DEFAULT_PROVIDERS).map((provider) => ({ ...provider, name: provider.name ?? provider.id }));
	return {
		providers,
		variants: file.variants.map(toVariant),
		scorers: file.scorers ?? [],
		concurrency: file.concurrency,
		breakEven: file.breakEven,
	};
}

function toVariant(entry: VariantEntry): Variant {
	const examples = entry.examples?.map((example): FewShotExample =>
		'messages' in example
			? example
			: {
					messages: [
						{ role: 'user', content: example.input },
						{ role: 'assistant', content: example.output },
					],
				},
	);
	const variant: Variant = { id: entry.id, label: entry.label ?? entry.id, model: entry.model };
	if (entry.system !== undefined) {
		variant.system = entry.system;
	}
	if (examples !== undefined) {
		variant.examples = examples;
	}
	if (entry.fewShot !== undefined) {
		variant.examplesFrom = { ...entry.fewShot, pick: entry.fewShot.pick ?? 'first' };
	}
	if (entry.template !== undefined) {
		variant.template = entry.template;
	}
	if (entry.parameters !== undefined) {
		variant.parameters = entry.parameters;
	}
	if (entry.price !== undefined) {
		variant.price = entry.price;
	}
	return variant;
}

/** Reads a fine-tuning file and picks a variant's examples from it. */
export async function loadFewShot(file: string, source: FewShotSource, variantId: string): Promise<FewShotExample[]> {
	const { examples, diagnostics } = readChatJsonl(await readText(file), 'fine-tuning');
	const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
	if (errors.length > 0) {
		const listed = errors.slice(0, 5).map((error) => `${file}:${error.line}:${error.column}: ${error.message}`);
		throw new CompareInputError(
			`The few-shot file of variant "${variantId}" has ${errors.length} invalid line(s). Fix them first:\n  ${listed.join('\n  ')}`,
			file,
		);
	}
	try {
		return pickFewShotExamples(examples, source);
	} catch (error) {
		if (error instanceof CompareInputError) {
			throw new CompareInputError(`Variant "${variantId}", ${file}: ${error.message}`, file);
		}
		throw error;
	}
}

async function readText(path: string): Promise<string> {
	try {
		return await readFile(path, 'utf8');
	} catch (cause) {
		throw new CompareInputError(`Could not read ${path}: ${(cause as Error).message}`, path);
	}
}

function parseJsonFile(text: string, path: string): unknown {
	try {
		return JSON.parse(text);
	} catch (cause) {
		throw new CompareInputError(`${path} is not valid JSON: ${(cause as Error).message}`, path);
	}
}
