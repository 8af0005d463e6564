/**
 * The chat format of fine-tuning JSONL files (`{"messages": [{"role": ..., "content": ...}, ...]}` on each line): its
 * validation, with positioned diagnostics and quick fixes, and its reading as conversations.
 */

import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { ChatMessage, ChatRole } from '../providers/types';
import { type Diagnostic, type JsonlLine, nodeSpan, parseJsonl, span } from './jsonl';

/** Roles that OpenAI's fine-tuning chat format accepts. */
const FINE_TUNING_ROLES = ['system', 'user', 'assistant', 'tool', 'function'] as const;
/** Roles a comparison can send; tool turns need tool definitions, which variants do not have. */
const CHAT_ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];

/** One conversation read from a chat-format line. */
export interface ChatExample {
	line: number;
	messages: ChatMessage[];
}

export interface ChatFileResult {
	/** Conversations from the lines without errors. */
	examples: ChatExample[];
	diagnostics: Diagnostic[];
}

/**
 * Validates a fine-tuning JSONL file: JSON syntax, a non-empty `messages` array on each line, known roles (with a fix
 * for a misspelt one), string contents, an assistant message in every example and `weight` values of 0 or 1.
 */
export function validateFineTuneJsonl(text: string): Diagnostic[] {
	return readChatJsonl(text, 'fine-tuning').diagnostics;
}

/**
 * Reads the conversations of a chat-format JSONL file. `purpose` selects the rules: `fine-tuning` accepts tool turns
 * and requires an assistant message; `comparison` accepts only system, user and assistant turns.
 */
export function readChatJsonl(text: string, purpose: 'fine-tuning' | 'comparison'): ChatFileResult {
	const { lines, diagnostics } = parseJsonl(text);
	const examples: ChatExample[] = [];
	for (const line of lines) {
		if (!line.tree) {
			continue;
		}
		const problems = checkChatLine(line, purpose);
		diagnostics.push(...problems);
		if (!problems.some((problem) => problem.severity === 'error')) {
			examples.push({ line: line.line, messages: toChatMessages(line.value) });
		}
	}
	diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
	return { examples, diagnostics };
}

/** Checks one parsed line against the chat format. Exported for dataset rows that use it. */
export function checkChatLine(line: JsonlLine, purpose: 'fine-tuning' | 'comparison'): Diagnostic[] {
	const tree = line.tree as Node;
	const whole = nodeSpan(line.line, tree);
	if (tree.type !== 'object') {
		return [error(whole, 'not-object', 'Each line must be a JSON object with a "messages" array.')];
	}
	const messagesNode = findNodeAtLocation(tree, ['messages']);
	if (!messagesNode || messagesNode.type !== 'array') {
		return [error(whole, 'missing-messages', 'The line has no "messages" array.')];
	}
	const entries = messagesNode.children ?? [];
	if (entries.length === 0) {
		return [error(nodeSpan(line.line, messagesNode), 'empty-messages', 'The "messages" array is empty.')];
	}

	const diagnostics: Diagnostic[] = [];
	const allowed: readonly string[] = purpose === 'fine-tuning' ? FINE_TUNING_ROLES : CHAT_ROLES;
	let hasAssistant = false;
	entries.forEach((entry, index) => {
		const where = `messages[${index}]`;
		if (entry.type !== 'object') {
			diagnostics.push(error(nodeSpan(line.line, entry), 'not-object', `${where} must be an object with "role" and "content".`));
			return;
		}
		const roleNode = findNodeAtLocation(entry, ['role']);
		const role = roleNode?.value;
		if (!roleNode || typeof role !== 'string') {
			diagnostics.push(error(nodeSpan(line.line, roleNode ?? entry), 'missing-role', `${where} has no "role" string.`));
		} else if (!allowed.includes(role)) {
			diagnostics.push(roleDiagnostic(line.line, roleNode, role, where, allowed));
		}
		hasAssistant ||= role === 'assistant';
		diagnostics.push(...checkContent(line.line, entry, where, role, purpose));
		if (purpose === 'fine-tuning') {
			diagnostics.push(...checkWeight(line.line, entry, where, role));
		}
	});
	if (purpose === 'fine-tuning' && !hasAssistant && diagnostics.length === 0) {
		diagnostics.push(
			error(nodeSpan(line.line, messagesNode), 'no-assistant', 'The example has no assistant message to learn from.'),
		);
	}
	return diagnostics;
}

function roleDiagnostic(line: number, roleNode: Node, role: string, where: string, allowed: readonly string[]): Diagnostic {
	const suggestion = closestName(role, allowed);
	const range = nodeSpan(line, roleNode);
	const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
	return {
		...range,
		severity: 'error',
		code: 'unknown-role',
		message: `${where} has the unknown role "${role}". Use one of: ${allowed.join(', ')}.${hint}`,
		fix: suggestion
			? {
					title: `Change the role to "${suggestion}"`,
					line,
					column: range.column,
					endColumn: range.endColumn,
					newText: JSON.stringify(suggestion),
				}
			: undefined,
	};
}

function checkContent(
	line: number,
	entry: Node,
	where: string,
	role: unknown,
	purpose: 'fine-tuning' | 'comparison',
): Diagnostic[] {
	const contentNode = findNodeAtLocation(entry, ['content']);
	if (contentNode?.type === 'string') {
		return [];
	}
	// An assistant turn may carry only tool calls, and a fine-tuning content may be an array of parts.
	const toolCalls = findNodeAtLocation(entry, ['tool_calls']) ?? findNodeAtLocation(entry, ['function_call']);
	if (purpose === 'fine-tuning' && role === 'assistant' && toolCalls && (!contentNode || contentNode.type === 'null')) {
		return [];
	}
	if (purpose === 'fine-tuning' && contentNode?.type === 'array') {
		return [];
	}
	const range = nodeSpan(line, contentNode ?? entry);
	return [error(range, 'invalid-content', `${where} needs a "content" string.`)];
}

function checkWeight(line: number, entry: Node, where: string, role: unknown): Diagnostic[] {
	const weightNode = findNodeAtLocation(entry, ['weight']);
	if (!weightNode) {
		return [];
	}
	if (role !== 'assistant') {
		return [error(nodeSpan(line, weightNode), 'invalid-weight', `${where}: only assistant messages may have a "weight".`)];
	}
	if (weightNode.value !== 0 && weightNode.value !== 1) {
		return [error(nodeSpan(line, weightNode), 'invalid-weight', `${where} has "weight" ${weightNode.value}; use 0 or 1.`)];
	}
	return [];
}

function error(range: ReturnType<typeof span>, code: string, message: string): Diagnostic {
	return { ...range, severity: 'error', code, message };
}

function toChatMessages(value: unknown): ChatMessage[] {
	const messages = (value as { messages: Array<{ role: ChatRole; content?: unknown }> }).messages;
	return messages.map((message) => ({
		role: message.role,
		content: typeof message.content === 'string' ? message.content : '',
	}));
}

/** Returns the allowed name within two edits of `name`, when exactly one is closest. */
export function closestName(name: string, allowed: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = 3;
	let tie = false;
	for (const candidate of allowed) {
		const distance = editDistance(name.toLowerCase(), candidate);
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
			tie = false;
		} else if (distance === bestDistance) {
			tie = true;
		}
	}
	return tie ? undefined : best;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
			current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
		}
		previous = current;
	}
	return previous[b.length];
}
