/**
 * A prompt file read as a whole: front matter options, messages and the variables they use, with every problem as a
 * positioned diagnostic for the editor.
 */

import type { Diagnostic } from '../compare/jsonl';
import { type PromptCheckContext, type PromptOptions, readFrontMatter } from './frontMatter';
import { LineIndex } from './positions';
import { findFrontMatter, findPlaceholders, type Placeholder, parsePromptFile, type PromptMessage } from './promptFile';

export interface PromptDefinition {
	options: PromptOptions;
	messages: PromptMessage[];
	/**
	 * Names of the variables that are filled when the prompt is sent, in order of first use: those in the leading
	 * system message, the last user message and the variants' own system prompts.
	 */
	usedVariables: string[];
	diagnostics: Diagnostic[];
	/** True for a prompt file of another tool, such as GitHub Copilot's: it has no diagnostics and runs nowhere. */
	foreign: boolean;
}

/** Reads a prompt file's text and validates it. `context` adds the checks that depend on the user's settings. */
export function readPromptFile(text: string, context: PromptCheckContext = {}): PromptDefinition {
	const index = new LineIndex(text);
	const block = findFrontMatter(text);
	const frontMatter = readFrontMatter(text, block, index, context);
	const messages = parsePromptFile(text);
	if (frontMatter.foreign) {
		return { options: frontMatter.options, messages, usedVariables: [], diagnostics: [], foreign: true };
	}
	const diagnostics = [...frontMatter.diagnostics];
	if (!block || block.closed) {
		// The body starts after the closing `---` line.
		const bodyStart = block ? text.indexOf('\n', block.end) + 1 || text.length : 0;
		diagnostics.push(...checkMessages(text, messages, index, bodyStart));
	}

	const { sent, examples } = placeholdersByPart(text, messages);
	const fromVariants = frontMatter.options.variants.flatMap((variant) =>
		findPlaceholders(variant.system ?? '').map((placeholder) => placeholder.name),
	);
	// Without a user message, the comparison engine sends its default template, `{{input}}`.
	const implicit = messages.some((message) => message.role === 'user') ? [] : ['input'];
	const usedVariables = [...new Set([...sent.map((placeholder) => placeholder.name), ...fromVariants, ...implicit])];
	const declared = new Set(frontMatter.options.variables.map((variable) => variable.name));
	for (const placeholder of sent) {
		if (!declared.has(placeholder.name)) {
			diagnostics.push({
				...index.range(placeholder.start, placeholder.end),
				severity: 'warning',
				code: 'undeclared-variable',
				message:
					`{{${placeholder.name}}} is not declared under "variables" in the front matter, so it has no default. ` +
					'Declare it with a default, or leave it to a dataset column or to the value asked for when the prompt runs.',
			});
		}
	}
	for (const variable of frontMatter.options.variables) {
		if (!usedVariables.includes(variable.name)) {
			diagnostics.push({
				...variable.declaredAt,
				severity: 'warning',
				code: 'unused-variable',
				message: `The variable "${variable.name}" is declared but no sent message uses {{${variable.name}}}.`,
			});
		}
	}
	for (const placeholder of examples) {
		diagnostics.push({
			...index.range(placeholder.start, placeholder.end),
			severity: 'warning',
			code: 'variable-in-example',
			message:
				`{{${placeholder.name}}} is sent as written: variables are filled only in the first system message and the ` +
				'last user message, not in the few-shot messages between them.',
		});
	}
	diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
	return { options: frontMatter.options, messages, usedVariables, diagnostics, foreign: false };
}

/** Checks the order and content of the messages. */
function checkMessages(text: string, messages: PromptMessage[], index: LineIndex, bodyStart: number): Diagnostic[] {
	const diagnostics: Diagnostic[] = [];
	const headingRange = (message: PromptMessage) => {
		const lineEnd = text.indexOf('\n', message.start);
		const end = lineEnd === -1 ? text.length : lineEnd;
		return index.range(message.start, text[end - 1] === '\r' ? end - 1 : end);
	};
	if (messages.length === 0) {
		diagnostics.push({
			...index.range(bodyStart, bodyStart),
			severity: 'warning',
			code: 'no-messages',
			message:
				'The prompt has no messages. Add a "## user" heading followed by the text to send; "## system" and ' +
				'few-shot "## user" and "## assistant" pairs may come before it.',
		});
		return diagnostics;
	}
	const lastUser = messages.map((message) => message.role).lastIndexOf('user');
	if (lastUser === -1) {
		diagnostics.push({
			...headingRange(messages[messages.length - 1]),
			severity: 'warning',
			code: 'no-user-message',
			message:
				'The prompt has no "## user" message, so a dataset\'s {{input}} is sent as the user message. Add "## user" with the text to send.',
		});
	}
	messages.forEach((message, position) => {
		if (message.role === 'system' && position > 0) {
			diagnostics.push({
				...headingRange(message),
				severity: 'warning',
				code: 'misplaced-system',
				message:
					'Only a system message at the start is sent. Move this one to the top, or merge it into the first.',
			});
		} else if (lastUser !== -1 && position > lastUser) {
			diagnostics.push({
				...headingRange(message),
				severity: 'warning',
				code: 'after-last-user',
				message: `This ${message.role} message comes after the last user message and is not sent. End the prompt with "## user".`,
			});
		}
		if (message.content === '') {
			diagnostics.push({
				...headingRange(message),
				severity: 'warning',
				code: 'empty-message',
				message: `The ${message.role} message is empty. Write its text under the heading, or remove the heading.`,
			});
		}
	});
	return diagnostics;
}

/**
 * Splits the messages' placeholders into those filled when the prompt is sent (leading system message and last user
 * message) and those in the few-shot messages between them, which are sent as written.
 */
function placeholdersByPart(text: string, messages: PromptMessage[]): { sent: Placeholder[]; examples: Placeholder[] } {
	const sent: Placeholder[] = [];
	const examples: Placeholder[] = [];
	const lastUser = messages.map((message) => message.role).lastIndexOf('user');
	messages.forEach((message, position) => {
		const found = findPlaceholders(text, message.contentStart, message.contentEnd);
		if ((position === 0 && message.role === 'system') || position === lastUser) {
			sent.push(...found);
		} else if (position < lastUser && message.role !== 'system') {
			examples.push(...found);
		}
	});
	return { sent, examples };
}
