/**
 * Messages between the Chat view's page and its host. Both sides import this file, so a renamed
 * or reshaped message fails to compile on both.
 */

import type { Conversation, StoredMessage } from '../../core/chat/conversation';

/** A button that runs an extension command, shown on errors and first-run notices. */
export interface NoticeAction {
	label: string;
	command: string;
	args?: unknown[];
	/** Why the action cannot be taken now; the button is shown disabled with this text. */
	disabledReason?: string;
}

export interface ChatNotice {
	/** `error` for a failed request, `info` for first-run guidance. */
	severity: 'error' | 'warning' | 'info';
	message: string;
	actions: NoticeAction[];
}

export type MeterLevel = 'ok' | 'warning' | 'over';

/** How much of the selected model's context window the conversation and draft take. */
export interface ContextMeter {
	modelLabel: string;
	tokenizer: string;
	/** False when the tokenizer is an approximation for this model. */
	exact: boolean;
	contextWindow?: number;
	windowSource: string;
	systemTokens: number;
	historyTokens: number;
	inputTokens: number;
	/** Room reserved for the reply (`max_tokens`). */
	reservedTokens: number;
	level: MeterLevel;
	/** US dollars spent on this conversation's replies, when the model's price is known. */
	conversationCostUsd?: number;
}

export type HostToWebview =
	| { type: 'conversation/show'; conversation: Conversation; busy: boolean }
	| { type: 'message/append'; conversationId: string; message: StoredMessage }
	| { type: 'message/delta'; conversationId: string; messageId: string; text: string }
	| { type: 'message/update'; conversationId: string; message: StoredMessage }
	| { type: 'busy/changed'; conversationId: string; busy: boolean }
	| { type: 'meter/update'; meter: ContextMeter }
	| { type: 'notice/show'; notice: ChatNotice }
	| { type: 'notice/clear' }
	| { type: 'input/set'; text: string; focus: boolean };

export type WebviewToHost =
	| { type: 'webview/ready' }
	| { type: 'chat/send'; conversationId: string; text: string }
	| { type: 'chat/stop'; conversationId: string }
	| { type: 'chat/retry'; conversationId: string }
	| { type: 'chat/new' }
	| { type: 'draft/changed'; conversationId: string; text: string }
	| { type: 'command/run'; command: string; args?: unknown[] }
	| { type: 'clipboard/write'; text: string };
