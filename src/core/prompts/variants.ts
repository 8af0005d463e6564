/**
 * A prompt file turned into what runs it: the comparison engine's variants, the messages the chat sends, and the
 * values of its variables.
 */

import { buildMessages, DEFAULT_TEMPLATE } from '../compare/template';
import type { FewShotExample, Variant } from '../compare/types';
import { CompareInputError } from '../errors';
import type { ChatMessage } from '../providers/types';
import type { PromptDefinition } from './definition';
import type { PromptVariantEntry } from './frontMatter';
import { fillPlaceholders } from './promptFile';

/** The body's messages as a variant uses them. */
export interface PromptParts {
	/** The leading system message. */
	system?: string;
	/** The user and assistant messages before the last user message, each example ending with an assistant message. */
	examples: FewShotExample[];
	/** The last user message, with its `{{variables}}`. Unset when there is no user message. */
	template?: string;
}

/** Argument of the command `llmLab.compareModels`: variants, values for their variables and a dataset, all optional. */
export interface CompareModelsArguments {
	variants?: Variant[];
	input?: Record<string, string>;
	datasetUri?: string;
}

/**
 * Splits the messages into system prompt, few-shot examples and template, leaving out those after the last user
 * message.
 */
export function promptParts(definition: PromptDefinition): PromptParts {
	const { messages } = definition;
	const lastUser = messages.map((message) => message.role).lastIndexOf('user');
	const parts: PromptParts = { examples: [] };
	if (messages[0]?.role === 'system') {
		parts.system = messages[0].content;
	}
	if (lastUser === -1) {
		return parts;
	}
	parts.template = messages[lastUser].content;
	let turns: ChatMessage[] = [];
	for (const message of messages.slice(0, lastUser)) {
		if (message.role === 'system') {
			continue;
		}
		turns.push({ role: message.role, content: message.content });
		if (message.role === 'assistant') {
			parts.examples.push({ messages: turns });
			turns = [];
		}
	}
	// User messages without a reply before the last one are still sent, in their place.
	if (turns.length > 0) {
		parts.examples.push({ messages: turns });
	}
	return parts;
}

/**
 * Builds the comparison engine's variants: one per entry of `variants`, or one for the file's model. A variant
 * without a model of its own uses the file's `model`, then `fallbackModel`. Throws `CompareInputError` when a variant
 * has no model from any of them.
 */
export function promptVariants(definition: PromptDefinition, fallbackModel?: string): Variant[] {
	const parts = promptParts(definition);
	return variantEntries(definition).map((entry) => {
		const model = entry.model ?? definition.options.model ?? fallbackModel;
		if (!model) {
			throw new CompareInputError(
				`The variant "${entry.id}" has no model. Set "model" in the prompt file's front matter, or select a model.`,
			);
		}
		return toVariant(entry, definition, parts, model);
	});
}

function variantEntries(definition: PromptDefinition): PromptVariantEntry[] {
	const { variants } = definition.options;
	return variants.length > 0 ? variants : [{ id: 'prompt', examples: true, parameters: {} }];
}

function toVariant(
	entry: PromptVariantEntry,
	definition: PromptDefinition,
	parts: PromptParts,
	model: string,
): Variant {
	const { options } = definition;
	const label = entry.label ?? (options.variants.length > 0 ? entry.id : (options.name ?? model));
	const variant: Variant = { id: entry.id, label, model };
	const system = entry.system ?? parts.system;
	if (system !== undefined) {
		variant.system = system;
	}
	if (entry.examples && parts.examples.length > 0) {
		variant.examples = parts.examples;
	}
	const fewShot = entry.fewShot ?? options.fewShot;
	if (fewShot) {
		variant.examplesFrom = fewShot;
	}
	if (parts.template !== undefined) {
		variant.template = parts.template;
	}
	const parameters = { ...options.parameters, ...entry.parameters };
	if (Object.keys(parameters).length > 0) {
		variant.parameters = parameters;
	}
	return variant;
}

/** Returns the declared variables' defaults. */
export function variableDefaults(definition: PromptDefinition): Record<string, string> {
	const values: Record<string, string> = {};
	for (const variable of definition.options.variables) {
		if (variable.default !== undefined) {
			values[variable.name] = variable.default;
		}
	}
	return values;
}

/** Lists the variables that the sent messages use and `values` has no value for, in order of first use. */
export function missingVariables(definition: PromptDefinition, values: Readonly<Record<string, string>>): string[] {
	return definition.usedVariables.filter((name) => values[name] === undefined);
}

/**
 * Returns the messages a variant sends with `values` for its variables. Throws `TemplateVariableError` for a variable
 * without a value.
 */
export function renderVariant(variant: Variant, values: Readonly<Record<string, string>>): ChatMessage[] {
	return buildMessages(variant, { index: 0, line: 1, variables: { ...values } });
}

/** Returns the messages of the first variant with the defaults filled in; variables without one stay as written. */
export function previewMessages(definition: PromptDefinition): ChatMessage[] {
	const values = variableDefaults(definition);
	// The model does not change the messages, so a variant without one is previewed all the same.
	const variant = toVariant(variantEntries(definition)[0], definition, promptParts(definition), '');
	const messages: ChatMessage[] = [];
	if (variant.system) {
		messages.push({ role: 'system', content: fillPlaceholders(variant.system, values) });
	}
	for (const example of variant.examples ?? []) {
		messages.push(...example.messages);
	}
	messages.push({ role: 'user', content: fillPlaceholders(variant.template ?? DEFAULT_TEMPLATE, values) });
	return messages;
}

/** Builds the arguments of `llmLab.compareModels`: the variants and the defaults as the input's values. */
export function compareArguments(
	definition: PromptDefinition,
	fallbackModel?: string,
	datasetUri?: string,
): CompareModelsArguments {
	const args: CompareModelsArguments = {
		variants: promptVariants(definition, fallbackModel),
		input: variableDefaults(definition),
	};
	if (datasetUri !== undefined) {
		args.datasetUri = datasetUri;
	}
	return args;
}
