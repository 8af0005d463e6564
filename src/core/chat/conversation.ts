/** A stored conversation: what the chat view shows and what the store writes to disk. */

import type { ChatRole, FinishReason } from '../providers/types';

export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';

export interface MessageStats {
	promptTokens?: number;
	completionTokens?: number;
	/** True when the token figures are our own count because the provider reported none. */
	estimated: boolean;
	/** Milliseconds from sending the request to the last chunk. */
	latencyMs?: number;
	/** Milliseconds from sending the request to the first content chunk. */
	firstTokenMs?: number;
	/** US dollars, when the model's price is known. */
	costUsd?: number;
}

export interface StoredMessage {
	id: string;
	role: ChatRole;
	content: string;
	/** `<providerId>:<model>` that wrote an assistant message. */
	model?: string;
	status: MessageStatus;
	finishReason?: FinishReason;
	stats?: MessageStats;
	/** A user-facing note on the message, such as why it stopped or that the input was truncated. */
	notice?: string;
	createdAt: number;
}

export interface Conversation {
	id: string;
	title: string;
	model?: string;
	systemPrompt?: string;
	/** Ollama `num_ctx` sent with this conversation's requests, after the user chose to raise the window. */
	numCtx?: number;
	messages: StoredMessage[];
	/** Text typed into the input box and not yet sent. */
	draft: string;
	createdAt: number;
	updatedAt: number;
}
