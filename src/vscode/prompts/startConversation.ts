import { randomUUID } from 'node:crypto';
import type { StoredMessage } from '../../core/chat/conversation';
import type { ChatMessage } from '../../core/providers/types';
import type { ChatController } from '../chat/chatController';
import type { ChatViewProvider } from '../chat/chatView';

/**
 * Starts a new conversation in the Chat view from rendered messages and sends the last one, which must be a user
 * message: a leading system message becomes the conversation's system prompt and the messages between are its
 * history. The chat's own send path then checks the budget, streams the reply and stores everything. Resolves when
 * the reply has finished, or when the request was held back because it does not fit the model's window.
 */
export async function startConversation(
	controller: ChatController,
	view: ChatViewProvider,
	title: string,
	messages: readonly ChatMessage[],
): Promise<void> {
	const system = messages[0]?.role === 'system' ? messages[0].content : undefined;
	const turns = system === undefined ? messages : messages.slice(1);
	const last = turns.at(-1);
	if (!last || last.role !== 'user') {
		throw new Error('A conversation can only start from messages that end with a user message.');
	}
	await view.reveal();
	await controller.newChat();
	// NOTE: the controller has no method to start a conversation with a system prompt and history. So the empty
	// conversation that `newChat` leaves active is filled in place, and `chat/send` saves it with the sent message.
	const conversation = await controller.active();
	const now = Date.now();
	conversation.title = title;
	conversation.systemPrompt = system;
	conversation.messages.push(
		...turns.slice(0, -1).map((message): StoredMessage => ({
			id: randomUUID(),
			role: message.role,
			content: message.content,
			status: 'done',
			createdAt: now,
		})),
	);
	await controller.showActive();
	await controller.handle({ type: 'chat/send', conversationId: conversation.id, text: last.content });
}
