/** Prompt templates with `{{variable}}` placeholders, and the messages a variant sends for one dataset row. */

import { TemplateVariableError } from '../errors';
import type { ChatMessage } from '../providers/types';
import type { DatasetRow, Variant } from './types';

/** `{{name}}`, with optional spaces inside the braces. Names are letters, digits, `_`, `-` and `.`. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** The template used when a variant sets none: the row's `input`. */
export const DEFAULT_TEMPLATE = '{{input}}';

/** Lists the distinct variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
	return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/**
 * Fills every `{{name}}` from `variables`. Throws `TemplateVariableError` naming the first variable that has no value;
 * `where` names the template and row in the message.
 */
export function renderTemplate(template: string, variables: Readonly<Record<string, string>>, where = 'The template'): string {
	return template.replace(PLACEHOLDER, (_, name: string) => {
		const value = variables[name];
		if (value === undefined) {
			const known = Object.keys(variables);
			const available = known.length > 0 ? `Available: ${known.join(', ')}.` : 'It has no variables.';
			throw new TemplateVariableError(name, `${where} uses {{${name}}}, but no value is given for "${name}". ${available}`);
		}
		return value;
	});
}

/**
 * Builds the messages a variant sends for a row: its system prompt, its few-shot examples, then the row's input.
 *
 * For a chat-format row, the row's conversation is sent with the variant's system prompt in place of the row's own
 * (when the variant has one), and with its last user message replaced by the variant's template (when it has one).
 */
export function buildMessages(variant: Variant, row: DatasetRow): ChatMessage[] {
	const where = (part: string) => `The ${part} of variant "${variant.id}" (row ${row.index + 1}, line ${row.line})`;
	const messages: ChatMessage[] = [];
	const rowSystem = row.messages?.filter((message) => message.role === 'system') ?? [];
	if (variant.system !== undefined && variant.system !== '') {
		messages.push({ role: 'system', content: renderTemplate(variant.system, row.variables, where('system prompt')) });
	} else {
		messages.push(...rowSystem);
	}
	for (const example of variant.examples ?? []) {
		messages.push(...example.messages);
	}

	if (!row.messages) {
		const template = variant.template ?? DEFAULT_TEMPLATE;
		messages.push({ role: 'user', content: renderTemplate(template, row.variables, where('template')) });
		return messages;
	}
	const turns = row.messages.filter((message) => message.role !== 'system');
	const lastUser = turns.map((message) => message.role).lastIndexOf('user');
	turns.forEach((message, index) => {
		if (index === lastUser && variant.template !== undefined) {
			messages.push({ role: 'user', content: renderTemplate(variant.template, row.variables, where('template')) });
		} else {
			messages.push(message);
		}
	});
	return messages;
}

/**
 * Builds every variant's messages for every row once, before any request, so that a missing variable stops the run
 * before anything is paid for. Throws the first `TemplateVariableError`.
 */
export function checkTemplates(variants: readonly Variant[], rows: readonly DatasetRow[]): void {
	for (const row of rows) {
		for (const variant of variants) {
			buildMessages(variant, row);
		}
	}
}
