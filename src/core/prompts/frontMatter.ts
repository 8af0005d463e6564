/**
 * The options of a prompt file, read from its YAML front matter: the model or variants to run, sampling parameters,
 * few-shot examples from a fine-tuning file, a dataset and the variables with their defaults. Every problem becomes a
 * diagnostic at the key or value it concerns.
 */

import { isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from 'yaml';
import type { Diagnostic } from '../compare/jsonl';
import type { FewShotSource, VariantParameters } from '../compare/types';
import type { ProviderConfig } from '../providers/types';
import { checkModelId } from './modelIds';
import type { DiagnosticRange, LineIndex } from './positions';
import { VARIABLE_NAME, type FrontMatterBlock } from './promptFile';
import { describeNode, type MapEntry, scalarValue, type ValueNode, YamlReader } from './yamlReader';

/** A variable declared in the front matter. */
export interface PromptVariable {
	name: string;
	/** Unset: a value must be given when the prompt runs. */
	default?: string;
	description?: string;
	/** Position of the name in the file. */
	declaredAt: DiagnosticRange;
}

/** A variant as the front matter writes it; unset fields take the top-level value or the body's messages. */
export interface PromptVariantEntry {
	id: string;
	label?: string;
	model?: string;
	/** Replaces the body's system message for this variant; an empty string sends none. */
	system?: string;
	/** False sends no few-shot turns from the body. @default true */
	examples: boolean;
	parameters: VariantParameters;
	fewShot?: FewShotSource;
}

export interface PromptOptions {
	name?: string;
	description?: string;
	/** Model id `<provider id>:<model>`, the default of every variant. */
	model?: string;
	/** Dataset path, relative to the prompt file. */
	dataset?: string;
	/** Sampling parameters of every variant; a variant's own parameters override them. */
	parameters: VariantParameters;
	/** Few-shot examples of every variant from a fine-tuning file, unless a variant has its own. */
	fewShot?: FewShotSource;
	variables: PromptVariable[];
	/** The `variants` list; empty when the file has one model or none. */
	variants: PromptVariantEntry[];
}

/** The user's setup that validation checks model ids against. */
export interface PromptCheckContext {
	/** The configured providers. Unset: model ids are not checked against them. */
	providers?: readonly Pick<ProviderConfig, 'id' | 'kind'>[];
}

export interface FrontMatterResult {
	options: PromptOptions;
	diagnostics: Diagnostic[];
	/** True for a prompt file of another tool, such as GitHub Copilot's, which LLM Lab leaves alone. */
	foreign: boolean;
}

const TOP_LEVEL_KEYS = ['name', 'description', 'model', 'variants', 'parameters', 'variables', 'fewShot', 'dataset'];
const VARIANT_KEYS = ['id', 'label', 'model', 'system', 'examples', 'parameters', 'fewShot'];
const PARAMETER_KEYS = ['temperature', 'topP', 'maxTokens', 'seed', 'stop', 'logprobs'];
const FEW_SHOT_KEYS = ['file', 'count', 'pick', 'seed'];
const VARIABLE_KEYS = ['default', 'description'];
/** Keys of GitHub Copilot's prompt files, which share the `*.prompt.md` extension. */
const COPILOT_KEYS = ['mode', 'agent', 'tools', 'argument-hint', 'applyTo'];
/** Keys only LLM Lab's prompt files have. */
const OWN_KEYS = ['variants', 'parameters', 'variables', 'fewShot', 'dataset'];

/** Most stop sequences OpenAI's Chat Completions API accepts. */
const MAX_STOP_SEQUENCES = 4;

/** Reads and validates the front matter block of `text`. */
export function readFrontMatter(
	text: string,
	block: FrontMatterBlock | undefined,
	index: LineIndex,
	context: PromptCheckContext,
): FrontMatterResult {
	const options: PromptOptions = { parameters: {}, variables: [], variants: [] };
	if (!block) {
		return { options, diagnostics: [], foreign: false };
	}
	const reader = new YamlReader(block.start, index);
	if (!block.closed) {
		reader.diagnostics.push({
			...index.range(0, 3),
			severity: 'error',
			code: 'unclosed-front-matter',
			message:
				'The front matter has no closing "---" line, so the whole file is read as YAML. Add "---" after it.',
		});
		return { options, diagnostics: reader.diagnostics, foreign: false };
	}

	const document = parseDocument(text.slice(block.start, block.end), { prettyErrors: false });
	for (const problem of [...document.errors, ...document.warnings]) {
		const [start, end] = problem.pos;
		reader.diagnostics.push({
			...index.range(block.start + start, block.start + Math.max(end, start + 1)),
			severity: problem.name === 'YAMLWarning' ? 'warning' : 'error',
			code: 'yaml-syntax',
			message: `Invalid YAML: ${problem.message.replace(/\.?$/, '.')}`,
		});
	}
	const root = document.contents as ValueNode;
	if (root === null || (isScalar(root) && root.value === null)) {
		return { options, diagnostics: reader.diagnostics, foreign: false };
	}
	if (isForeign(root)) {
		return { options, diagnostics: [], foreign: true };
	}
	for (const entry of reader.entries(root, 'the front matter', TOP_LEVEL_KEYS, root)) {
		readTopLevel(reader, entry, options, context);
	}
	return { options, diagnostics: reader.diagnostics, foreign: false };
}

/** Reports whether the front matter uses another tool's keys and none of LLM Lab's own. */
function isForeign(root: Node): boolean {
	if (!isMap(root)) {
		return false;
	}
	const keys = root.items.map((pair) => scalarValue(pair.key as ValueNode));
	return (
		keys.some((key) => COPILOT_KEYS.includes(key as string)) &&
		!keys.some((key) => OWN_KEYS.includes(key as string))
	);
}

function readTopLevel(reader: YamlReader, entry: MapEntry, options: PromptOptions, context: PromptCheckContext): void {
	switch (entry.key) {
		case 'name':
		case 'description':
		case 'dataset':
			options[entry.key] = reader.string(entry, entry.key);
			break;
		case 'model':
			options.model = readModel(reader, entry, 'model', context);
			break;
		case 'parameters':
			options.parameters = readParameters(reader, entry, 'parameters');
			break;
		case 'fewShot':
			options.fewShot = readFewShot(reader, entry, 'fewShot');
			break;
		case 'variables':
			options.variables = readVariables(reader, entry);
			break;
		case 'variants':
			options.variants = readVariants(reader, entry, context);
			break;
	}
}

function readModel(
	reader: YamlReader,
	entry: MapEntry,
	where: string,
	context: PromptCheckContext,
): string | undefined {
	const model = reader.string(entry, where);
	if (model === undefined) {
		return undefined;
	}
	const problem = checkModelId(model, context.providers);
	if (problem) {
		const node = entry.value as Scalar;
		const { fix: edit } = problem;
		const fix = edit && reader.editInScalar(node, edit.title, edit.start, edit.end, edit.newText);
		reader.report(node, problem.code, problem.message, 'error', fix);
	}
	return model;
}

function readParameters(reader: YamlReader, entry: MapEntry, where: string): VariantParameters {
	const parameters: VariantParameters = {};
	for (const field of reader.entries(entry.value, where, PARAMETER_KEYS, entry.keyNode)) {
		const path = `${where}.${field.key}`;
		switch (field.key) {
			case 'temperature':
				parameters.temperature = reader.number(field, path, { min: 0, max: 2 });
				break;
			case 'topP':
				parameters.topP = reader.number(field, path, { min: 0, max: 1 });
				break;
			case 'maxTokens':
				parameters.maxTokens = reader.number(field, path, { integer: true, min: 1 });
				break;
			case 'seed':
				parameters.seed = reader.number(field, path, { integer: true });
				break;
			case 'stop':
				parameters.stop = reader.stringList(field, path, MAX_STOP_SEQUENCES);
				break;
			case 'logprobs':
				parameters.logprobs = reader.boolean(field, path);
				break;
		}
	}
	return withoutUnset(parameters);
}

function readFewShot(reader: YamlReader, entry: MapEntry, where: string): FewShotSource | undefined {
	const source: Partial<FewShotSource> = {};
	for (const field of reader.entries(entry.value, where, FEW_SHOT_KEYS, entry.keyNode)) {
		const path = `${where}.${field.key}`;
		switch (field.key) {
			case 'file':
				source.file = reader.string(field, path);
				break;
			case 'count':
				source.count = reader.number(field, path, { integer: true, min: 0 });
				break;
			case 'pick':
				source.pick = reader.choice(field, path, ['first', 'random'] as const);
				break;
			case 'seed':
				source.seed = reader.number(field, path, { integer: true });
				break;
		}
	}
	const node = entry.value;
	if (!isMap(node)) {
		return undefined;
	}
	const missing = ['file', 'count'].filter((key) => !node.has(key));
	if (missing.length > 0) {
		reader.report(
			entry.keyNode,
			'missing-key',
			`${where} needs ${missing.map((key) => `"${key}"`).join(' and ')}.`,
		);
		return undefined;
	}
	if (source.file === undefined || source.count === undefined) {
		return undefined;
	}
	return withoutUnset({ file: source.file, count: source.count, pick: source.pick ?? 'first', seed: source.seed });
}

/** Reads `variables`: a mapping of names to defaults or to `{ default, description }`, or a list of names. */
function readVariables(reader: YamlReader, entry: MapEntry): PromptVariable[] {
	if (isSeq(entry.value)) {
		return readVariableList(reader, entry.value.items as ValueNode[]);
	}
	const variables: PromptVariable[] = [];
	if (entry.value === null || scalarValue(entry.value) === null) {
		return variables;
	}
	if (!isMap(entry.value)) {
		reader.report(
			entry.value,
			'invalid-type',
			`variables must be a mapping of names to defaults, not ${describeNode(entry.value)}.`,
		);
		return variables;
	}
	for (const pair of entry.value.items) {
		const keyNode = pair.key as ValueNode;
		const name = scalarValue(keyNode);
		if (!isScalar(keyNode) || typeof name !== 'string') {
			reader.report((keyNode ?? entry.keyNode) as Node, 'invalid-key', 'Variable names must be plain names.');
			continue;
		}
		if (!checkVariableName(reader, keyNode, name)) {
			continue;
		}
		variables.push(readVariable(reader, { key: name, keyNode, value: pair.value as ValueNode }));
	}
	return variables;
}

function readVariableList(reader: YamlReader, items: ValueNode[]): PromptVariable[] {
	const variables: PromptVariable[] = [];
	for (const item of items) {
		const name = scalarValue(item);
		if (!isScalar(item) || typeof name !== 'string') {
			reader.report(
				item as Node,
				'invalid-type',
				`Each item of variables must be a variable name, not ${describeNode(item)}.`,
			);
			continue;
		}
		if (checkVariableName(reader, item, name)) {
			variables.push({ name, declaredAt: reader.rangeOf(item) });
		}
	}
	return variables;
}

function checkVariableName(reader: YamlReader, node: Scalar, name: string): boolean {
	if (VARIABLE_NAME.test(name)) {
		return true;
	}
	reader.report(
		node,
		'invalid-variable-name',
		`"${name}" cannot be used as {{${name}}}: a variable name starts with a letter or "_" and has only letters, digits, "_", "-" and ".".`,
	);
	return false;
}

/** Reads one variable: a scalar default (null for none) or a mapping with `default` and `description`. */
function readVariable(reader: YamlReader, entry: MapEntry): PromptVariable {
	const variable: PromptVariable = { name: entry.key, declaredAt: reader.rangeOf(entry.keyNode) };
	if (!isMap(entry.value)) {
		const value = readDefault(reader, entry, `variables.${entry.key}`);
		if (value !== undefined) {
			variable.default = value;
		}
		return variable;
	}
	for (const field of reader.entries(entry.value, `variables.${entry.key}`, VARIABLE_KEYS, entry.keyNode)) {
		const path = `variables.${entry.key}.${field.key}`;
		const value = field.key === 'default' ? readDefault(reader, field, path) : reader.string(field, path);
		if (value !== undefined) {
			variable[field.key as 'default' | 'description'] = value;
		}
	}
	return variable;
}

/** Reads a default: a string, or a number or boolean written as text. Nothing means no default. */
function readDefault(reader: YamlReader, entry: MapEntry, where: string): string | undefined {
	const value = scalarValue(entry.value);
	if (entry.value === null || value === null) {
		return undefined;
	}
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
		return String(value);
	}
	reader.report(entry.value, 'invalid-type', `${where} must be a text default, not ${describeNode(entry.value)}.`);
	return undefined;
}

function readVariants(reader: YamlReader, entry: MapEntry, context: PromptCheckContext): PromptVariantEntry[] {
	if (!isSeq(entry.value)) {
		reader.report(
			entry.value ?? entry.keyNode,
			'invalid-type',
			`variants must be a list of variants, not ${describeNode(entry.value)}.`,
		);
		return [];
	}
	const items = entry.value.items as ValueNode[];
	if (items.length === 0) {
		reader.report(entry.value, 'invalid-value', 'variants is empty. List at least one variant, or remove the key.');
	}
	const variants: PromptVariantEntry[] = [];
	const ids = new Set<string>();
	items.forEach((item, position) => {
		const where = `variants[${position}]`;
		if (!isMap(item)) {
			reader.report(
				(item ?? entry.value) as Node,
				'invalid-type',
				`${where} must be a mapping with a model, not ${describeNode(item)}.`,
			);
			return;
		}
		const variant = readVariant(reader, item, where, position, context);
		if (ids.has(variant.id)) {
			const idNode = item.get('id', true) as Node | undefined;
			reader.report(
				idNode ?? item,
				'duplicate-variant',
				`Two variants have the id "${variant.id}". Give each variant its own id.`,
			);
		}
		ids.add(variant.id);
		variants.push(variant);
	});
	return variants;
}

function readVariant(
	reader: YamlReader,
	node: Node,
	where: string,
	position: number,
	context: PromptCheckContext,
): PromptVariantEntry {
	const variant: PromptVariantEntry = { id: `variant-${position + 1}`, examples: true, parameters: {} };
	for (const field of reader.entries(node, where, VARIANT_KEYS, node)) {
		const path = `${where}.${field.key}`;
		switch (field.key) {
			case 'id':
				variant.id = reader.string(field, path) ?? variant.id;
				break;
			case 'label':
			case 'system':
				variant[field.key] = reader.string(field, path);
				break;
			case 'model':
				variant.model = readModel(reader, field, path, context);
				break;
			case 'examples':
				variant.examples = reader.boolean(field, path) ?? true;
				break;
			case 'parameters':
				variant.parameters = readParameters(reader, field, path);
				break;
			case 'fewShot':
				variant.fewShot = readFewShot(reader, field, path);
				break;
		}
	}
	return withoutUnset(variant);
}

/** Returns a copy without the keys whose value is undefined, so that spreading it never overrides a set value. */
function withoutUnset<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
