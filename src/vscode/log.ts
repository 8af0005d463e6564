import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

/** Creates the "LLM Lab" log channel; its level follows the user's Developer: Set Log Level choice. */
export function createLogChannel(): vscode.LogOutputChannel {
	const channel = vscode.window.createOutputChannel('LLM Lab', { log: true });
	channel.info('LLM Lab log. For more detail, run "Developer: Set Log Level..." and choose LLM Lab, then Trace.');
	return channel;
}

/** Adapts the log channel to the core's Logger, with API keys masked in every line. */
export function loggerFor(channel: vscode.LogOutputChannel): Logger {
	return {
		trace: (message, ...args) => channel.trace(redact(message), ...args.map(redactValue)),
		debug: (message, ...args) => channel.debug(redact(message), ...args.map(redactValue)),
		info: (message, ...args) => channel.info(redact(message), ...args.map(redactValue)),
		warn: (message, ...args) => channel.warn(redact(message), ...args.map(redactValue)),
		error: (message, ...args) =>
			channel.error(typeof message === 'string' ? redact(message) : message, ...args.map(redactValue)),
	};
}

const KEY_PATTERNS = [/\bsk-[A-Za-z0-9_-]{8,}/g, /(Bearer\s+)[^\s"']+/gi, /("?api[_-]?key"?\s*[:=]\s*"?)[^\s",}]+/gi];

/** Masks strings that look like API keys or bearer tokens. */
export function redact(text: string): string {
	let result = text;
	for (const pattern of KEY_PATTERNS) {
		result = result.replace(pattern, (match, prefix?: string) =>
			typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}***` : '***',
		);
	}
	return result;
}

function redactValue(value: unknown): unknown {
	return typeof value === 'string' ? redact(value) : value;
}
